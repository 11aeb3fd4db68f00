"""Top-level URLs. Public pages are anonymous GETs; editing lives under the admin (at
``settings.MEDSITE_ADMIN_URL``, ``admin/`` by default) and /editor/."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from conditions.admin import dashboard, presence, preview
from conditions.admin import images as image_picker
from conditions.public import discovery, infobutton, views
from conditions.public.caching import cached_page
from images import views as image_files
from medsite import health
from medsite.accounts.admin import preferences_view
from medsite.contentchecks.views import content_checks

# The admin speaks as the site: its name in the header, the browser's title and the login page.
admin.site.site_header = settings.MEDSITE_SITE_NAME
admin.site.site_title = f"{settings.MEDSITE_SITE_NAME} admin"
admin.site.index_title = "Pages, reviews and references"

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("conditions.urls")),
    path("sitemap.xml", cached_page(sitemap), {"sitemaps": discovery.SITEMAPS}, name="sitemap"),
    path("feeds/updates/", cached_page(discovery.UpdatesFeed()), name="feed-updates"),
    path("infobutton/service/", infobutton.service, name="infobutton-service"),
    path("infobutton/application/", infobutton.application, name="infobutton-application"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("robots.txt", discovery.robots_txt, name="robots-txt"),
    path("editor/markdownify/", preview.editor_preview, name="editor-preview"),
    path("editor/upload/", preview.editor_upload, name="editor-upload"),
    path("editor/page-preview/", preview.editor_page_preview, name="editor-page-preview"),
    path("editor/images/", image_picker.search, name="editor-image-search"),
    path("editor/images/upload/", image_picker.upload, name="editor-image-upload"),
    path("editor/editing/<int:condition_id>/", presence.editing_session, name="editor-editing-session"),
    # Staff only (admin_view), within the previews' limits.
    path("editor/content-checks/", admin.site.admin_view(content_checks), name="editor-content-checks"),
    # Before the admin, whose catch-all would otherwise answer; admin_view asks for a staff login.
    # The admin's own login page, landing editors and reviewers on the review dashboard.
    path(f"{settings.MEDSITE_ADMIN_URL}login/", dashboard.login, name="admin-login"),
    path(
        f"{settings.MEDSITE_ADMIN_URL}review-dashboard/",
        admin.site.admin_view(dashboard.review_dashboard),
        name="review-dashboard",
    ),
    # Each person's own preferences (no id: nobody reaches another's).
    path(
        f"{settings.MEDSITE_ADMIN_URL}preferences/",
        admin.site.admin_view(preferences_view),
        name="preferences",
    ),
    path(settings.MEDSITE_ADMIN_URL, admin.site.urls),
]

# Image files from local storage (images/views.py); an S3-compatible store serves its own.
if settings.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage":
    urlpatterns.append(path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", image_files.media, name="media"))

handler404 = "conditions.public.views.not_found"
handler500 = "medsite.errorlog.server_error"
