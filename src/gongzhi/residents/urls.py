from django.urls import path

from . import views

app_name = "residents"
urlpatterns = [
    path("", views.resident_list, name="list"),
    path("lookup/", views.lookup, name="lookup"),
    path("care/", views.care_list, name="care"),
    path("households/", views.household_list, name="households"),
    path("households/<str:public_id>/", views.household_card, name="household"),
    path("households/<str:public_id>/edit/", views.household_edit, name="household_edit"),
    path("r/<str:public_id>/", views.resident_detail, name="detail"),
    path("r/<str:public_id>/reveal/", views.reveal, name="reveal"),
    path("r/<str:public_id>/flags/", views.flag_add, name="flag_add"),
    path("r/<str:public_id>/edit/", views.resident_edit, name="edit"),
    path("r/<str:public_id>/consents/", views.consent_add, name="consent_add"),
    path("r/<str:public_id>/consents/<int:consent_id>/revoke/", views.consent_revoke, name="consent_revoke"),
    path("import/", views.import_residents, name="import"),
    path("import/template.<str:fmt>", views.import_template, name="template"),
    path("export/", views.export_residents, name="export"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<str:public_id>/", views.request_handle, name="request"),
    path("me/", views.me, name="me"),
    path("me/household/", views.my_household, name="my_household"),
    path("me/link/", views.link_account, name="link"),
    path("me/consents/<int:consent_id>/revoke/", views.my_consent_revoke, name="my_consent_revoke"),
    path("me/request/", views.my_request, name="my_request"),
    path("me/export.<str:fmt>", views.my_export, name="my_export"),
]
