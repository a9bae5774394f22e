from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from cadres import api as cadres_api
from community_services import api as services_api
from config.api import Router
from deliberation import api as deliberation_api
from duties import api as duties_api
from governance import api as governance_api
from grids import api as grids_api
from households import api as households_api
from notifications import api as notifications_api
from oversight import api as oversight_api
from party_building import api as party_building_api
from resident_requests import api as requests_api
from volunteers import api as volunteers_api
from workbench import api as workbench_api

router = Router()
router.register("cities", governance_api.CityViewSet, basename="city")
router.register("districts", governance_api.DistrictViewSet, basename="district")
router.register("streets", governance_api.StreetViewSet, basename="street")
router.register("communities", governance_api.CommunityViewSet, basename="community")
router.register("grids", governance_api.GridViewSet, basename="grid")
router.register("buildings", governance_api.BuildingViewSet, basename="building")
router.register("resident-units", governance_api.ResidentUnitViewSet, basename="resident-unit")
router.register("memberships", governance_api.MembershipViewSet, basename="membership")
router.register("audit", governance_api.AuditEntryViewSet, basename="audit")
router.register("patrols", grids_api.PatrolViewSet, basename="patrol")
router.register("notifications", notifications_api.NotificationViewSet, basename="notification")
router.register("households", households_api.HouseholdViewSet, basename="household")
router.register("residents", households_api.ResidentViewSet, basename="resident")
router.register("visits", households_api.VisitViewSet, basename="visit")
router.register("care-tags", households_api.CareTagViewSet, basename="care-tag")
router.register("requests", requests_api.RequestViewSet, basename="request")
router.register("volunteers", volunteers_api.VolunteerViewSet, basename="volunteer")
router.register("volunteer-activities", volunteers_api.ActivityViewSet, basename="volunteer-activity")
router.register("volunteer-signups", volunteers_api.SignupViewSet, basename="volunteer-signup")
router.register("service-posts", volunteers_api.ServicePostViewSet, basename="service-post")
router.register("post-claims", volunteers_api.PostClaimViewSet, basename="post-claim")
router.register("wishes", volunteers_api.WishViewSet, basename="wish")
router.register("gifts", volunteers_api.GiftViewSet, basename="gift")
router.register("gift-redemptions", volunteers_api.RedemptionViewSet, basename="gift-redemption")
router.register("points-entries", volunteers_api.PointsEntryViewSet, basename="points-entry")
router.register("dual-reports", volunteers_api.DualReportViewSet, basename="dual-report")
router.register("reporting-units", volunteers_api.ReportingUnitViewSet, basename="reporting-unit")
router.register("list-resources", party_building_api.ResourceViewSet, basename="list-resource")
router.register("list-demands", party_building_api.DemandViewSet, basename="list-demand")
router.register("list-projects", party_building_api.ProjectViewSet, basename="list-project")
router.register("linkage-duties", party_building_api.LinkageDutyViewSet, basename="linkage-duty")
router.register("linkage-records", party_building_api.LinkageRecordViewSet, basename="linkage-record")
router.register("departments", duties_api.DepartmentViewSet, basename="department")
router.register("duty-templates", duties_api.DutyTemplateViewSet, basename="duty-template")
router.register("duties", duties_api.DutyViewSet, basename="duty")
router.register("incoming-tasks", duties_api.IncomingTaskViewSet, basename="incoming-task")
router.register("services", services_api.ServiceViewSet, basename="service")
router.register("service-leave", services_api.LeaveViewSet, basename="service-leave")
router.register("bookings", services_api.BookingViewSet, basename="booking")
router.register("deliberation-topics", deliberation_api.TopicViewSet, basename="deliberation-topic")
router.register("deliberation-options", deliberation_api.OptionViewSet, basename="deliberation-option")
router.register("deliberation-tasks", deliberation_api.TaskViewSet, basename="deliberation-task")
router.register("deliberation-meetings", deliberation_api.MeetingViewSet, basename="deliberation-meeting")
router.register("deliberation-participants", deliberation_api.ParticipantViewSet, basename="deliberation-participant")
router.register("monthly-reports", oversight_api.MonthlyReportViewSet, basename="monthly-report")
router.register("cadre-profiles", cadres_api.WorkerProfileViewSet, basename="cadre-profile")
router.register("cadre-grade-steps", cadres_api.GradeStepViewSet, basename="cadre-grade-step")
router.register("cadre-promotions", cadres_api.PromotionViewSet, basename="cadre-promotion")
router.register("cadre-pool-rules", cadres_api.PoolRuleViewSet, basename="cadre-pool-rule")
router.register("cadre-pool-entries", cadres_api.PoolEntryViewSet, basename="cadre-pool-entry")
router.register("cadre-pairs", cadres_api.MentorPairViewSet, basename="cadre-pair")
router.register("cadre-meetings", cadres_api.RoutineMeetingViewSet, basename="cadre-meeting")

# Single answers about a node or the caller (not collections): plain routes beside the router's, grouped per app.
NODE = r"(?P<level>city|district|street|community|grid)/(?P<pk>[0-9]+)"
api_views = [
    re_path(rf"^api/dashboards/{NODE}/$", oversight_api.dashboard, name="api-dashboard"),
    re_path(rf"^api/dashboards/{NODE}/export/$", oversight_api.dashboard_export, name="api-dashboard-export"),
    re_path(rf"^api/coverage/{NODE}/$", oversight_api.coverage, name="api-coverage"),
    re_path(rf"^api/map/{NODE}/$", oversight_api.situation_map, name="api-map"),
    path("api/request-figures/", oversight_api.request_figures, name="api-request-figures"),
    path("api/assessment/", oversight_api.assessment, name="api-assessment"),
    path("api/today/", workbench_api.today, name="api-today"),
    path("api/public/communities/<str:code>/services/", services_api.PublicCatalogueView.as_view(), name="api-public-services"),
    path("api/public/communities/<str:code>/services/<int:pk>/bookings/", services_api.PublicBookingCreateView.as_view(), name="api-public-booking"),
]

handler400 = "governance.views.bad_request"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Anyone, logged in or not, may choose the language of the pages.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("api/me/", governance_api.me, name="api-me"),
    path("api/auth/token/", governance_api.TokenView.as_view(), name="api-token"),
    path("api/users/<int:pk>/password-reset/", governance_api.user_password_reset, name="api-user-password-reset"),
    *api_views,
    path("api/places/", grids_api.PlaceListView.as_view(), name="api-places"),
    path("api/places/locate/", grids_api.PlaceLocateView.as_view(), name="api-places-locate"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include(router.urls)),
    path("", include("governance.urls")),
    path("", include("notifications.urls")),
    path("", include("households.urls")),
    path("", include("resident_requests.urls")),
    path("", include("volunteers.urls")),
    path("", include("party_building.urls")),
    path("", include("duties.urls")),
    path("", include("community_services.urls")),
    path("", include("deliberation.urls")),
    path("", include("cadres.urls")),
    path("", include("grids.urls")),
    path("", include("oversight.urls")),
    path("", include("workbench.urls")),
]
