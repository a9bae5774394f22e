from django.urls import path

from oversight import views_assessment, views_dashboard, views_figures, views_map, views_reports

urlpatterns = [
    path("dashboard/", views_dashboard.dashboard_root, name="dashboard-root"),
    path("dashboard/<str:level>/<int:pk>/", views_dashboard.dashboard, name="dashboard"),
    path("dashboard/<str:level>/<int:pk>/export.xlsx", views_dashboard.dashboard_export, name="dashboard-export"),
    path("assessment/", views_assessment.assessment_page, name="assessment"),
    path("reports/", views_reports.archive, name="report-archive"),
    path("reports/<int:pk>/<str:kind>/", views_reports.download, name="report-download"),
    path("coverage/<str:level>/<int:pk>/", views_map.coverage, name="coverage"),
    path("map/<str:level>/<int:pk>/", views_map.situation_map, name="situation-map"),
    path("requests/figures/", views_figures.figures, name="request-figures"),
]
