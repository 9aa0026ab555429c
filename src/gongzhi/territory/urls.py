from django.urls import path

from . import views

app_name = "territory"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("import/", views.import_divisions, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("<str:code>/", views.division_detail, name="division"),
    path("<str:code>/designate/", views.designate, name="designate"),
    path("<str:code>/export.xlsx", views.export_divisions, name="export"),
]
