from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("<str:public_id>/", views.job_detail, name="detail"),
    path("<str:public_id>/progress/", views.job_progress, name="progress"),
    path("<str:public_id>/errors.<str:fmt>", views.job_errors, name="errors"),
]
