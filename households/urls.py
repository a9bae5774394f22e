from django.urls import include, path

from households import views

urlpatterns = [
    path("households/", views.household_list, name="household-list"),
    path("households/<int:pk>/", views.household_detail, name="household-detail"),
    path("households/new/<int:building>/", views.household_create, name="household-create"),
    path("households/<int:pk>/edit/", views.household_edit, name="household-edit"),
    path("households/<int:pk>/archive/", views.household_archive, name="household-archive"),
    path("households/<int:pk>/residents/new/", views.resident_create, name="resident-create"),
    path("residents/<int:pk>/edit/", views.resident_edit, name="resident-edit"),
    path("households/<int:pk>/visits/new/", views.visit_create, name="visit-create"),
    path("visits/<int:pk>/photo/", views.visit_photo, name="visit-photo"),
    path("households/<int:pk>/reveal/", views.household_reveal, name="household-reveal"),
    path("residents/<int:pk>/reveal/", views.resident_reveal, name="resident-reveal"),
    path("buildings/<int:pk>/households/", views.building_households, name="building-households"),
    path("households/excel/", include("households.views_excel")),
    path("", include("households.views_care")),
]
