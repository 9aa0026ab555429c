from django.urls import path

from . import views

app_name = "appeals"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.submit, name="new"),
    path("track/", views.track, name="track"),
    path("similar/", views.similar, name="similar"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<str:step>/", views.act, name="act"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("queue/", views.queue, name="queue"),
    path("inbox/", views.inbox, name="inbox"),
    path("dispatch/", views.dispatch_console, name="dispatch"),
    path("overdue/", views.overdue, name="overdue"),
    path("common/", views.common, name="common"),
    path("stats/", views.stats, name="stats"),
    path("stats.xlsx", views.stats_export, name="stats_export"),
    path("intake/", views.intake, name="intake"),
    path("import/", views.hotline_import, name="import"),
]
