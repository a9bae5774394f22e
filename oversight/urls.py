from django.urls import path

from core.replicas import reads_from_replica
from oversight import views_assessment, views_dashboard, views_figures, views_map, views_reports

urlpatterns = [
    path("dashboard/", reads_from_replica(views_dashboard.dashboard_root), name="dashboard-root"),
    path("dashboard/<str:level>/<int:pk>/", reads_from_replica(views_dashboard.dashboard), name="dashboard"),
    path("dashboard/<str:level>/<int:pk>/export.xlsx", reads_from_replica(views_dashboard.dashboard_export), name="dashboard-export"),
    path("assessment/", reads_from_replica(views_assessment.assessment_page), name="assessment"),
    path("reports/", reads_from_replica(views_reports.archive), name="report-archive"),
    path("reports/<int:pk>/<str:kind>/", reads_from_replica(views_reports.download), name="report-download"),
    path("coverage/<str:level>/<int:pk>/", reads_from_replica(views_map.coverage), name="coverage"),
    path("map/<str:level>/<int:pk>/", reads_from_replica(views_map.situation_map), name="situation-map"),
    path("requests/figures/", reads_from_replica(views_figures.figures), name="request-figures"),
]
