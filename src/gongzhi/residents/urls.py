from django.urls import path

from . import views

app_name = "residents"
urlpatterns = [
    path("", views.resident_list, name="list"),
    path("lookup/", views.lookup, name="lookup"),
    path("care/", views.care_list, name="care"),
    path("households/", views.household_list, name="households"),
    path("households/<str:public_id>/", views.household_card, name="household"),
    path("r/<str:public_id>/", views.resident_detail, name="detail"),
    path("r/<str:public_id>/reveal/", views.reveal, name="reveal"),
    path("r/<str:public_id>/flags/", views.flag_add, name="flag_add"),
    path("import/", views.import_residents, name="import"),
    path("import/template.<str:fmt>", views.import_template, name="template"),
    path("export/", views.export_residents, name="export"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<str:public_id>/", views.request_handle, name="request"),
    path("me/", views.me, name="me"),
    path("me/household/", views.my_household, name="my_household"),
    path("me/request/", views.my_request, name="my_request"),
    path("me/export.<str:fmt>", views.my_export, name="my_export"),
]
