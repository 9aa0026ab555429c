from django.urls import path

from . import views

app_name = "workdays"
urlpatterns = [
    path("", views.year_view, name="year"),
    path("overrides/<int:override_id>/remove/", views.override_remove, name="override_remove"),
    path("<int:year>/confirm/", views.year_confirm, name="year_confirm"),
]
