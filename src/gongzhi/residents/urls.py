from django.urls import path  # noqa: F401

app_name = "residents"
urlpatterns: list[object] = []
