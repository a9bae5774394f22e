from django.urls import path

from workbench import offline, views

urlpatterns = [
    path("", views.home, name="home"),
    path("today/", views.today, name="today"),
    path("me/", views.me, name="me"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("sw.js", offline.service_worker, name="service-worker"),
    path("offline/", offline.offline, name="offline"),
    path("offline/pages.json", offline.offline_pages, name="offline-pages"),
    path("patrols/<int:pk>/", views.patrol_detail, name="patrol-detail"),
]
