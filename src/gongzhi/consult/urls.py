from django.urls import path

from . import views

app_name = "consult"
urlpatterns = [
    path("", views.home, name="home"),
    path("topics/<int:pk>/", views.topic_detail, name="topic"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("votes/", views.votes, name="votes"),
    path("votes/<int:pk>/", views.vote_detail, name="vote"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision"),
    path("activities/", views.gatherings, name="gatherings"),
    path("activities/<int:pk>/", views.gathering_detail, name="gathering"),
    path("legal/", views.questions, name="questions"),
    path("legal/<int:pk>/", views.question_detail, name="question"),
    path("alerts/", views.alerts, name="alerts"),
]
