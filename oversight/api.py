"""The district's view over the API: dashboards, request figures, coverage, assessment and monthly reports.

Each operation reads through the same function as its page, so a caller gets the page's numbers for the same node and period.
"""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action, api_view, renderer_classes
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.api import PdfRenderer, XlsxRenderer, errors, query_parameter
from core.dates import month_start
from core.files import file_response
from core.params import query_date, query_date_range, query_period, query_year
from governance import selectors as governance_selectors
from governance.roles import Level
from grids.api import FeaturePropertiesSerializer, FeatureSerializer, GeometrySerializer
from oversight import dashboards
from oversight.dashboards import THROUGH_GRID
from oversight.models import Indicator, MonthlyReport
from oversight.selectors import (
    REPORT_LEVELS,
    assessment_for,
    coverage_for,
    monthly_report_get_for,
    monthly_report_list_for,
    report_level,
    request_figures_for,
    situation_map_for,
)
from oversight.situation import LAYERS, MASKED

FIGURE_LEVELS = [Level.CITY, Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.GRID]
NODE_PARAMETERS = [
    OpenApiParameter("level", str, OpenApiParameter.PATH, enum=[str(level) for level in FIGURE_LEVELS], description="The level of the node."),
    # The schema names the path's `pk` `id`, as for every other path.
    OpenApiParameter("id", int, OpenApiParameter.PATH, description="The node's id at that level."),
]
PERIOD_PARAMETERS = [
    OpenApiParameter("period", str, enum=["month", "quarter", "year", "custom"], description="This month (default), quarter or year up to today, or `custom`."),
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day of a custom period (YYYY-MM-DD, 2000-2100); this month's first day when left out."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day of a custom period (YYYY-MM-DD); today when left out."),
]


def whole_numbers(name: str, **fields: str) -> type[serializers.Serializer]:
    """A group of counts, each documented by its help text."""
    return type(name, (serializers.Serializer,), {field: serializers.IntegerField(help_text=text) for field, text in fields.items()})


def _period(params):
    """The page's period selector, read strictly: each bad parameter is a 400 naming it."""
    today = timezone.localdate()
    for name in ("from", "to"):
        with query_parameter(name):
            query_date(params, name, default=today)
    with query_parameter("period"):
        return query_period(params, today=today)


class RateSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="Percent with one decimal; null when nothing is counted below the line.")


CoverageFiguresSerializer = whole_numbers(
    "CoverageFiguresSerializer",
    registered="Active households.",
    visited_30="Visited in the last 30 days.",
    visited_90="Visited in the last 90 days.",
    key_care_total="Active key-care households.",
    key_care_on_time="Key-care households whose next visit is not overdue.",
    due="Households whose visit is due today or overdue.",
)


class CountByNameSerializer(serializers.Serializer):
    name = serializers.CharField()
    count = serializers.IntegerField()


class CountByLevelSerializer(serializers.Serializer):
    level = serializers.CharField()
    count = serializers.IntegerField()


class CountByStatusSerializer(serializers.Serializer):
    status = serializers.CharField()
    count = serializers.IntegerField()


AgesSerializer = whole_numbers(
    "AgesSerializer",
    week="Open requests filed in the last 7 days.",
    month="Filed 7 to 30 days ago.",
    quarter="Filed 30 to 90 days ago.",
    older="Filed more than 90 days ago.",
)


class OverdueSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    public_id = serializers.CharField()
    category = serializers.CharField(source="category__name")
    status = serializers.CharField()
    level = serializers.CharField()
    stage_deadline = serializers.CharField(help_text="Local time, YYYY-MM-DD HH:MM.")
    grid = serializers.CharField(source="grid__name")
    handler = serializers.CharField(source="handler__full_name", allow_null=True)


class VolunteerFiguresSerializer(serializers.Serializer):
    units = serializers.IntegerField()
    members = serializers.IntegerField()
    hours = serializers.FloatField()
    points = serializers.FloatField()
    posts_filled = serializers.IntegerField()
    wishes_fulfilled = serializers.IntegerField()


ListFiguresSerializer = whole_numbers(
    "ListFiguresSerializer", resources="Resources listed.", demands="Demands listed.", projects="Projects matched.", done="Projects done."
)
LinkageFiguresSerializer = whole_numbers(
    "LinkageFiguresSerializer",
    duties="Linkage duties.",
    behind="Duties behind this quarter, week or fortnight.",
    no_meeting="Communities without this month's joint meeting.",
)


class TrendSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    submitted = serializers.IntegerField()
    closed = serializers.IntegerField()
    visits = serializers.IntegerField()


class NodeRefSerializer(serializers.Serializer):
    level = serializers.CharField()
    id = serializers.IntegerField()
    name = serializers.CharField()


class ChildFiguresSerializer(NodeRefSerializer):
    households = serializers.IntegerField()
    key_care = serializers.IntegerField()
    requests = serializers.IntegerField()
    closed = serializers.IntegerField()


class DeliberationFigureSerializer(RateSerializer):
    denominator = serializers.IntegerField(allow_null=True, help_text="Null for a plain count.")
    denominator_label = serializers.CharField(help_text="What the denominator counts.")


class DashboardSerializer(NodeRefSerializer):
    period = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    as_of = serializers.DateTimeField(help_text="When the figures were computed (at most five minutes ago).")
    coverage = CoverageFiguresSerializer()
    rates = RateSerializer(many=True)
    by_category = CountByNameSerializer(many=True)
    by_level = CountByLevelSerializer(many=True, help_text="Open requests by the level holding them.")
    by_status = CountByStatusSerializer(many=True)
    ages = AgesSerializer()
    overdue = OverdueSerializer(many=True, help_text="The 20 most overdue open requests and where each is stuck.")
    volunteers = VolunteerFiguresSerializer()
    lists = ListFiguresSerializer()
    linkage = LinkageFiguresSerializer()
    deliberation = DeliberationFigureSerializer(many=True, help_text="议事协商: topics, decisions, tasks on time, three-party meetings.")
    trend = TrendSerializer(many=True)
    children = ChildFiguresSerializer(many=True, help_text="The figures of each child node (empty for a grid).")


def _dashboard(request, level, pk):
    node = governance_selectors.figures_node_get_for(request.user, level, int(pk))
    period, start, end = _period(request.query_params)
    data, as_of = dashboards.dashboard_for(node, start, end)
    return node, period, start, end, data, as_of


@extend_schema(parameters=[*NODE_PARAMETERS, *PERIOD_PARAMETERS], responses={200: DashboardSerializer, **errors(400, 404)})
@api_view(["GET"])
def dashboard(request, level, pk):
    """The dashboard of one node and period: the same figures as its page."""
    node, period, start, end, data, as_of = _dashboard(request, level, pk)
    return Response(
        DashboardSerializer({"level": level, "id": node.pk, "name": node.name, "period": period, "start": start, "end": end, "as_of": as_of, **data}).data
    )


@extend_schema(
    parameters=[*NODE_PARAMETERS, *PERIOD_PARAMETERS],
    responses={
        (200, XlsxRenderer.media_type): OpenApiResponse(OpenApiTypes.BINARY, description="Every table of the dashboard, a sheet each."),
        **errors(400, 404),
    },
)
@api_view(["GET"])
@renderer_classes([JSONRenderer, XlsxRenderer])
def dashboard_export(request, level, pk):
    """The dashboard's tables as the page's .xlsx download."""
    node, _period, start, end, data, as_of = _dashboard(request, level, pk)
    content = dashboards.figures_workbook(data, node=node, start=start, end=end, as_of=as_of)
    response = HttpResponse(content, content_type=XlsxRenderer.media_type)
    response["Content-Disposition"] = f'attachment; filename="dashboard-{level}-{node.pk}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
    return response


class CoverageRowSerializer(CoverageFiguresSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CoverageSerializer(serializers.Serializer):
    level = serializers.CharField()
    id = serializers.IntegerField(source="node.pk")
    name = serializers.CharField(source="node.name")
    figures = CoverageFiguresSerializer()
    child_level = serializers.CharField(help_text="The level of the rows: streets, communities, grids or buildings.")
    rows = CoverageRowSerializer(many=True)


@extend_schema(parameters=NODE_PARAMETERS, responses={200: CoverageSerializer, **errors(404)})
@api_view(["GET"])
def coverage(request, level, pk):
    """Household coverage of a node ("一户不落"), with a row per child: the coverage page's figures."""
    return Response(CoverageSerializer(coverage_for(request.user, level, int(pk))).data)


@extend_schema_field({"oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "enum": [MASKED]}]})
class KeyCareField(serializers.Field):
    """A count, or "<3" where a count of 1 or 2 is masked."""

    def to_representation(self, value):
        return value


class MapFeaturePropertiesSerializer(FeaturePropertiesSerializer):
    households = serializers.IntegerField(help_text="Active households.")
    key_care = KeyCareField(
        required=False, help_text='Active key-care households; "<3" for 1 or 2 where the caller may not see sensitive data; absent without the ledger.'
    )
    open = serializers.IntegerField(help_text="Open requests.")
    overdue = serializers.IntegerField(help_text="Open requests past their stage deadline (long-term ones excepted).")
    coverage = serializers.FloatField(allow_null=True, help_text="Percent of active households visited since the quarter began; null without households.")
    linked = serializers.IntegerField(help_text="Active households linked to a confirmed volunteer (1+10).")


class MapFeatureSerializer(FeatureSerializer):
    geometry = GeometrySerializer(allow_null=True, help_text="The child's outline (a building's point under a grid); null while it has none.")
    properties = MapFeaturePropertiesSerializer()


class MapPointsSerializer(serializers.Serializer):
    columns = serializers.ListField(
        child=serializers.CharField(), help_text="What each row holds: id, lon, lat (WGS84, six decimals) and, in a community, name."
    )
    rows = serializers.ListField(child=serializers.ListField(child=serializers.JSONField()), help_text="One row per building with a point.")


class SituationMapSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["FeatureCollection"])
    level = serializers.CharField()
    id = serializers.IntegerField()
    name = serializers.CharField()
    child_level = serializers.CharField(help_text="The level of the features: streets, communities, grids or buildings.")
    as_of = serializers.DateTimeField(help_text="When the figures were counted: district and street maps are at most five minutes old.")
    layers = serializers.ListField(child=serializers.ChoiceField(choices=LAYERS), help_text="The layers the caller may colour the map by.")
    outline = GeometrySerializer(allow_null=True, help_text="The node's own outline.")
    features = MapFeatureSerializer(many=True, help_text="One per child, with its figures.")
    points = MapPointsSerializer(
        allow_null=True, help_text="Above the grid: the buildings with a point, to tap; null under a grid, whose features are its buildings."
    )


@extend_schema(parameters=NODE_PARAMETERS, responses={200: SituationMapSerializer, **errors(404)})
@api_view(["GET"])
def situation_map(request, level, pk):
    """The people's-situation map (民情地图) of a node as GeoJSON: its children with their layer figures, and building points."""
    # Built as the page builds it and answered as it is: thousands of point rows need no field-by-field serializing.
    return Response(situation_map_for(request.user, level, int(pk))[1])


class RequestFiguresSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    level = serializers.CharField(allow_null=True)
    id = serializers.IntegerField(allow_null=True)
    rates = RateSerializer(many=True)


@extend_schema(
    parameters=[
        OpenApiParameter("from", OpenApiTypes.DATE, description="First day (YYYY-MM-DD); this month's first day when left out."),
        OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (YYYY-MM-DD); today when left out."),
        OpenApiParameter("level", str, enum=[str(level) for level in FIGURE_LEVELS], description="With `pk`: the figures of one node of the caller's area."),
        OpenApiParameter("pk", int, description="The node's id at `level`."),
    ],
    responses={200: RequestFiguresSerializer, **errors(400, 403, 404)},
)
@api_view(["GET"])
def request_figures(request):
    """受理率, 办结率 and the other rates of the caller's area or one node of it: the request figures page's numbers."""
    params, today = request.query_params, timezone.localdate()
    for name in ("from", "to"):
        with query_parameter(name):
            query_date(params, name, default=today)
    start, end = query_date_range(params, default_start=month_start(today), default_end=today)
    level, pk = params.get("level", ""), params.get("pk", "")
    if level and level not in THROUGH_GRID:
        raise serializers.ValidationError({"level": [_("Choose the level: city, district, street, community or grid.")]})
    if bool(level) != bool(pk) or (pk and not (pk.isascii() and pk.isdecimal())):
        raise serializers.ValidationError({"pk": [_("Give both the level and the id (digits) of the node, or neither.")]})
    node, rows = request_figures_for(request.user, start=start, end=end, **({"level": level, "pk": int(pk)} if level else {}))
    answer = {"start": start, "end": end, "level": level or None, "id": node.pk if node else None, "rates": rows}
    return Response(RequestFiguresSerializer(answer).data)


class IndicatorSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="get_key_display")

    class Meta:
        model = Indicator
        fields = ["key", "label", "weight"]


def _per_indicator(name: str) -> type[serializers.Serializer]:
    return type(name, (serializers.Serializer,), {key: serializers.FloatField(allow_null=True, required=False) for key in Indicator.Key.values})


# Each indicator's value from 0 to 100, null where it does not apply.
ScoreValuesSerializer = _per_indicator("ScoreValuesSerializer")
ScorePointsSerializer = _per_indicator("ScorePointsSerializer")
POINTS_HELP = "The points each indicator adds to the score (value × weight ÷ the weights of the indicators used); null where it is not used."


class CommunityScoreSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True)
    id = serializers.IntegerField(source="community.pk")
    name = serializers.CharField(source="community.name")
    score = serializers.FloatField(allow_null=True)
    values = ScoreValuesSerializer()
    points = ScorePointsSerializer(help_text=POINTS_HELP)
    requests = serializers.IntegerField(help_text="Requests submitted in the year.")
    open_requests = serializers.IntegerField(help_text="Requests of the community open now (待办诉求), whatever their deadline.")
    rates_ok = serializers.BooleanField(help_text="False: too few requests to be ranked on request rates.")


class WorkerScoreSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True)
    user = serializers.IntegerField(source="worker.pk")
    name = serializers.CharField(source="worker.full_name")
    grid = serializers.IntegerField(source="grid.pk")
    grid_name = serializers.CharField(source="grid.name")
    score = serializers.FloatField(allow_null=True)
    values = ScoreValuesSerializer()
    points = ScorePointsSerializer(help_text=POINTS_HELP)
    requests = serializers.IntegerField(help_text="Requests the worker handled that were due in the year.")
    open_requests = serializers.IntegerField(help_text="Requests in the worker's hands open now (待办诉求), whatever their deadline.")
    rates_ok = serializers.BooleanField()


class AssessmentSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    min_requests = serializers.IntegerField(source="plan.min_requests", help_text="Fewest requests to be ranked on rates.")
    indicators = IndicatorSerializer(many=True)
    communities = CommunityScoreSerializer(many=True)
    workers = WorkerScoreSerializer(many=True)


@extend_schema(
    parameters=[OpenApiParameter("year", int, description="2000-2100; this year when left out.")], responses={200: AssessmentSerializer, **errors(400, 403)}
)
@api_view(["GET"])
def assessment(request):
    """The yearly assessment (考核): the plan and the ranked communities and grid workers, as the assessment page shows them."""
    with query_parameter("year"):
        year = query_year(request.query_params, default=timezone.localdate().year)
    return Response(AssessmentSerializer(assessment_for(request.user, year)).data)


class MonthlyReportSerializer(serializers.ModelSerializer):
    level = serializers.SerializerMethodField()

    class Meta:
        model = MonthlyReport
        fields = ["id", "title", "month", "level", "city", "district", "street", "community", "created_at"]

    def get_level(self, report) -> str:
        if report.city_id:
            return Level.CITY
        return Level.COMMUNITY if report.community_id else Level.STREET if report.street_id else Level.DISTRICT


def _download(kind: str, renderer):
    """GET /api/monthly-reports/{id}/<kind>/: the archive page's file, after the same scope check."""

    def download(self, request, pk=None):
        report = monthly_report_get_for(request.user, pk)
        return file_response(getattr(report, kind), attachment=True, filename=f"{report.title}.{kind}")

    # DRF maps the route to the method by its name, which must be the class attribute's.
    download.__name__ = kind
    routed = action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, renderer], pagination_class=None, filter_backends=[])(download)
    responses = {(200, renderer.media_type): OpenApiResponse(OpenApiTypes.BINARY, description=f"The report's {kind} file."), **errors(403, 404)}
    return extend_schema(responses=responses)(routed)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("level", str, enum=[str(level) for level in REPORT_LEVELS], description="Only the reports of this level's nodes.")],
        responses={200: MonthlyReportSerializer(many=True), **errors(400, 403)},
    ),
    retrieve=extend_schema(responses={200: MonthlyReportSerializer, **errors(403, 404)}),
)
class MonthlyReportViewSet(viewsets.ReadOnlyModelViewSet):
    """The monthly reports (月报) of the caller's area, as PDF and .xlsx: the same files as the report archive page."""

    serializer_class = MonthlyReportSerializer
    filterset_fields = {"month": ["exact", "gte", "lte"]}

    def get_queryset(self):
        # The schema generator inspects the view without a user.
        if getattr(self, "swagger_fake_view", False):
            return MonthlyReport.objects.none()
        with query_parameter("level"):
            level = report_level(self.request.query_params) if self.action == "list" else ""
        return monthly_report_list_for(self.request.user, level=level)

    def get_object(self):
        return monthly_report_get_for(self.request.user, self.kwargs["pk"])

    pdf = _download("pdf", PdfRenderer)
    xlsx = _download("xlsx", XlsxRenderer)
