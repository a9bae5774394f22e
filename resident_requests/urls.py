from django.urls import include, path

from resident_requests import open311, views, views_photos

open311_urlpatterns = [
    *open311.with_formats("discovery", open311.discovery, "open311-discovery"),
    *open311.with_formats("services", open311.service_list, "open311-services"),
    *open311.with_formats("services/<str:code>", open311.service_definition, "open311-service"),
    *open311.with_formats("requests", open311.requests_collection, "open311-requests"),
    *open311.with_formats("requests/<str:code>", open311.request_item, "open311-request"),
]

urlpatterns = [
    path("requests/", views.queue, name="request-queue"),
    path("requests/board/", views.board, name="request-board"),
    path("requests/overdue/", views.overdue, name="request-overdue"),
    path("requests/new/", views.intake, name="request-intake"),
    path("requests/new/buildings/", views.intake_buildings, name="request-intake-buildings"),
    path("requests/new/locate/", views.intake_locate, name="request-intake-locate"),
    path("requests/<int:pk>/", views.detail, name="request-detail"),
    path("requests/<int:pk>/act/<str:action>/", views.act, name="request-act"),
    path("requests/<int:pk>/photos/<int:photo_pk>/<str:variant>/", views_photos.photo, name="request-photo"),
    path("r/<str:token>/report/", views.public_form, name="public-report"),
    path("c/<str:code>/report/", views.public_community_form, name="public-community-report"),
    path("c/<str:code>/buildings/", views.public_community_buildings, name="public-community-buildings"),
    path("track/<str:code>/", views.public_track, name="public-track"),
    path("track/<str:code>/photos/<int:photo_pk>/<str:variant>/", views_photos.public_photo, name="public-track-photo"),
    path("open311/v2/", include(open311_urlpatterns)),
    open311.catch_all(),
]
