"""The three lists (三张清单) and linkage (包联) over the API: the pages' forms validate, the pages' services write, the same scope reads."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import FormCreateMixin, errors, form_input, form_valid, request_body
from governance.permissions import has_capability
from governance.roles import Capability
from party_building import linkage, lists, selectors
from party_building.forms import DemandForm, JointMeetingForm, LinkageRecordForm, ProblemToRequestForm, ProjectForm, ProjectStatusForm, ResourceForm
from party_building.models import DemandItem, LinkageDuty, LinkageRecord, Project, ResourceItem
from party_building.permissions import can_see_all_linkage
from resident_requests.models import ResidentRequest


class ResourceSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = ResourceItem
        fields = ["id", "unit", "unit_name", "category", "description", "created_at"]


class DemandSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    project = serializers.SerializerMethodField(help_text="The project matching the demand, or null while it is open.")
    suggestions = serializers.SerializerMethodField(help_text="For an open demand: resources of its category in its street, its community's units first.")

    class Meta:
        model = DemandItem
        fields = ["id", "community", "community_name", "category", "description", "created_at", "project", "suggestions"]

    def get_project(self, demand) -> int | None:
        return demand.project.pk if hasattr(demand, "project") else None

    def get_suggestions(self, demand) -> list[int]:
        return [resource.pk for resource in self.context.get("suggestions", {}).get(demand.pk, [])]


class ProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = ["id", "community", "demand", "resource", "owner", "plan", "status", "result", "created_at"]


class ListCreateMixin(FormCreateMixin):
    """A list of the three: created with the page's form by the page's service, read in the caller's area (403 without the capability)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not has_capability(request.user, Capability.MANAGE_LISTS):
            raise PermissionDenied

    def get_queryset(self):
        return self.list_selector(self.request.user)


def three_list(form_class, service, selector):
    """Give a list of the three its read in scope and its POST through the page's form and service, both documented."""

    def decorate(viewset):
        viewset.create_form, viewset.create_service, viewset.list_selector = form_class, staticmethod(service), staticmethod(selector)
        return extend_schema_view(
            list=extend_schema(responses={200: viewset.serializer_class(many=True), **errors(403)}),
            create=extend_schema(request=form_input(form_class), responses={201: viewset.serializer_class, **errors(400, 403)}),
        )(viewset)

    return decorate


@three_list(ResourceForm, lists.resource_add, selectors.resource_list_for)
class ResourceViewSet(ListCreateMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """资源清单: what resident units offer."""

    serializer_class = ResourceSerializer
    filterset_fields = ["category", "unit"]


@three_list(DemandForm, lists.demand_add, selectors.demand_list_for)
class DemandViewSet(ListCreateMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """需求清单: what communities need, with matching resources suggested for the open ones."""

    serializer_class = DemandSerializer
    filterset_fields = ["category", "community"]

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        # One query for the suggestions of the whole page.
        context = {**self.get_serializer_context(), "suggestions": lists.match_suggestions(page)}
        return self.get_paginated_response(DemandSerializer(page, many=True, context=context).data)


@three_list(ProjectForm, lists.project_create, selectors.project_list_for)
class ProjectViewSet(ListCreateMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """项目清单: a demand matched with a resource, moved on to done with its result."""

    serializer_class = ProjectSerializer
    filterset_fields = ["status", "community"]

    @extend_schema(request=form_input(ProjectStatusForm), responses={200: ProjectSerializer, **errors(400, 403, 404)})
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        """Move the project on; `done` needs its result."""
        project = selectors.project_get_for(request.user, pk)
        data = form_valid(ProjectStatusForm(request_body(request)))
        return Response(ProjectSerializer(lists.project_update(actor=request.user, project=project, **data)).data)


class LinkageDutySerializer(serializers.ModelSerializer):
    leader_name = serializers.CharField(source="user.full_name", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True)

    class Meta:
        model = LinkageDuty
        fields = ["id", "user", "leader_name", "community", "community_name", "kind", "department"]


class BehindSerializer(serializers.Serializer):
    duty = LinkageDutySerializer()
    what = serializers.CharField(help_text="What is missing: this quarter's visit, this week's contact or a visit in the last two weeks.")


class CommunityRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ComplianceSerializer(serializers.Serializer):
    duties = serializers.IntegerField()
    behind = BehindSerializer(many=True)
    no_meeting = CommunityRefSerializer(many=True, help_text="Communities without this month's party-building joint meeting.")


class FollowsLinkageMixin:
    """As on the page: those who see all linkage, and leaders with duties of their own; anyone else gets 403."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not can_see_all_linkage(request.user) and not selectors.own_duty_list_for(request.user).exists():
            raise PermissionDenied


@extend_schema_view(list=extend_schema(responses={200: LinkageDutySerializer(many=True), **errors(403)}))
class LinkageDutyViewSet(FollowsLinkageMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Linkage duties: every duty of the caller's area for those who see all linkage, otherwise the caller's own."""

    serializer_class = LinkageDutySerializer
    filterset_fields = ["kind", "community", "user"]

    def get_queryset(self):
        # The schema generator inspects the view without a user.
        if getattr(self, "swagger_fake_view", False):
            return LinkageDuty.objects.none()
        return selectors.duty_list_for(self.request.user)

    @extend_schema(responses={200: ComplianceSerializer, **errors(403)})
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def compliance(self, request):
        """Who is behind and which communities have not met this month: the linkage page's figures."""
        communities = list(selectors.linkage_community_list_for(request.user)[:100])
        state = linkage.compliance(selectors.duty_list_for(request.user), communities)
        behind = [{"duty": duty, "what": str(what)} for duty, what in state["behind"]]
        return Response(ComplianceSerializer({"duties": state["duties"], "behind": behind, "no_meeting": state["no_meeting"]}).data)


class LinkageRecordSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    units = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = LinkageRecord
        fields = ["id", "community", "community_name", "duty", "kind", "held_on", "people", "topics", "problems", "units", "recorded_by", "created_at"]


class RequestMadeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResidentRequest
        fields = ["id", "public_id", "status", "grid"]


@extend_schema_view(
    list=extend_schema(responses={200: LinkageRecordSerializer(many=True), **errors(403)}),
    create=extend_schema(request=form_input(LinkageRecordForm), responses={201: LinkageRecordSerializer, **errors(400, 403)}),
)
class LinkageRecordViewSet(FollowsLinkageMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Visits, contacts and joint meetings of the communities the caller follows; a problem raised becomes a request in one step."""

    serializer_class = LinkageRecordSerializer
    filterset_fields = {"kind": ["exact"], "community": ["exact"], "held_on": ["gte", "lte"]}

    def get_queryset(self):
        # The schema generator inspects the view without a user.
        if getattr(self, "swagger_fake_view", False):
            return LinkageRecord.objects.none()
        return selectors.record_list_for(self.request.user)

    def _created(self, record):
        return Response(LinkageRecordSerializer(record).data, status=status.HTTP_201_CREATED)

    def create(self, request):
        """A leader records their own visit or contact for one of their duties."""
        data = form_valid(LinkageRecordForm(request_body(request), user=request.user))
        return self._created(linkage.linkage_record(actor=request.user, community=data["duty"].community, **data))

    @extend_schema(request=form_input(JointMeetingForm), responses={201: LinkageRecordSerializer, **errors(400, 403)})
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def meeting(self, request):
        """A community's cadre records its monthly party-building joint meeting (党建联席会)."""
        data = form_valid(JointMeetingForm(request_body(request), user=request.user))
        return self._created(linkage.linkage_record(actor=request.user, kind=LinkageRecord.Kind.JOINT_MEETING, **data))

    @extend_schema(request=form_input(ProblemToRequestForm), responses={201: RequestMadeSerializer, **errors(400, 404)})
    @action(detail=True, methods=["post"], url_path="to-request")
    def to_request(self, request, pk=None):
        """One problem of the record becomes a request of the community, filed by the caller (who handles requests there)."""
        record = selectors.record_for_request_get_for(request.user, pk)
        data = form_valid(ProblemToRequestForm(request_body(request)))
        created = linkage.linkage_problem_to_request(actor=request.user, record=record, **data)
        return Response(RequestMadeSerializer(created).data, status=status.HTTP_201_CREATED)
