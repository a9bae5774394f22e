from django.urls import path

from grids import views

urlpatterns = [
    path("today/patrol/start/", views.patrol_start, name="patrol-start"),
    path("today/patrol/<int:pk>/end/", views.patrol_end, name="patrol-end"),
    path("today/patrol/end/", views.patrol_end_open, name="patrol-end-open"),
    path("today/patrol/<int:pk>/track/", views.patrol_track, name="patrol-track"),
]
