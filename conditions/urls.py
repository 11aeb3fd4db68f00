from __future__ import annotations

from django.urls import path

from conditions.public import api, openapi, views

app_name = "conditions"

urlpatterns = [
    path("conditions/", views.condition_index, name="index"),
    path("search/", views.search, name="search"),
    path("conditions/<slug:slug>/", views.condition_detail, name="detail"),
    path("conditions/<slug:slug>/questions/<slug:question>/", views.question_detail, name="question"),
    path("conditions/<slug:slug>/history/", views.condition_history, name="history"),
    path("conditions/<slug:slug>/history/<int:number>/", views.publication_detail, name="publication"),
    path("api/conditions/", api.condition_list, name="api-list"),
    path("api/conditions/<slug:slug>/", api.condition_detail, name="api-detail"),
    path("api/changes/", api.change_list, name="api-changes"),
    path("api/openapi.json", openapi.openapi_json, name="api-openapi"),
    path("api/docs/", openapi.api_docs, name="api-docs"),
]
