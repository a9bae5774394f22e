"""The service list, leave and bookings over the API: the pages' forms validate, the pages' services write, the same scope reads."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from community_services import selectors, services
from community_services.forms import BookingForm, CloseForm, LeaveForm, ServiceEditForm, ServiceForm, SlotForm
from community_services.models import Booking, Leave, ServiceItem, TimeSlot
from core.api import ClockField, errors, form_input, form_valid, request_body
from governance.forms import PurposeForm
from governance.permissions import has_capability
from governance.roles import Capability


class SlotSerializer(serializers.ModelSerializer):
    starts = ClockField(read_only=True)
    ends = ClockField(read_only=True)

    class Meta:
        model = TimeSlot
        fields = ["id", "weekday", "starts", "ends", "capacity"]


class ServiceSerializer(serializers.ModelSerializer):
    slots = SlotSerializer(many=True, read_only=True)

    class Meta:
        model = ServiceItem
        fields = ["id", "community", "name", "materials", "time_limit_days", "legal_basis", "mode", "needs_ab", "person_a", "person_b", "active", "slots"]


class LeaveSerializer(serializers.ModelSerializer):
    class Meta:
        model = Leave
        fields = ["id", "community", "person", "starts_on", "ends_on", "reason", "recorded_by", "created_at"]


class BookingSerializer(serializers.ModelSerializer):
    """Name and phone masked, as on the pages."""

    class Meta:
        model = Booking
        fields = [
            "id", "tracking_code", "community", "service", "kind", "slot", "day", "due_on", "status", "assignee",
            "name_masked", "phone_masked", "address", "needs", "reason", "created_at", "closed_at",
        ]  # fmt: skip


class _Requires:
    """403 for callers without the capability, before anything is read."""

    capability: str

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not has_capability(request.user, self.capability):
            raise PermissionDenied


@extend_schema_view(
    list=extend_schema(responses={200: ServiceSerializer(many=True), **errors(400, 403)}),
    create=extend_schema(request=form_input(ServiceForm), responses={201: ServiceSerializer, **errors(400, 403)}),
)
class ServiceViewSet(_Requires, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The community's public-service list (一窗受理): each service with its A and B persons and weekly slots."""

    capability = Capability.MANAGE_SERVICES
    serializer_class = ServiceSerializer
    filterset_fields = ["community", "mode", "active"]

    def get_queryset(self):
        return selectors.service_managed_list_for(self.request.user).prefetch_related("slots").order_by("community__code", "name")

    def create(self, request):
        data = form_valid(ServiceForm(request_body(request), user=request.user))
        service = services.service_save(actor=request.user, **data)
        return Response(ServiceSerializer(self.get_queryset().get(pk=service.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=form_input(ServiceEditForm), responses={200: ServiceSerializer, **errors(400, 403, 404)})
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        """Change a service: every field is sent, as the page's form sends them."""
        service = selectors.service_get_for(request.user, pk)
        data = form_valid(ServiceEditForm(request_body(request), user=request.user))
        services.service_save(actor=request.user, community=None, service=service, **data)
        return Response(ServiceSerializer(self.get_queryset().get(pk=service.pk)).data)

    @extend_schema(request=form_input(SlotForm), responses={200: SlotSerializer, **errors(400, 403, 404)})
    @action(detail=True, methods=["post"])
    def slot(self, request, pk=None):
        """Open a weekly slot, or change the capacity of the one starting then (0 closes it)."""
        service = selectors.service_get_for(request.user, pk)
        data = form_valid(SlotForm(request_body(request)))
        return Response(SlotSerializer(services.slot_save(actor=request.user, service=service, **data)).data)


@extend_schema_view(
    list=extend_schema(responses={200: LeaveSerializer(many=True), **errors(400, 403)}),
    create=extend_schema(request=form_input(LeaveForm), responses={201: LeaveSerializer, **errors(400, 403)}),
)
class LeaveViewSet(_Requires, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Leave of the front desk's workers; recording it hands their open bookings of those days to the other of A and B."""

    capability = Capability.MANAGE_SERVICES
    serializer_class = LeaveSerializer
    filterset_fields = ["community", "person"]

    def get_queryset(self):
        return selectors.leave_list_for(self.request.user)

    def create(self, request):
        data = form_valid(LeaveForm(request_body(request), user=request.user))
        return Response(LeaveSerializer(services.leave_record(actor=request.user, **data)).data, status=status.HTTP_201_CREATED)


class BookingContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()


@extend_schema_view(
    list=extend_schema(responses={200: BookingSerializer(many=True), **errors(400, 403)}),
    retrieve=extend_schema(responses={200: BookingSerializer, **errors(403, 404)}),
    create=extend_schema(request=form_input(BookingForm), responses={201: BookingSerializer, **errors(400, 403)}),
)
class BookingViewSet(_Requires, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Residents' appointments and proxy handling (代办) in the caller's area, and those handed to the caller."""

    capability = Capability.HANDLE_BOOKINGS
    serializer_class = BookingSerializer
    filterset_fields = ["status", "kind", "service", "community", "day", "assignee"]

    def get_queryset(self):
        return selectors.booking_list_for(self.request.user).order_by("-day", "-id")

    def get_object(self):
        return selectors.booking_get_for(self.request.user, self.kwargs["pk"])

    def create(self, request):
        """A worker books for a resident (a phone call, the front desk)."""
        data = form_valid(BookingForm(request_body(request), user=request.user))
        booking = services.booking_create(actor=request.user, **data)
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: BookingSerializer(many=True), **errors(400, 403)})
    @action(detail=False, methods=["get"])
    def queue(self, request):
        """我的预约与代办: open bookings handed to the caller, then those of their front desk nobody is named for."""
        page = self.paginate_queryset(selectors.queue_for(request.user))
        return self.get_paginated_response(BookingSerializer(page, many=True).data)

    @extend_schema(request=form_input(PurposeForm), responses={200: BookingContactSerializer, **errors(400, 403, 404, 429)})
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """The resident's full name and phone, for whoever handles the open booking; needs a purpose and is logged."""
        booking = self.get_object()
        data = form_valid(PurposeForm(request_body(request)))
        return Response(services.booking_contact_reveal(actor=request.user, booking=booking, **data))

    @extend_schema(request=form_input(CloseForm), responses={200: BookingSerializer, **errors(400, 403, 404)})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Done, or cannot be done with the reason the resident reads."""
        booking = self.get_object()
        data = form_valid(CloseForm(request_body(request)))
        return Response(BookingSerializer(services.booking_close(actor=request.user, booking=booking, **data)).data)
