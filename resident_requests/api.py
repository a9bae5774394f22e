"""Requests over HTTP: the REST API (scoped like the pages) and Open311 GeoReport v2 for outside systems."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api import IDEMPOTENCY_KEY, IDEMPOTENCY_REUSED_RESPONSE, ErrorSerializer, IdempotencyKeyReused, form_input, form_valid
from core.idempotency import IdempotencyConflict
from governance.api import PlaceFilterSet
from governance.forms import PlaceFilterForm
from governance.roles import Capability
from governance.scope import scope_for
from grids.models import Grid
from resident_requests import selectors
from resident_requests.actions import ACTIONS, action_perform, available_actions
from resident_requests.lifecycle import RequestAction, Status
from resident_requests.models import DESCRIPTION_MAX_LENGTH, Category, RequestPhoto, ResidentRequest, TimelineEntry, Urgency
from resident_requests.services.intake import request_report_handled, request_submit
from resident_requests.views_photos import VARIANTS, photo_file


class TimelineSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)

    class Meta:
        model = TimelineEntry
        fields = ["at", "actor", "action", "from_status", "to_status", "level", "note", "public"]


class RequestSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(source="category.name", read_only=True)

    class Meta:
        model = ResidentRequest
        fields = [
            "id", "public_id", "source", "category", "category_name", "urgency", "description", "grid", "building", "household",
            "reporter_name", "phone_masked", "anonymous", "status", "level", "handler", "stage", "stage_deadline", "created_at",
            "accepted_on_time", "handled_on_time", "answered_on_time", "rating", "rework_count", "redo_count", "returned_count", "escalation_count",
        ]  # fmt: skip


class RequestCreatedSerializer(RequestSerializer):
    """Only the answer to the creation carries the tracking code: the caller filed for the resident and passes it on."""

    class Meta(RequestSerializer.Meta):
        fields = [*RequestSerializer.Meta.fields, "tracking_code"]


class RequestCreateSerializer(serializers.Serializer):
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.filter(active=True))
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.SCHEDULED)
    description = serializers.CharField(max_length=DESCRIPTION_MAX_LENGTH)
    grid = serializers.IntegerField()
    building = serializers.IntegerField(required=False, allow_null=True, help_text="Building number within the grid.")
    reporter_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    anonymous = serializers.BooleanField(default=False)


class ReportHandledSerializer(serializers.Serializer):
    """自行处置: what the grid worker found on patrol and handled on the spot, with photos of the result."""

    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.filter(active=True))
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.SCHEDULED)
    description = serializers.CharField(max_length=DESCRIPTION_MAX_LENGTH)
    grid = serializers.IntegerField()
    building = serializers.IntegerField(required=False, allow_null=True, help_text="Building number within the grid.")
    result_note = serializers.CharField(max_length=2000, help_text="What was done.")
    result_photos = serializers.ListField(child=serializers.FileField(), min_length=1, max_length=9, help_text="Photos of the result (1 to 9).")
    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=9, help_text="Photos of the problem as found.")


def _place(user, values: dict):
    """The grid (one the caller handles) and the building (by its number in the grid) a report names; pops both."""
    grid = Grid.objects.visible_to(user, Capability.HANDLE_REQUESTS).filter(pk=values.pop("grid")).first()
    if grid is None:
        raise ValidationError({"grid": [_("Choose a grid of your area.")]})
    number = values.pop("building", None)
    return grid, grid.buildings.filter(number=number).first() if number else None


class AvailableActionsSerializer(serializers.Serializer):
    actions = serializers.ListField(
        child=serializers.ChoiceField(choices=RequestAction.choices), help_text="The actions the caller may take now: POST /api/requests/{id}/{action}/."
    )


ACTION_ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="The input is not valid, or someone changed the request first; `extra.fields` names the fields."),
    403: OpenApiResponse(ErrorSerializer, description="The action is not available to the caller on this request now."),
    404: OpenApiResponse(ErrorSerializer, description="No such request in the caller's area."),
}


def action_route(name: RequestAction):
    """POST /api/requests/{id}/<name>/: the action's own input serializer (shared with the page), answered with the request."""
    spec = ACTIONS[name]

    def route(self, request, pk=None):
        req = selectors.request_get_for(request.user, pk)
        if name not in available_actions(req, request.user):
            raise PermissionDenied
        return Response(RequestSerializer(action_perform(req, actor=request.user, action=name, data=request.data)).data)

    # DRF finds the method by this name, so it must be the class attribute's: act_<name>, clear of APIView.dispatch.
    route.__name__ = f"act_{name.value}"
    route.__doc__ = spec.input.__doc__
    routed = action(detail=True, methods=["post"], url_path=name.value, url_name=name.value.replace("_", "-"))(route)
    return extend_schema(request=spec.input, responses={200: RequestSerializer, **ACTION_ERRORS})(routed)


class BoardQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=[Status.SUBMITTED, Status.ACCEPTED, Status.HANDLED, Status.VERIFIED, Status.ANSWERED], required=False)
    category = serializers.IntegerField(required=False, min_value=1, help_text="A category or its parent.")


class PhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequestPhoto
        fields = ["id", "kind", "created_at"]


class RequestFilter(PlaceFilterSet):
    place_capability = Capability.VIEW_REQUESTS

    class Meta:
        model = ResidentRequest
        fields = {"status": ["exact", "in"], "level": ["exact"], "category": ["exact"], "urgency": ["exact"], "created_at": ["gte", "lte"]}


class RequestViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = RequestSerializer
    filterset_class = RequestFilter

    def get_queryset(self):
        return selectors.request_list_for(self.request.user).select_related("category")

    @extend_schema(
        request=RequestCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: RequestCreatedSerializer, 409: IDEMPOTENCY_REUSED_RESPONSE},
    )
    def create(self, request):
        data = RequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        grid, building = _place(request.user, values)
        try:
            created = request_submit(
                actor=request.user,
                source=ResidentRequest.Source.API,
                grid=grid,
                building=building,
                idempotency_key=request.headers.get("Idempotency-Key", ""),
                caller=f"user:{request.user.pk}",
                **values,
            )
        except IdempotencyConflict as exc:
            raise IdempotencyKeyReused(exc.messages[0]) from exc
        return Response(RequestCreatedSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": ReportHandledSerializer}, responses={201: RequestCreatedSerializer})
    @action(detail=False, methods=["post"], url_path="handled-on-spot", url_name="handled-on-spot", parser_classes=[MultiPartParser, FormParser])
    def handled_on_spot(self, request):
        """自行处置: report a problem found on patrol as already handled; it goes straight to verification."""
        data = ReportHandledSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        grid, building = _place(request.user, values)
        created = request_report_handled(actor=request.user, grid=grid, building=building, **values)
        return Response(RequestCreatedSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: AvailableActionsSerializer, 404: OpenApiResponse(ErrorSerializer, description="No such request in the caller's area.")})
    @action(detail=True, url_path="actions", url_name="actions")
    def action_list(self, request, pk=None):
        """The actions the caller may take now, each at its own route."""
        req = selectors.request_get_for(request.user, pk)
        return Response({"actions": available_actions(req, request.user)})

    act_accept = action_route(RequestAction.ACCEPT)
    act_refuse = action_route(RequestAction.REFUSE)
    act_merge = action_route(RequestAction.MERGE)
    act_dispatch = action_route(RequestAction.DISPATCH)
    act_alliance = action_route(RequestAction.ALLIANCE)
    act_long_term = action_route(RequestAction.LONG_TERM)
    act_take = action_route(RequestAction.TAKE)
    act_return = action_route(RequestAction.RETURN)
    act_progress = action_route(RequestAction.PROGRESS)
    act_handle = action_route(RequestAction.HANDLE)
    act_extension_ask = action_route(RequestAction.EXTENSION_ASK)
    act_escalate = action_route(RequestAction.ESCALATE)
    act_extension_decide = action_route(RequestAction.EXTENSION_DECIDE)
    act_verify = action_route(RequestAction.VERIFY)
    act_answer = action_route(RequestAction.ANSWER)
    act_follow_up = action_route(RequestAction.FOLLOW_UP)
    act_withdraw = action_route(RequestAction.WITHDRAW)

    def _page(self, queryset):
        page = self.paginate_queryset(queryset.select_related("category"))
        return self.get_paginated_response(RequestSerializer(page, many=True).data)

    @extend_schema(responses=RequestSerializer(many=True), filters=False)
    @action(detail=False, filterset_class=None)
    def queue(self, request):
        """What the caller is handling, or could take at their level, soonest deadline first (the "My requests" page)."""
        return self._page(selectors.my_queue(request.user))

    @extend_schema(parameters=[BoardQuery, form_input(PlaceFilterForm)], responses=RequestSerializer(many=True), filters=False)
    @action(detail=False, filterset_class=None)
    def board(self, request):
        """The dispatch board: requests waiting for the caller's levels to accept, dispatch, verify, answer or follow up.

        street, community and grid narrow it as on the page: ids of the caller's area only, any other is a 400."""
        if scope_for(request.user, Capability.DISPATCH_REQUESTS).is_empty:
            raise PermissionDenied
        query = BoardQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        places = PlaceFilterForm(request.query_params, user=request.user, capability=Capability.DISPATCH_REQUESTS)
        form_valid(places)
        return self._page(selectors.dispatch_board(request.user, **query.validated_data, **places.place_filters()))

    @extend_schema(responses=RequestSerializer(many=True), filters=False)
    @action(detail=False, filterset_class=None)
    def overdue(self, request):
        """Open requests past their stage deadline in the caller's area (long-term ones excepted), most overdue first."""
        return self._page(selectors.overdue_for(request.user, timezone.now()))

    @extend_schema(responses=PhotoSerializer(many=True))
    @action(detail=True, pagination_class=None, filterset_class=None)
    def photos(self, request, pk=None):
        """The request's photos (at most 9): what was reported and the result."""
        return Response(PhotoSerializer(selectors.request_get_for(request.user, pk).photos.all(), many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("photo_pk", int, OpenApiParameter.PATH), OpenApiParameter("variant", str, OpenApiParameter.PATH, enum=list(VARIANTS))],
        responses={(200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY, description="The photo, or its thumbnail.")},
    )
    @action(detail=True, url_path=r"photos/(?P<photo_pk>[0-9]+)/(?P<variant>full|thumb)", url_name="photo")
    def photo(self, request, pk=None, photo_pk=None, variant=None):
        """One photo of the request, for whoever may open the request."""
        return photo_file(selectors.request_get_for(request.user, pk).photos.all(), photo_pk, variant)

    @extend_schema(responses=TimelineSerializer(many=True), filters=False)
    @action(detail=True, filterset_class=None, serializer_class=TimelineSerializer)
    def timeline(self, request, pk=None):
        """The request's timeline, oldest first, a page at a time."""
        req = selectors.request_get_for(request.user, pk)
        page = self.paginate_queryset(req.timeline.select_related("actor").order_by("at", "pk"))
        return self.get_paginated_response(TimelineSerializer(page, many=True).data)
