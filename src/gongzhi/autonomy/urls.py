from django.urls import path

from . import views

app_name = "autonomy"
urlpatterns = [
    path("conventions/", views.conventions, name="conventions"),
    path("conventions/new/", views.convention_new, name="convention_new"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/diff/", views.version_diff, name="version_diff"),
    path("points/", views.my_points, name="my_points"),
    path("points/<int:pk>/object/", views.objection_new, name="objection_new"),
    path("points/admin/", views.points_admin, name="points_admin"),
    path("points/objections/<int:pk>/", views.objection_detail, name="objection"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/<int:pk>/redeem/", views.redeem, name="redeem"),
    path("supervision/", views.supervision, name="supervision"),
    path("supervision/election/", views.election_new, name="election_new"),
    path("supervision/items/<int:pk>/", views.item_detail, name="item"),
    path("supervision/inquiries/<int:pk>/", views.inquiry_detail, name="inquiry"),
    path("supervision/requests/new/", views.request_new, name="request_new"),
    path("supervision/requests/<int:pk>/", views.request_detail, name="request"),
    path("culture/", views.culture, name="culture"),
    path("culture/activities/<int:pk>/", views.activity_detail, name="activity"),
    path("culture/selections/<int:pk>/", views.selection_detail, name="selection"),
]
