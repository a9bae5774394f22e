"""The hierarchy and roles over HTTP: thin views over selectors and services."""

import django_filters
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import api_view
from rest_framework.response import Response

from core.api import ErrorSerializer
from governance import selectors, services
from governance.forms import PlaceFilterForm
from governance.models import AuditEntry, City, Community, District, Membership, ResidentUnit, Street
from governance.permissions import has_capability, phone_shown
from governance.roles import ROLE_LEVEL, Capability, Level, Role
from governance.services import api_token_expiry, api_token_issue
from grids.models import Building, Grid


class CitySerializer(serializers.ModelSerializer):
    class Meta:
        model = City
        fields = ["id", "name", "code", "party_org_name"]


class DistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["id", "name", "code", "city", "party_org_name"]


class StreetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Street
        fields = ["id", "name", "code", "kind", "district", "party_org_name"]


class CommunitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Community
        fields = ["id", "name", "code", "street", "district", "party_org_kind", "party_org_name", "address", "phone"]


class GridSerializer(serializers.ModelSerializer):
    class Meta:
        model = Grid
        fields = ["id", "name", "code", "sequence", "community", "street", "district", "party_org_name", "boundary"]


class BuildingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Building
        fields = ["id", "name", "number", "grid", "address", "units", "floors", "party_org_name"]


class ResidentUnitSerializer(serializers.ModelSerializer):
    contact_phone = serializers.SerializerMethodField(help_text="Masked unless the caller manages the community's units.")

    class Meta:
        model = ResidentUnit
        fields = ["id", "name", "kind", "community", "address", "party_org_name", "contact_name", "contact_phone"]

    def get_contact_phone(self, unit) -> str:
        return phone_shown(self.context["request"].user, unit.contact_phone, unit.ancestry(), Capability.MANAGE_HIERARCHY)


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    level = serializers.CharField(read_only=True)
    node_id = serializers.IntegerField(source="node.pk", read_only=True)
    node_name = serializers.CharField(source="node.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "username", "full_name", "role", "level", "node_id", "node_name", "unit_label", "granted_at"]


class MembershipGrantSerializer(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)
    node_id = serializers.IntegerField()
    unit_label = serializers.CharField(required=False, allow_blank=True, default="")


class AuditEntrySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True, allow_null=True)
    record_type = serializers.CharField(source="content_type.model", read_only=True)
    changes = serializers.JSONField(source="shown_changes", read_only=True)

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "actor", "action", "record_type", "object_id", "object_repr", "changes"]


class StreetFilter(django_filters.FilterSet):
    class Meta:
        model = Street
        fields = {"district": ["exact"], "code": ["exact", "startswith"], "name": ["icontains"]}


class CommunityFilter(django_filters.FilterSet):
    class Meta:
        model = Community
        fields = {"street": ["exact"], "code": ["exact", "startswith"], "name": ["icontains"]}


class GridFilter(django_filters.FilterSet):
    class Meta:
        model = Grid
        fields = {"community": ["exact"], "street": ["exact"], "code": ["exact", "startswith"], "name": ["icontains"]}


class BuildingFilter(django_filters.FilterSet):
    class Meta:
        model = Building
        fields = {"grid": ["exact"], "grid__community": ["exact"], "name": ["icontains"]}


class PlaceFilterSet(django_filters.FilterSet):
    """street, community and grid filters of a list whose rows have a grid, as the pages' PlaceFilterForm offers them.

    Each accepts only ids of the caller's area (with `place_capability`): any other id is a 400 like a missing one.
    """

    place_capability: str = ""
    PLACE_MODELS = {"street": Street, "community": Community, "grid": Grid}

    street = django_filters.ModelChoiceFilter(
        field_name="grid__street", queryset=Street.objects.none(), error_messages=PlaceFilterForm.OUTSIDE, help_text="Only this street's rows."
    )
    community = django_filters.ModelChoiceFilter(
        field_name="grid__community", queryset=Community.objects.none(), error_messages=PlaceFilterForm.OUTSIDE, help_text="Only this community's rows."
    )
    grid = django_filters.ModelChoiceFilter(queryset=Grid.objects.none(), error_messages=PlaceFilterForm.OUTSIDE, help_text="Only this grid's rows.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.request.user if self.request is not None else None
        for name, model in self.PLACE_MODELS.items():
            self.filters[name].queryset = model.objects.visible_to(user, self.place_capability)


class NodeViewSet(viewsets.ReadOnlyModelViewSet):
    level: str = ""

    def get_queryset(self):
        return selectors.node_list_for(self.request.user, self.level)


class CityViewSet(NodeViewSet):
    level = Level.CITY
    serializer_class = CitySerializer
    filterset_fields = ["code"]


class DistrictViewSet(NodeViewSet):
    level = Level.DISTRICT
    serializer_class = DistrictSerializer
    filterset_fields = ["city", "code"]


class StreetViewSet(NodeViewSet):
    level = Level.STREET
    serializer_class = StreetSerializer
    filterset_class = StreetFilter


class CommunityViewSet(NodeViewSet):
    level = Level.COMMUNITY
    serializer_class = CommunitySerializer
    filterset_class = CommunityFilter


class GridViewSet(NodeViewSet):
    level = Level.GRID
    serializer_class = GridSerializer
    filterset_class = GridFilter


class BuildingViewSet(NodeViewSet):
    level = Level.BUILDING
    serializer_class = BuildingSerializer
    filterset_class = BuildingFilter


class ResidentUnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ResidentUnitSerializer
    filterset_fields = ["community", "kind"]

    def get_queryset(self):
        return selectors.resident_unit_list_for(self.request.user)


class MembershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = MembershipSerializer
    filterset_fields = ["role", "user", "city", "district", "street", "community", "grid", "building"]

    def get_queryset(self):
        return selectors.membership_list_for(self.request.user)

    @extend_schema(request=MembershipGrantSerializer, responses={201: MembershipSerializer})
    def create(self, request):
        data = MembershipGrantSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        role = data.validated_data["role"]
        try:
            node = selectors.node_get_for(request.user, ROLE_LEVEL[role], data.validated_data["node_id"])
        except Http404 as exc:
            raise serializers.ValidationError({"node_id": [_("Choose a unit of your area at the role's level.")]}) from exc
        user = selectors.user_find_for(request.user, data.validated_data["username"].strip())
        if user is None:
            raise serializers.ValidationError({"username": [_("No account in your area has this username or mobile number.")]})
        membership = services.membership_grant(actor=request.user, user=user, role=role, node=node, unit_label=data.validated_data["unit_label"])
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.membership_revoke(actor=self.request.user, membership=instance)


class AuditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AuditEntrySerializer
    filterset_fields = ["action", "object_id"]

    def get_queryset(self):
        # The schema generator inspects the view without a user.
        if getattr(self, "swagger_fake_view", False):
            return AuditEntry.objects.none()
        if not has_capability(self.request.user, Capability.VIEW_AUDIT):
            raise PermissionDenied
        return selectors.audit_list_for(self.request.user)


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    memberships = MembershipSerializer(many=True)


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request):
    memberships = selectors.membership_list_for(request.user).filter(user=request.user)
    return Response(MeSerializer({"username": request.user.username, "full_name": request.user.full_name, "memberships": memberships}).data)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires = serializers.DateTimeField()


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (throttled like the login page); it expires after API_TOKEN_TTL_DAYS."""

    # Credentials are in the body: no session (and so no CSRF check) and no token header are read here.
    authentication_classes = ()

    def get_serializer_context(self):
        # Axes marks a lockout on the request it authenticates; its middleware answers from the Django request.
        return {**super().get_serializer_context(), "request": self.request._request}

    @extend_schema(
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Wrong username or password, or a field missing."),
            429: OpenApiResponse(ErrorSerializer, description="Too many failed logins: `extra.locked_until` says when to try again."),
        }
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = api_token_issue(user=serializer.validated_data["user"])
        return Response(TokenSerializer({"token": token.key, "expires": api_token_expiry(token)}).data)


class PasswordResetSerializer(serializers.Serializer):
    username = serializers.CharField()
    temporary_password = serializers.CharField()
    must_change_password = serializers.BooleanField()


@extend_schema(request=None, responses={200: PasswordResetSerializer})
@api_view(["POST"])
def user_password_reset(request, pk: int):
    """Give a person in scope a one-time password (shown in this answer only); they must change it at their next login."""
    user = selectors.user_get_for(request.user, pk)
    temporary = services.user_password_reset(actor=request.user, user=user)
    data = PasswordResetSerializer({"username": user.username, "temporary_password": temporary, "must_change_password": True}).data
    return Response(data, headers={"Cache-Control": "no-store"})
