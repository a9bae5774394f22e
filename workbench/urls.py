from django.urls import path

from workbench import views

urlpatterns = [
    path("", views.home, name="home"),
    path("today/", views.today, name="today"),
    path("me/", views.me, name="me"),
    path("patrols/<int:pk>/", views.patrol_detail, name="patrol-detail"),
]
