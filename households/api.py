"""The ledger over HTTP: masked by default, scoped, paginated; writes through the same services and the pages' forms."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api import ErrorSerializer, errors, form_input, form_valid, request_body
from core.files import file_response
from governance import selectors as governance_selectors
from governance.api import PlaceFilterSet
from governance.models import PersonalDataLog
from governance.roles import Capability, Level
from governance.scope import scope_for
from governance.services import personal_data_purpose_clean, personal_data_reveal
from households import selectors, services
from households.forms import ArchiveForm, HouseholdForm, ResidentForm, VisitForm
from households.models import CareTag, Household, Resident, Visit
from households.permissions import birth_date_scope, can_see_birth_date, can_see_sensitive, can_see_sensitive_anywhere


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
        fields = ["id", "household", "visitor", "visited_at", "method", "met_person", "findings", "needs", "needs_review"]
        read_only_fields = ["household", "needs_review"]


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


def sensitive_context(user) -> dict:
    return {"sensitive_scope": scope_for(user, Capability.VIEW_SENSITIVE), "birth_date_scope": birth_date_scope(user)}


class _SensitiveContext:
    def get_serializer_context(self):
        return {**super().get_serializer_context(), **sensitive_context(self.request.user)}


# The tags field the forms add in __init__ (its choices depend on the caller), for the schema.
TAG_IDS = forms.ModelMultipleChoiceField(queryset=CareTag.objects.none(), required=False, help_text="Care tag ids (GET /api/care-tags/).")
PHOTO_BODY = {"application/json": form_input(VisitForm), "multipart/form-data": form_input(VisitForm)}


class HouseholdFilter(PlaceFilterSet):
    place_capability = Capability.VIEW_LEDGER
    q = django_filters.CharFilter(method="searched", max_length=50, help_text="Name, phone tail (4 digits), building or unit-room, as on the page.")
    tag = extend_schema_field(OpenApiTypes.STR)(
        django_filters.ModelChoiceFilter(
            queryset=CareTag.objects.filter(active=True), to_field_name="code", method="searched", help_text="A care tag's code (GET /api/care-tags/)."
        )
    )

    class Meta:
        model = Household
        fields = ["building", "status", "key_care"]

    def searched(self, queryset, name, value):
        # household_search has applied it already (with the sensitive-tag rule); here it is only validated and documented.
        return queryset


class HouseholdViewSet(_SensitiveContext, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilter

    def get_queryset(self):
        params = self.request.query_params
        return selectors.household_search(
            self.request.user, q=params.get("q", ""), tag=params.get("tag", ""), include_archived=params.get("status") == "archived"
        )

    def _answer(self, household, code=status.HTTP_200_OK):
        return Response(self.get_serializer(selectors.household_get_for(self.request.user, household.pk)).data, status=code)

    @extend_schema(request=form_input(HouseholdForm, tags=TAG_IDS), responses=HouseholdSerializer)
    def update(self, request, pk=None):
        """Edit the household as the page does: every field of the form is sent (an empty phone keeps the stored one)."""
        household = selectors.household_get_for(request.user, pk, capability=Capability.EDIT_LEDGER)
        form = HouseholdForm(request_body(request), instance=household, sensitive_ok=can_see_sensitive(request.user, household.ancestry()))
        data = form_valid(form)
        services.household_update(actor=request.user, household=household, phone=data["phone"] or None, **{name: data[name] for name in form.Meta.fields})
        services.household_set_tags(actor=request.user, household=household, tags=list(data["tags"]))
        return self._answer(household)

    @extend_schema(request=form_input(ArchiveForm), responses=HouseholdSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        """The household moved out: archived with its members and history, never deleted."""
        household = selectors.household_get_for(request.user, pk, capability=Capability.EDIT_LEDGER)
        data = form_valid(ArchiveForm(request_body(request)))
        services.household_archive(actor=request.user, household=household, moved_out_on=data["moved_out_on"])
        return self._answer(household)

    @extend_schema(request=form_input(ResidentForm, tags=TAG_IDS), responses={201: ResidentSerializer})
    @action(detail=True, methods=["post"])
    def residents(self, request, pk=None):
        """Add a member; the answer's `warnings` are not part of it: they show on the page only."""
        household = selectors.household_get_for(request.user, pk, capability=Capability.EDIT_LEDGER)
        resident = resident_save(request, household)
        return Response(ResidentSerializer(selectors.resident_get_for(request.user, resident.pk), context=self.get_serializer_context()).data, status=201)

    @extend_schema(request=HouseholdWriteSerializer, responses={201: HouseholdSerializer})
    def create(self, request):
        data = HouseholdWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        try:
            building = governance_selectors.node_get_for(request.user, Level.BUILDING, values.pop("building"))
        except Http404 as exc:
            raise serializers.ValidationError({"building": [_("Choose a building of your area.")]}) from exc
        household = services.household_create(actor=request.user, building=building, phone=values.pop("phone"), tags=values.pop("tags"), **values)
        return Response(self.get_serializer(selectors.household_get_for(request.user, household.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PHOTO_BODY, responses={201: VisitSerializer})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser, MultiPartParser])
    def visits(self, request, pk=None):
        """Record a visit with the page's form (a photo in multipart/form-data)."""
        household = selectors.household_get_for(request.user, pk, capability=Capability.EDIT_LEDGER)
        data = form_valid(VisitForm(request_body(request), request.FILES))
        visit = services.visit_record(actor=request.user, household=household, **data)
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RevealSerializer, responses=REVEAL_RESPONSES)
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        household = selectors.household_get_for(request.user, pk)
        data = RevealSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(personal_data_reveal(actor=request.user, instance=household, **data.validated_data))


def resident_save(request, household, resident=None) -> Resident:
    """The member form of the page, for a new member or an existing one, through the same services."""
    ancestry = household.ancestry()
    form = ResidentForm(
        request_body(request),
        instance=resident,
        sensitive_ok=can_see_sensitive(request.user, ancestry),
        birth_date_ok=can_see_birth_date(request.user, ancestry),
    )
    data = dict(form_valid(form))
    tags, id_number, phone = list(data.pop("tags")), data.pop("id_number"), data.pop("phone")
    if resident is None:
        return services.resident_create(actor=request.user, household=household, id_number=id_number, phone=phone, tags=tags, **data)[0]
    resident = services.resident_update(actor=request.user, resident=resident, id_number=id_number or None, phone=phone or None, **data)[0]
    services.resident_set_tags(actor=request.user, resident=resident, tags=tags)
    return resident


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

    @extend_schema(request=form_input(ResidentForm, tags=TAG_IDS), responses=ResidentSerializer)
    def update(self, request, pk=None):
        """Edit a member as the page does: every field is sent (an empty ID number or phone keeps the stored one)."""
        resident = selectors.resident_get_for(request.user, pk, capability=Capability.EDIT_LEDGER)
        resident_save(request, resident.household, resident)
        return Response(self.get_serializer(selectors.resident_get_for(request.user, resident.pk)).data)

    @extend_schema(request=RevealSerializer, responses=REVEAL_RESPONSES)
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        resident = selectors.resident_get_for(request.user, pk)
        data = RevealSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(personal_data_reveal(actor=request.user, instance=resident, **data.validated_data))


class VisitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = VisitSerializer
    filterset_fields = ["household", "grid", "method", "needs_review"]

    def get_queryset(self):
        return Visit.objects.visible_to(self.request.user, Capability.VIEW_LEDGER).select_related("visitor").order_by("-visited_at", "-pk")

    @extend_schema(request=None, responses={200: VisitSerializer, **errors(400, 403, 404)})
    @action(detail=True, methods=["post"])
    def reviewed(self, request, pk=None):
        """The community has reviewed a visit that arrived after its household was archived (the page's 已复核)."""
        visit = services.visit_review(actor=request.user, visit=selectors.visit_get_for(request.user, pk))
        return Response(VisitSerializer(visit).data)

    @extend_schema(
        parameters=[OpenApiParameter("grid", int, required=False, description="Only this grid's households.")],
        responses=HouseholdSerializer(many=True),
        filters=False,
    )
    @action(detail=False, filterset_fields=None, serializer_class=HouseholdSerializer)
    def due(self, request):
        """Households whose visit is due today or overdue, in the caller's editing area, most overdue first (the page's list)."""
        grid = VisitsDueQuery(data=request.query_params)
        grid.is_valid(raise_exception=True)
        due = selectors.visits_due_for(request.user, grid=grid.validated_data.get("grid"))
        page = self.paginate_queryset(due.prefetch_related(Prefetch("tags", queryset=CareTag.objects.order_by("sort_order"))))
        context = {**self.get_serializer_context(), **sensitive_context(request.user)}
        return self.get_paginated_response(HouseholdSerializer(page, many=True, context=context).data)

    @extend_schema(
        responses={(200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY, description="The visit's photo."), 404: OpenApiResponse(ErrorSerializer)}
    )
    @action(detail=True)
    def photo(self, request, pk=None):
        """The visit's photo, for whoever may read the household's ledger; 404 when it has none."""
        return file_response(selectors.visit_get_for(request.user, pk).photo)


class VisitsDueQuery(serializers.Serializer):
    grid = serializers.IntegerField(required=False, min_value=1)


class CareTagViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TagSerializer
    pagination_class = None

    def get_queryset(self):
        tags = CareTag.objects.filter(active=True)
        if not can_see_sensitive_anywhere(self.request.user):
            tags = tags.filter(sensitive=False)
        return tags
