"""Grids over HTTP: patrols (the today page's actions, with positions and track), GeoJSON of what the caller's area covers, and which grid and building a point falls in."""

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import Pagination
from core.api import ErrorSerializer, errors, form_input, form_valid, request_body
from core.params import degrees, parse_w3c_datetime
from governance.roles import LEVEL_DEPTH, Level
from governance.selectors import node_list_for
from grids import selectors, services
from grids.forms import PatrolEndForm, PatrolStartForm, position_of
from grids.models import Patrol
from grids.places import OutsideDistrict, place_feature, place_locate
from grids.selectors import place_list_for


class PatrolSerializer(serializers.ModelSerializer):
    grid_name = serializers.CharField(source="grid.name", read_only=True)
    worker_name = serializers.CharField(source="worker.full_name", read_only=True)

    class Meta:
        model = Patrol
        fields = ["id", "grid", "grid_name", "worker", "worker_name", "started_at", "ended_at", "notes", "start_lon", "start_lat", "end_lon", "end_lat"]


class PatrolDetailSerializer(PatrolSerializer):
    track = serializers.ListField(
        child=serializers.ListField(), read_only=True, help_text="[[time (ISO 8601, UTC), longitude, latitude], …] (WGS84), at most one point a minute."
    )

    class Meta(PatrolSerializer.Meta):
        fields = [*PatrolSerializer.Meta.fields, "track"]


@extend_schema_field(OpenApiTypes.DOUBLE)
class DegreesField(serializers.Field):
    """Decimal degrees as text written plainly (114.52, -33.9: no exponent, NaN or non-ASCII digits) or as a finite JSON number."""

    def __init__(self, *, limit: int, **kwargs):
        self.limit = limit
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = degrees(data, limit=self.limit)
        if value is None:
            raise serializers.ValidationError(_("Enter decimal degrees from -%(limit)d to %(limit)d, e.g. 114.52.") % {"limit": self.limit})
        return value

    def to_representation(self, value):
        return value


@extend_schema_field(OpenApiTypes.DATETIME)
class MomentField(serializers.Field):
    """A W3C date-time (2026-05-01T08:00:00+08:00) in ASCII digits; without an offset it is the office's time."""

    def to_internal_value(self, data):
        moment = parse_w3c_datetime(data) if isinstance(data, str) else None
        if moment is None:
            raise serializers.ValidationError(_("Enter the time as 2026-05-01T08:00:00+08:00."))
        return moment

    def to_representation(self, value):
        return value.isoformat()


class TrackPointSerializer(serializers.Serializer):
    at = MomentField(help_text="When the phone took the position.")
    lon = DegreesField(limit=180, help_text="Longitude in decimal degrees (WGS84, as browsers and GPS give).")
    lat = DegreesField(limit=90, help_text="Latitude in decimal degrees.")


class TrackInputSerializer(serializers.Serializer):
    """The points a phone posts to its patrol's track, on the page and the API alike."""

    points = TrackPointSerializer(
        many=True,
        min_length=1,
        max_length=services.TRACK_BATCH_MAX,
        help_text="1 to 60 positions; one less than a minute after the previous kept one is dropped.",
    )


class TrackAddedSerializer(serializers.Serializer):
    added = serializers.IntegerField(help_text="Points kept from those sent.")
    points = serializers.IntegerField(help_text="Points in the track now.")


class PatrolFilter(django_filters.FilterSet):
    under_way = django_filters.BooleanFilter(field_name="ended_at", lookup_expr="isnull", label="Only patrols not ended yet (true) or only ended ones (false).")

    class Meta:
        model = Patrol
        fields = {"grid": ["exact"], "worker": ["exact"], "started_at": ["gte", "lte"]}


@extend_schema_view(
    list=extend_schema(responses={200: PatrolSerializer(many=True), **errors(400)}),
    retrieve=extend_schema(responses={200: PatrolDetailSerializer, **errors(404)}),
)
class PatrolViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Daily patrols (每日巡查) of the grids whose figures the caller sees; the grid worker starts and ends their own."""

    serializer_class = PatrolSerializer
    filterset_class = PatrolFilter

    def get_queryset(self):
        return selectors.patrol_list_for(self.request.user)

    @extend_schema(request=form_input(PatrolStartForm), responses={201: PatrolSerializer, **errors(400, 403)})
    def create(self, request):
        """Start a patrol of one of the caller's grids; one patrol at a time (400 while another is under way)."""
        data = form_valid(PatrolStartForm(request_body(request), user=request.user))
        patrol = services.patrol_start(actor=request.user, grid=data["grid"], position=position_of(data))
        return Response(PatrolSerializer(selectors.patrol_list_for(request.user).get(pk=patrol.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=form_input(PatrolEndForm), responses={200: PatrolSerializer, **errors(400, 403, 404)})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End the patrol with what was seen; only who started it ends it (403), and only once (400)."""
        patrol = selectors.patrol_get_for(request.user, pk)
        data = form_valid(PatrolEndForm(request_body(request)))
        return Response(PatrolSerializer(services.patrol_end(actor=request.user, patrol=patrol, notes=data["notes"], position=position_of(data))).data)

    def retrieve(self, request, pk=None):
        """One patrol with where it started and ended and its track."""
        return Response(PatrolDetailSerializer(selectors.patrol_get_for(request.user, pk)).data)

    @extend_schema(request=TrackInputSerializer, responses={200: TrackAddedSerializer, **errors(400, 404)})
    @action(detail=True, methods=["post"])
    def track(self, request, pk=None):
        """Add positions to the caller's own patrol under way (404 for anyone else's, 400 once it has ended)."""
        patrol = selectors.patrol_get_for(request.user, pk)
        return Response(track_add(request.user, patrol, request_body(request)))


def track_add(user, patrol, body) -> dict:
    """Validate posted track points and add them through the service: the page and the API answer alike."""
    query = TrackInputSerializer(data=body)
    query.is_valid(raise_exception=True)
    added = services.patrol_track_add(actor=user, patrol=patrol, points=query.validated_data["points"])
    return {"added": added, "points": len(patrol.track)}


WITHIN_LEVELS = (Level.STREET, Level.COMMUNITY, Level.GRID)


class LocateQuerySerializer(serializers.Serializer):
    lon = DegreesField(limit=180, help_text="Longitude in decimal degrees (WGS84 / CGCS2000, or GCJ-02 with gcj02=true).")
    lat = DegreesField(limit=90, help_text="Latitude in decimal degrees.")
    gcj02 = serializers.BooleanField(
        required=False, default=False, help_text="true when the point comes from a GCJ-02 map (高德, 腾讯): it is converted to WGS84."
    )


class PlacesQuerySerializer(serializers.Serializer):
    level = serializers.ChoiceField(
        choices=Level.choices, help_text="What to list: outlines of cities, districts, streets, communities or grids, or building points."
    )
    street = serializers.IntegerField(required=False, min_value=1, help_text="Only inside this street (an id in the caller's area).")
    community = serializers.IntegerField(required=False, min_value=1, help_text="Only inside this community.")
    grid = serializers.IntegerField(required=False, min_value=1, help_text="Only inside this grid.")
    page = serializers.IntegerField(required=False, min_value=1, help_text="Page number (from 1).")
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=Pagination.max_page_size, help_text="Features per page (default 50, at most 200)."
    )

    def validate(self, attrs):
        level = attrs["level"]
        for within in WITHIN_LEVELS:
            if within in attrs and LEVEL_DEPTH[within] > LEVEL_DEPTH[level]:
                raise serializers.ValidationError({within: [_("This filter must be a level above the one listed.")]})
        return attrs


class NamedNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class LocatedGridSerializer(NamedNodeSerializer):
    code = serializers.CharField()


class LocatedBuildingSerializer(NamedNodeSerializer):
    number = serializers.IntegerField()


class PlaceMatchSerializer(serializers.Serializer):
    grid = LocatedGridSerializer()
    building = LocatedBuildingSerializer(allow_null=True, help_text="The grid's nearest building with a point; null when none has one.")
    distance_m = serializers.FloatField(allow_null=True, help_text="From the point to that building, in metres.")
    lon = serializers.FloatField(help_text="The WGS84 longitude looked up (converted when gcj02=true).")
    lat = serializers.FloatField(help_text="The WGS84 latitude looked up.")


class GeometrySerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Point", "Polygon", "MultiPolygon"])
    coordinates = serializers.ListField(child=serializers.JSONField(), help_text="GeoJSON coordinates, [longitude, latitude] in WGS84.")


class FeaturePropertiesSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Level.choices)
    name = serializers.CharField()
    code = serializers.CharField(required=False, help_text="Division or grid code (outlines).")
    derived = serializers.BooleanField(required=False, help_text="Outlines: true when the union of the children's.")
    parent = serializers.IntegerField(required=False, help_text="Outlines below the district: the id of the node one level up.")
    number = serializers.IntegerField(required=False, help_text="Buildings: the number in the grid.")
    address = serializers.CharField(required=False, help_text="Buildings.")
    grid = serializers.IntegerField(required=False, help_text="Buildings: the grid's id.")
    grid_code = serializers.CharField(required=False, help_text="Buildings: the grid's code.")


class FeatureSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    id = serializers.IntegerField()
    geometry = GeometrySerializer()
    properties = FeaturePropertiesSerializer()


class FeatureCollectionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["FeatureCollection"])
    count = serializers.IntegerField(help_text="Features in all pages.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    features = FeatureSerializer(many=True)


UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description="Not logged in (no session or token).")


class PlaceListView(APIView):
    @extend_schema(
        operation_id="places_list",
        parameters=[PlacesQuerySerializer],
        responses={
            200: OpenApiResponse(
                FeatureCollectionSerializer, description="A GeoJSON FeatureCollection, one page of it: only placed nodes of the caller's area."
            ),
            400: OpenApiResponse(ErrorSerializer, description="A parameter is not valid, or names a node outside the caller's area; `extra.fields` names it."),
            401: UNAUTHENTICATED,
            403: OpenApiResponse(ErrorSerializer, description="The password must be changed first."),
        },
    )
    def get(self, request):
        """Outlines (districts, streets, communities, grids) or building points as GeoJSON, scoped and paginated."""
        query = PlacesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        level = query.validated_data["level"]
        within = {}
        for within_level in WITHIN_LEVELS:
            node_id = query.validated_data.get(within_level)
            if node_id is None:
                continue
            # A node outside the caller's area is refused like a missing one, naming the parameter.
            if not node_list_for(request.user, within_level).filter(pk=node_id).exists():
                raise serializers.ValidationError({within_level: [_("No such node in your area.")]})
            within[within_level] = node_id
        paginator = Pagination()
        page = paginator.paginate_queryset(place_list_for(request.user, level, within=within), request, view=self)
        return Response(
            {
                "type": "FeatureCollection",
                "count": paginator.page.paginator.count,
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "features": [place_feature(level, node) for node in page],
            },
        )


class OutsideArea(exceptions.APIException):
    """A point in no grid of the caller's area: a 400 whose message says so."""

    status_code = 400
    default_code = "outside"


class PlaceLocateView(APIView):
    @extend_schema(
        operation_id="places_locate",
        parameters=[LocateQuerySerializer],
        responses={
            200: PlaceMatchSerializer,
            400: OpenApiResponse(
                ErrorSerializer, description="lon or lat is not valid (`extra.fields` names it), or the point lies in no grid of the caller's area."
            ),
            401: UNAUTHENTICATED,
            403: OpenApiResponse(ErrorSerializer, description="The password must be changed first."),
        },
    )
    def get(self, request):
        """The grid of the caller's area holding a point, and that grid's nearest building with its distance."""
        query = LocateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        try:
            match = place_locate(lon=data["lon"], lat=data["lat"], gcj02=data["gcj02"], user=request.user)
        except OutsideDistrict as exc:
            raise OutsideArea(exc.messages[0]) from exc
        return Response(PlaceMatchSerializer(match).data)
