"""Top-level URLs. Public pages are anonymous GETs; editing lives under /admin/ and /editor/."""

from django.contrib import admin
from django.urls import include, path

from conditions import views

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("conditions.urls")),
    path("editor/markdownify/", views.editor_preview, name="editor-preview"),
    path("editor/upload/", views.editor_upload, name="editor-upload"),
    path("admin/", admin.site.urls),
]

handler404 = "conditions.views.not_found"
