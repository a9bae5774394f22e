"""Patrols over the API: listed in the caller's area, started and ended by the grid worker with the today page's forms and services."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import errors, form_input, form_valid, request_body
from grids import selectors, services
from grids.forms import PatrolEndForm, PatrolStartForm
from grids.models import Patrol


class PatrolSerializer(serializers.ModelSerializer):
    grid_name = serializers.CharField(source="grid.name", read_only=True)
    worker_name = serializers.CharField(source="worker.full_name", read_only=True)

    class Meta:
        model = Patrol
        fields = ["id", "grid", "grid_name", "worker", "worker_name", "started_at", "ended_at", "notes"]


class PatrolFilter(django_filters.FilterSet):
    under_way = django_filters.BooleanFilter(field_name="ended_at", lookup_expr="isnull", label="Only patrols not ended yet (true) or only ended ones (false).")

    class Meta:
        model = Patrol
        fields = {"grid": ["exact"], "worker": ["exact"], "started_at": ["gte", "lte"]}


@extend_schema_view(list=extend_schema(responses={200: PatrolSerializer(many=True), **errors(400)}))
class PatrolViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Daily patrols (每日巡查) of the grids whose figures the caller sees; the grid worker starts and ends their own."""

    serializer_class = PatrolSerializer
    filterset_class = PatrolFilter

    def get_queryset(self):
        return selectors.patrol_list_for(self.request.user)

    @extend_schema(request=form_input(PatrolStartForm), responses={201: PatrolSerializer, **errors(400, 403)})
    def create(self, request):
        """Start a patrol of one of the caller's grids; one patrol at a time (400 while another is under way)."""
        data = form_valid(PatrolStartForm(request_body(request), user=request.user))
        patrol = services.patrol_start(actor=request.user, grid=data["grid"])
        return Response(PatrolSerializer(selectors.patrol_list_for(request.user).get(pk=patrol.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=form_input(PatrolEndForm), responses={200: PatrolSerializer, **errors(400, 403, 404)})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End the patrol with what was seen; only who started it ends it (403), and only once (400)."""
        patrol = selectors.patrol_get_for(request.user, pk)
        data = form_valid(PatrolEndForm(request_body(request)))
        return Response(PatrolSerializer(services.patrol_end(actor=request.user, patrol=patrol, notes=data["notes"])).data)
