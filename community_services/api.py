"""The service list, leave and bookings over the API: the pages' forms validate, the pages' services write, the same scope reads.
Residents book without login as on the public pages: the same form, the same hourly limits, the same service."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from community_services import selectors, services
from community_services.forms import BookingForm, CloseForm, LeaveForm, PublicBookingForm, ServiceEditForm, ServiceForm, SlotForm
from community_services.models import Booking, Leave, ServiceItem, TimeSlot
from core.api import (
    IDEMPOTENCY_KEY,
    IDEMPOTENCY_REUSED_RESPONSE,
    ClockField,
    ErrorSerializer,
    IdempotencyKeyReused,
    errors,
    form_input,
    form_valid,
    request_body,
)
from core.idempotency import IdempotencyConflict
from governance.forms import PurposeForm
from governance.permissions import has_capability
from governance.public_forms import HONEYPOT, public_post_allowed
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


class PublicServiceSerializer(serializers.ModelSerializer):
    """A service as residents read it: what to bring, how long, how it is handled and its weekly slots; no one's name."""

    slots = SlotSerializer(many=True, read_only=True)

    class Meta:
        model = ServiceItem
        fields = ["id", "name", "materials", "time_limit_days", "legal_basis", "mode", "slots"]


class PublicBookingSerializer(serializers.ModelSerializer):
    """What the resident reads back: the code that opens the booking and its page; never the name or the phone."""

    service_name = serializers.CharField(source="service.name", read_only=True)
    page = serializers.SerializerMethodField(help_text="The booking's public page, where the resident follows or cancels it.")

    class Meta:
        model = Booking
        fields = ["tracking_code", "service", "service_name", "kind", "slot", "day", "due_on", "status", "reason", "created_at", "page"]

    def get_page(self, booking) -> str:
        return self.context["request"].build_absolute_uri(reverse("public-booking", kwargs={"code": booking.tracking_code}))


class PublicMixin:
    """Anyone, without login: no session (so no CSRF check) and no token are read, as on the public pages."""

    authentication_classes = ()
    permission_classes = ()


COMMUNITY_CODE = OpenApiParameter("code", str, OpenApiParameter.PATH, description="The community's code, as on its posters and QR codes.")
NOT_OFFERED = OpenApiResponse(ErrorSerializer, description="No community has this code, or it does not offer this service to residents.")
TOO_MANY = OpenApiResponse(
    ErrorSerializer, description="Too many bookings from this address or this phone in the last hour (the public form's limits, shared with the page)."
)


@extend_schema(parameters=[COMMUNITY_CODE], responses={200: PublicServiceSerializer(many=True), **errors(400), 404: NOT_OFFERED})
class PublicCatalogueView(PublicMixin, generics.ListAPIView):
    """The services a community offers to residents, with their slots: the ids a booking is posted with."""

    serializer_class = PublicServiceSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ServiceItem.objects.none()
        return selectors.catalogue_of(selectors.public_community_get(self.kwargs["code"]))


class PublicBookingCreateView(PublicMixin, APIView):
    @extend_schema(
        request=form_input(PublicBookingForm),
        parameters=[COMMUNITY_CODE, IDEMPOTENCY_KEY],
        responses={201: PublicBookingSerializer, **errors(400), 404: NOT_OFFERED, 409: IDEMPOTENCY_REUSED_RESPONSE, 429: TOO_MANY},
    )
    def post(self, request, code, pk):
        """A resident books an appointment in a slot (`day` and `slot`) or asks for proxy handling (`address` and `needs`).

        The public page's form validates and the same service books; the page's hourly limits per address and per phone
        count both. The answer's tracking code opens the booking's page; the name and phone are stored encrypted.
        """
        service = selectors.public_service_get(code, pk)
        form = PublicBookingForm(request_body(request), service=service)
        data = form_valid(form)
        if not public_post_allowed(request, form, kind="booking", phone=data["phone"]):
            message = " ".join(form.non_field_errors())
            # A filled honeypot is refused like invalid input; only the hourly limits answer 429.
            if data.get(HONEYPOT):
                raise serializers.ValidationError({"non_field_errors": [message]})
            raise exceptions.Throttled(detail=message)
        try:
            booking = services.booking_create(
                service=service,
                idempotency_key=request.headers.get("Idempotency-Key", ""),
                caller="public",
                **{name: value for name, value in data.items() if name != HONEYPOT},
            )
        except IdempotencyConflict as exc:
            raise IdempotencyKeyReused(exc.messages[0]) from exc
        return Response(PublicBookingSerializer(booking, context={"request": request}).data, status=status.HTTP_201_CREATED)
