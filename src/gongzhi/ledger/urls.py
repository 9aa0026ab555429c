from django.urls import path

from . import views

app_name = "ledger"
urlpatterns = [
    path("ledger/checkpoint", views.latest_checkpoint, name="checkpoint"),
    path("ledger/verifier-key", views.verifier_key, name="verifier_key"),
    path("disclosures/", views.disclosure_list, name="disclosures"),
    path("disclosures/<int:pk>/", views.disclosure_detail, name="disclosure"),
    path("audit/", views.audit_events, name="audit"),
    path("audit/export.xlsx", views.audit_export, name="audit_export"),
]
