from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("second-factor/", views.second_factor_view, name="second_factor"),
    path("second-factor/enrol/", views.enrol_view, name="enrol"),
    path("preferences/", views.preferences_view, name="preferences"),
    path("profile/", views.profile_view, name="profile"),
]
