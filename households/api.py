"""The ledger over HTTP: masked by default, scoped, paginated; writes through the same services."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from governance import selectors as governance_selectors
from config.api import ErrorSerializer
from governance.models import PersonalDataLog
from governance.roles import Capability, Level
from governance.scope import scope_for
from governance.services import personal_data_purpose_clean, personal_data_reveal
from households import selectors, services
from households.models import CareTag, Household, Resident, Visit
from households.permissions import birth_date_scope, can_see_sensitive_anywhere


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = CareTag
        fields = ["code", "name", "key_care", "sensitive", "visit_cadence_days"]


class ResidentSerializer(serializers.ModelSerializer):
    """Sensitive fields are present only for callers who may see them at this household, the birth date only for those who
    may reveal the ID number there (households.permissions.birth_date_scope); everyone gets the age."""

    tags = serializers.SerializerMethodField()
    age = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Resident
        fields = [
            "id",
            "household",
            "name",
            "relation",
            "sex",
            "birth_date",
            "age",
            "id_number_masked",
            "id_legacy",
            "phone_masked",
            "employment",
            "work_unit",
            "is_party_member",
            "party_branch",
            "special_situation",
            "health",
            "disability",
            "income",
            "tags",
        ]

    def _sensitive_ok(self, obj) -> bool:
        return self.context["sensitive_scope"].contains(obj.household.ancestry())

    def get_tags(self, obj) -> list[str]:
        ok = self._sensitive_ok(obj)
        return [tag.code for tag in obj.tags.all() if ok or not tag.sensitive]

    def to_representation(self, obj):
        data = super().to_representation(obj)
        if not self._sensitive_ok(obj):
            for name in Resident.SENSITIVE_FIELDS:
                data.pop(name, None)
        if not self.context["birth_date_scope"].contains(obj.household.ancestry()):
            data.pop("birth_date")
        return data


class HouseholdSerializer(serializers.ModelSerializer):
    tags = serializers.SerializerMethodField()
    building_name = serializers.CharField(source="building.name", read_only=True)

    class Meta:
        model = Household
        fields = [
            "id",
            "building",
            "building_name",
            "grid",
            "unit",
            "floor",
            "room",
            "phone_masked",
            "tenure",
            "residence",
            "registered_address",
            "is_party_household",
            "status",
            "moved_in_on",
            "moved_out_on",
            "head",
            "key_care",
            "last_visited_at",
            "next_visit_due",
            "tags",
        ]

    def get_tags(self, obj) -> list[str]:
        ok = self.context["sensitive_scope"].contains(obj.ancestry())
        return [tag.code for tag in obj.tags.all() if ok or not tag.sensitive]


class HouseholdWriteSerializer(serializers.Serializer):
    building = serializers.IntegerField()
    unit = serializers.IntegerField(min_value=1, max_value=99)
    floor = serializers.IntegerField(min_value=-5, max_value=120)
    room = serializers.CharField(max_length=10)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    tenure = serializers.ChoiceField(choices=Household.Tenure.choices, default=Household.Tenure.OWNER)
    residence = serializers.ChoiceField(choices=Household.Residence.choices, default=Household.Residence.BOTH)
    is_party_household = serializers.BooleanField(default=False)
    tags = serializers.ListField(child=serializers.SlugField(), required=False, default=list)


class VisitSerializer(serializers.ModelSerializer):
    visitor = serializers.CharField(source="visitor.username", read_only=True)

    class Meta:
        model = Visit
        fields = ["id", "household", "visitor", "visited_at", "method", "met_person", "findings", "needs"]
        read_only_fields = ["household"]


class RevealSerializer(serializers.Serializer):
    """Why the full values are needed: a purpose from the fixed list, with a text that "other" requires; logged."""

    purpose = serializers.ChoiceField(choices=PersonalDataLog.Purpose.choices)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate(self, data):
        try:
            purpose, reason = personal_data_purpose_clean(purpose=data["purpose"], reason=data["reason"])
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return {"purpose": purpose, "reason": reason}


class RevealedSerializer(serializers.Serializer):
    id_number = serializers.CharField(required=False, help_text="Residents only.")
    phone = serializers.CharField()


REVEAL_RESPONSES = {
    200: RevealedSerializer,
    400: OpenApiResponse(ErrorSerializer, description="No purpose, or “other” without a real text."),
    403: OpenApiResponse(ErrorSerializer, description="The caller may not reveal personal data here."),
    404: OpenApiResponse(ErrorSerializer, description="No such record in the caller's area."),
    429: OpenApiResponse(ErrorSerializer, description="The caller's reveals for today are used up (PERSONAL_DATA_REVEALS_PER_DAY)."),
}


class _SensitiveContext:
    def get_serializer_context(self):
        user = self.request.user
        return {**super().get_serializer_context(), "sensitive_scope": scope_for(user, Capability.VIEW_SENSITIVE), "birth_date_scope": birth_date_scope(user)}


class HouseholdViewSet(_SensitiveContext, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = HouseholdSerializer
    filterset_fields = ["grid", "building", "status", "key_care"]

    def get_queryset(self):
        params = self.request.query_params
        return selectors.household_search(
            self.request.user, q=params.get("q", ""), tag=params.get("tag", ""), include_archived=params.get("status") == "archived"
        )

    @extend_schema(request=HouseholdWriteSerializer, responses={201: HouseholdSerializer})
    def create(self, request):
        data = HouseholdWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        building = governance_selectors.node_get_for(request.user, Level.BUILDING, values.pop("building"))
        household = services.household_create(actor=request.user, building=building, phone=values.pop("phone"), tags=values.pop("tags"), **values)
        return Response(self.get_serializer(selectors.household_get_for(request.user, household.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=VisitSerializer, responses={201: VisitSerializer})
    @action(detail=True, methods=["post"])
    def visits(self, request, pk=None):
        household = selectors.household_get_for(request.user, pk, capability=Capability.EDIT_LEDGER)
        data = VisitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        visit = services.visit_record(actor=request.user, household=household, **data.validated_data)
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RevealSerializer, responses=REVEAL_RESPONSES)
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        household = selectors.household_get_for(request.user, pk)
        data = RevealSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(personal_data_reveal(actor=request.user, instance=household, **data.validated_data))


class ResidentViewSet(_SensitiveContext, viewsets.ReadOnlyModelViewSet):
    serializer_class = ResidentSerializer
    filterset_fields = ["household", "is_party_member"]

    def get_queryset(self):
        return (
            Resident.objects.visible_to(self.request.user, Capability.VIEW_LEDGER)
            .filter(moved_out_on__isnull=True)
            .select_related("household__grid")
            .prefetch_related(Prefetch("tags", queryset=CareTag.objects.order_by("sort_order")))
        )

    @extend_schema(request=RevealSerializer, responses=REVEAL_RESPONSES)
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        resident = selectors.resident_get_for(request.user, pk)
        data = RevealSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(personal_data_reveal(actor=request.user, instance=resident, **data.validated_data))


class VisitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = VisitSerializer
    filterset_fields = ["household", "grid", "method"]

    def get_queryset(self):
        return Visit.objects.visible_to(self.request.user, Capability.VIEW_LEDGER).select_related("visitor")


class CareTagViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TagSerializer
    pagination_class = None

    def get_queryset(self):
        tags = CareTag.objects.filter(active=True)
        if not can_see_sensitive_anywhere(self.request.user):
            tags = tags.filter(sensitive=False)
        return tags
