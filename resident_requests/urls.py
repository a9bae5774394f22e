from django.urls import path

from resident_requests import views, views_photos

urlpatterns = [
    path("requests/", views.queue, name="request-queue"),
    path("requests/board/", views.board, name="request-board"),
    path("requests/overdue/", views.overdue, name="request-overdue"),
    path("requests/new/", views.intake, name="request-intake"),
    path("requests/figures/", views.figures, name="request-figures"),
    path("requests/<int:pk>/", views.detail, name="request-detail"),
    path("requests/<int:pk>/act/<str:action>/", views.act, name="request-act"),
    path("requests/<int:pk>/photos/<int:photo_pk>/<str:variant>/", views_photos.photo, name="request-photo"),
    path("r/<str:token>/report/", views.public_form, name="public-report"),
    path("c/<str:code>/report/", views.public_community_form, name="public-community-report"),
    path("track/<str:code>/", views.public_track, name="public-track"),
    path("track/<str:code>/photos/<int:photo_pk>/<str:variant>/", views_photos.public_photo, name="public-track-photo"),
]
