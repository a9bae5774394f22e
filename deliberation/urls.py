from django.urls import path

from deliberation import views

urlpatterns = [
    path("deliberation/", views.topics, name="deliberation-topics"),
    path("deliberation/topics/<int:pk>/", views.topic_page, name="deliberation-topic"),
    path("deliberation/meetings/", views.meetings, name="deliberation-meetings"),
    path("deliberation/meetings/<int:pk>/", views.meeting_page, name="deliberation-meeting"),
    path("deliberation/participants/<int:pk>/reveal/", views.participant_reveal, name="deliberation-participant-phone"),
    path("c/<str:code>/decisions/", views.public_decisions, name="public-community-decisions"),
]
