from django.urls import path

from core.replicas import reads_from_replica
from households import views, views_cards, views_excel

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
    path("households/excel/template/", views_excel.ledger_template, name="ledger-template"),
    path("households/excel/import/", views_excel.ledger_import_view, name="ledger-import"),
    path("households/excel/import/<int:pk>/", views_excel.ledger_import_result, name="ledger-import-result"),
    path("households/excel/import/<int:pk>/problems.xlsx", views_excel.ledger_import_errors, name="ledger-import-errors"),
    path("households/excel/export/", reads_from_replica(views_excel.ledger_export), name="ledger-export"),
    path("households/excel/export/full/", reads_from_replica(views_excel.ledger_export_form), name="ledger-export-full"),
    path("visits/due/", views_cards.visits_due, name="visits-due"),
    path("visits/<int:pk>/reviewed/", views_cards.visit_reviewed, name="visit-reviewed"),
    path("households/<int:pk>/card/", views_cards.household_card, name="household-card"),
    path("buildings/<int:pk>/cards/", views_cards.building_cards, name="building-cards"),
    path("r/<str:token>/", views_cards.public_household, name="public-household"),
]
