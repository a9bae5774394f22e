"""The duty list and 准入 over the API: each action takes its page's form and calls its page's service, in the same scope."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import FormCreateMixin, errors, form_input, form_valid, query_parameter, request_body
from core.dates import days_window
from core.params import query_period
from duties import selectors, services
from duties.forms import DepartmentChangeForm, DepartmentForm, DutyChangeForm, DutyCopyForm, DutyCreateForm, TaskDecisionForm, TaskRegisterForm
from duties.models import Department, Duty, DutyTemplate, IncomingTask, TaskHistory
from duties.permissions import can_see_duties


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "district", "name", "active"]


class DutyTemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = DutyTemplate
        fields = ["id", "district", "kind", "name", "basis", "department"]


class DutySerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)

    class Meta:
        model = Duty
        fields = ["id", "community", "community_name", "kind", "name", "basis", "department", "active"]


class TaskSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = IncomingTask
        fields = [
            "id", "community", "community_name", "department", "department_name", "title", "description", "received_on", "due_on", "duty",
            "status", "reason", "registered_by", "registered_at", "decided_by", "decided_at", "decision_reason",
        ]  # fmt: skip


class HistorySerializer(serializers.ModelSerializer):
    class Meta:
        model = TaskHistory
        fields = ["at", "actor", "action", "from_status", "to_status", "note"]


class TaskDetailSerializer(TaskSerializer):
    history = HistorySerializer(many=True, read_only=True)

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "history"]


class CopiedSerializer(serializers.Serializer):
    copied = serializers.IntegerField(help_text="How many template duties were added to the list.")


class FigureRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    denominator_label = serializers.CharField(help_text="What the denominator counts: the tasks registered in the period.")
    rate = serializers.FloatField(allow_null=True)


class FigureChildSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    total = serializers.IntegerField()
    on_list = serializers.IntegerField()
    off_list = serializers.IntegerField()
    approved = serializers.IntegerField()
    refused = serializers.IntegerField()
    pending = serializers.IntegerField()


class FiguresSerializer(serializers.Serializer):
    level = serializers.CharField()
    node = serializers.IntegerField()
    rows = FigureRowSerializer(many=True)
    children = FigureChildSerializer(many=True, help_text="Per street of the district, or per community of the street.")


class DutiesMixin:
    """Holders of MANAGE_DUTIES only (403 otherwise), reading in their area (404 outside)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not can_see_duties(request.user):
            raise PermissionDenied

    def get_queryset(self):
        # The schema generator inspects the view without a user.
        if getattr(self, "swagger_fake_view", False):
            return self.serializer_class.Meta.model.objects.none()
        return self.list_selector(self.request.user)


@extend_schema_view(
    list=extend_schema(responses={200: DepartmentSerializer(many=True), **errors(403)}),
    create=extend_schema(request=form_input(DepartmentForm), responses={201: DepartmentSerializer, **errors(400, 403)}),
)
class DepartmentViewSet(DutiesMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The district's departments, which push tasks down to communities; the district keeps them."""

    serializer_class = DepartmentSerializer
    list_selector = staticmethod(selectors.department_list_for)
    filterset_fields = ["active"]

    def create(self, request):
        data = form_valid(DepartmentForm(request_body(request)))
        district = selectors.department_district_for(request.user)
        if district is None:
            raise PermissionDenied
        department = services.department_create(actor=request.user, district=district, **data)
        return Response(DepartmentSerializer(department).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=form_input(DepartmentChangeForm), responses={200: DepartmentSerializer, **errors(400, 403, 404)})
    @action(detail=True, methods=["post"])
    def change(self, request, pk=None):
        """Rename a department or retire it (`active` false)."""
        department = selectors.department_get_for(request.user, pk)
        data = form_valid(DepartmentChangeForm(request_body(request)))
        return Response(DepartmentSerializer(services.department_update(actor=request.user, department=department, **data)).data)


@extend_schema_view(list=extend_schema(responses={200: DutyTemplateSerializer(many=True), **errors(403)}))
class DutyTemplateViewSet(DutiesMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The district's template duty list, which streets copy into their communities' lists (kept in the back office)."""

    serializer_class = DutyTemplateSerializer
    list_selector = staticmethod(selectors.template_list_for)
    filterset_fields = ["kind"]


@extend_schema_view(
    list=extend_schema(responses={200: DutySerializer(many=True), **errors(403)}),
    create=extend_schema(request=form_input(DutyCreateForm), responses={201: DutySerializer, **errors(400, 403)}),
)
class DutyViewSet(DutiesMixin, FormCreateMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Communities' duty lists (社区工作事项清单): read by the community, kept by its street."""

    serializer_class = DutySerializer
    list_selector = staticmethod(selectors.duty_list_for)
    create_form, create_service = DutyCreateForm, staticmethod(services.duty_create)
    filterset_fields = ["community", "kind", "active"]

    @extend_schema(request=form_input(DutyChangeForm), responses={200: DutySerializer, **errors(400, 403, 404)})
    @action(detail=True, methods=["post"])
    def change(self, request, pk=None):
        """Change a duty or take it off the list (`active` false)."""
        duty = selectors.duty_get_for(request.user, pk)
        data = form_valid(DutyChangeForm(request_body(request), user=request.user))
        return Response(DutySerializer(services.duty_update(actor=request.user, duty=duty, **data)).data)

    @extend_schema(request=form_input(DutyCopyForm), responses={200: CopiedSerializer, **errors(400, 403)})
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def copy(self, request):
        """Copy the district's template list into a community's list; duties already there by name stay as they are."""
        data = form_valid(DutyCopyForm(request_body(request), user=request.user))
        return Response(CopiedSerializer({"copied": services.duty_list_copy(actor=request.user, **data)}).data)


@extend_schema_view(
    list=extend_schema(responses={200: TaskSerializer(many=True), **errors(403)}),
    retrieve=extend_schema(responses={200: TaskDetailSerializer, **errors(403, 404)}),
    create=extend_schema(request=form_input(TaskRegisterForm), responses={201: TaskSerializer, **errors(400, 403)}),
)
class IncomingTaskViewSet(DutiesMixin, FormCreateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Tasks departments push down to communities: registered against a duty (admitted) or sent to the street, which decides."""

    serializer_class = TaskSerializer
    list_selector = staticmethod(selectors.task_list_for)
    create_form, create_service = TaskRegisterForm, staticmethod(services.task_register)
    filterset_fields = ["status", "community", "department", "duty"]

    def retrieve(self, request, pk=None):
        task = selectors.task_get_for(request.user, pk)
        return Response(TaskDetailSerializer(task).data)

    @extend_schema(request=form_input(TaskDecisionForm), responses={200: TaskSerializer, **errors(400, 403, 404)})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """The street approves a task off the list or refuses it with the reason."""
        task = selectors.task_get_for(request.user, pk)
        data = form_valid(TaskDecisionForm(request_body(request)))
        return Response(TaskSerializer(services.task_decide(actor=request.user, task=task, **data)).data)

    @extend_schema(responses={200: TaskSerializer(many=True), **errors(403)})
    @action(detail=False, methods=["get"], filter_backends=[])
    def approvals(self, request):
        """Tasks off the list awaiting the street, oldest first: the street's queue, the community's waiting tasks."""
        page = self.paginate_queryset(selectors.approval_queue_for(request.user))
        return self.get_paginated_response(TaskSerializer(page, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("period", str, enum=["month", "quarter", "year", "custom"]),
            OpenApiParameter("from", str, description="YYYY-MM-DD, with period=custom"),
            OpenApiParameter("to", str, description="YYYY-MM-DD, with period=custom"),
        ],
        responses={200: FiguresSerializer, **errors(400, 403, 404)},
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def figures(self, request):
        """Tasks in, on the list, off the list approved, refused and awaiting, for the caller's district or street and each unit below."""
        node = selectors.overview_node_for(request.user)
        if node is None:
            raise PermissionDenied
        with query_parameter("period"):
            _period, start, end = query_period(request.query_params, today=timezone.localdate())
        since, until = days_window(start, end)
        figures = selectors.task_figures(node, since=since, until=until)
        return Response(FiguresSerializer({"level": node.LEVEL, "node": node.pk, **figures}).data)
