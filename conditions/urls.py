from django.urls import path

from . import views

app_name = "conditions"

urlpatterns = [
    path("conditions/", views.condition_index, name="index"),
    path("conditions/<slug:slug>/", views.condition_detail, name="detail"),
    path("conditions/<slug:slug>/questions/<slug:question>/", views.question_detail, name="question"),
    path("conditions/<slug:slug>/history/", views.condition_history, name="history"),
    path("conditions/<slug:slug>/history/<int:number>/", views.publication_detail, name="publication"),
]
