from django.urls import path

from . import views

app_name = "duties"
urlpatterns = [
    path("", views.home, name="home"),
    path("certificates/check/", views.certificate_check, name="certificate_check"),
    path("lists/", views.versions, name="versions"),
    path("lists/new/", views.version_new, name="version_new"),
    path("lists/template.xlsx", views.import_template, name="import_template"),
    path("lists/<int:pk>/", views.version_detail, name="version"),
    path("lists/<int:pk>/export.xlsx", views.version_export, name="version_export"),
    path("lists/<int:pk>/import/", views.version_import, name="version_import"),
    path("lists/<int:pk>/publish/", views.version_publish, name="version_publish"),
    path("applications/", views.applications, name="applications"),
    path("applications/new/", views.application_new, name="application_new"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/report/", views.task_report, name="task_report"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("certificates/", views.certificates, name="certificates"),
    path("violations/", views.violations, name="violations"),
    path("violations/<int:pk>/", views.violation_detail, name="violation"),
    path("corrections/", views.corrections, name="corrections"),
    path("corrections/new/", views.correction_new, name="correction_new"),
    path("corrections/<int:pk>/", views.correction_detail, name="correction"),
    path("evaluations/", views.evaluations, name="evaluations"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation"),
    path("evaluations/<int:pk>/export.xlsx", views.evaluation_export, name="evaluation_export"),
]
