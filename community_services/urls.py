from django.urls import path

from community_services import views

urlpatterns = [
    path("services/", views.catalogue, name="service-catalogue"),
    path("services/<int:pk>/", views.service_edit, name="service-edit"),
    path("services/leave/", views.leave, name="service-leave"),
    path("services/queue/", views.queue, name="service-queue"),
    path("services/bookings/", views.booking_list, name="service-bookings"),
    path("services/bookings/<int:pk>/", views.booking_detail, name="service-booking"),
    path("services/bookings/<int:pk>/reveal/", views.booking_reveal, name="service-booking-reveal"),
    path("c/<str:code>/services/", views.public_catalogue, name="public-services"),
    path("c/<str:code>/services/<int:pk>/book/", views.public_book, name="public-service-book"),
    path("booking/<str:code>/", views.public_booking, name="public-booking"),
    path("booking/<str:code>/cancel/", views.public_booking_cancel, name="public-booking-cancel"),
]
