from django.urls import path

from . import admin_views, views

app_name = "people"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("second-factor/", views.second_factor_view, name="second_factor"),
    path("second-factor/enrol/", views.enrol_view, name="enrol"),
    path("preferences/", views.preferences_view, name="preferences"),
    path("profile/", views.profile_view, name="profile"),
    path("admin/", admin_views.account_list, name="admin_accounts"),
    path("admin/new/", admin_views.account_create, name="admin_account_new"),
    path("admin/<int:user_id>/", admin_views.account_detail, name="admin_account"),
    path("admin/<int:user_id>/unlock/", admin_views.account_unlock, name="admin_account_unlock"),
    path(
        "admin/<int:user_id>/reset-second-factor/",
        admin_views.account_reset_second_factor,
        name="admin_account_reset_2fa",
    ),
    path("admin/assignments/<int:assignment_id>/end/", admin_views.assignment_end, name="admin_assignment_end"),
]
