"""Requests over HTTP: the REST API (scoped like the pages) and Open311 GeoReport v2 for outside systems."""

import django_filters
from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from governance.roles import Capability
from grids.models import Grid
from resident_requests import selectors, services
from resident_requests.actions import FormData, available_actions, perform
from resident_requests.models import Category, ResidentRequest, TimelineEntry, Urgency


class TimelineSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None)

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
    description = serializers.CharField(max_length=2000)
    grid = serializers.IntegerField()
    building = serializers.IntegerField(required=False, allow_null=True, help_text="Building number within the grid.")
    reporter_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    anonymous = serializers.BooleanField(default=False)


class ActionSerializer(serializers.Serializer):
    action = serializers.CharField(help_text="One of the actions GET lists for this request now.")
    note = serializers.CharField(required=False, allow_blank=True, help_text="Reason, result, answer or note, as the action needs.")
    handler = serializers.IntegerField(required=False, help_text="dispatch: the user to dispatch to.")
    unit = serializers.IntegerField(required=False, help_text="dispatch / alliance: the resident unit.")
    rating = serializers.IntegerField(required=False, help_text="follow_up: 1-5.")
    passed = serializers.CharField(required=False, help_text="verify: 1 passed, 0 back to the handler.")
    approve = serializers.CharField(required=False, help_text="extension_decide: 1 approve, 0 refuse.")
    days = serializers.CharField(required=False, help_text="extension_ask: working days.")
    public = serializers.BooleanField(
        default=False, help_text="Show the note on the resident's status page (居民可见). Answers, refusals and long-term explanations are always shown."
    )


class IdempotencyKeyReused(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_key_reused"
    extra = {"code": default_code, "header": "Idempotency-Key"}


class RequestFilter(django_filters.FilterSet):
    class Meta:
        model = ResidentRequest
        fields = {"status": ["exact", "in"], "level": ["exact"], "grid": ["exact"], "category": ["exact"], "urgency": ["exact"], "created_at": ["gte", "lte"]}


class RequestViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = RequestSerializer
    filterset_class = RequestFilter

    def get_queryset(self):
        return selectors.request_list_for(self.request.user).select_related("category")

    @extend_schema(request=RequestCreateSerializer, responses={201: RequestCreatedSerializer})
    def create(self, request):
        data = RequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        grid = Grid.objects.visible_to(request.user, Capability.HANDLE_REQUESTS).filter(pk=values.pop("grid")).first()
        if grid is None:
            raise ValidationError({"grid": ["Choose a grid of your area."]})
        number = values.pop("building", None)
        building = grid.buildings.filter(number=number).first() if number else None
        try:
            created = services.request_submit(
                actor=request.user,
                source=ResidentRequest.Source.API,
                grid=grid,
                building=building,
                idempotency_key=request.headers.get("Idempotency-Key", ""),
                caller=f"user:{request.user.pk}",
                **values,
            )
        except services.IdempotencyConflict as exc:
            raise IdempotencyKeyReused(exc.messages[0]) from exc
        return Response(RequestCreatedSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ActionSerializer, responses={200: RequestSerializer})
    @action(detail=True, methods=["get", "post"])
    def act(self, request, pk=None):
        """GET: the actions the caller may take now. POST: carry one out, exactly as on the request page."""
        req = selectors.request_get_for(request.user, pk)
        if request.method == "GET":
            return Response({"actions": available_actions(req, request.user)})
        data = ActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["action"] not in available_actions(req, request.user):
            raise PermissionDenied
        req = perform(req, actor=request.user, action=data.validated_data["action"], data=FormData({**request.data, "public": data.validated_data["public"]}))
        return Response(RequestSerializer(req).data)

    @extend_schema(responses=TimelineSerializer(many=True))
    @action(detail=True)
    def timeline(self, request, pk=None):
        req = selectors.request_get_for(request.user, pk)
        return Response(TimelineSerializer(req.timeline.select_related("actor"), many=True).data)
