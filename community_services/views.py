"""The service pages: the desk's catalogue editor, leave, queue and bookings; the resident's catalogue, booking form and status page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community_services import selectors, services
from community_services.forms import BookingFilterForm, CloseForm, LeaveForm, PublicBookingForm, ServiceEditForm, ServiceForm, SlotForm
from community_services.permissions import can_handle_booking
from core.forms import form_cleaned
from core.params import BadQuery
from governance.forms import PurposeForm, form_add_service_errors
from governance.permissions import has_capability
from governance.public_forms import HONEYPOT, public_post_allowed
from governance.roles import Capability

PAGE_SIZE = 30


def _require(user, capability) -> None:
    if not has_capability(user, capability):
        raise PermissionDenied


def catalogue(request):
    """The catalogue editor: the services of the user's communities with their slots, a form to add one."""
    _require(request.user, Capability.MANAGE_SERVICES)
    form = ServiceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_save(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("service-edit", pk=service.pk)
    page = Paginator(selectors.service_managed_list_for(request.user).prefetch_related("slots").order_by("community__code", "name"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "community_services/catalogue.html", {"page": page, "form": form}, status=400 if form.errors else 200)


def service_edit(request, pk):
    """One service: its fields, and its weekly slots."""
    service = selectors.service_get_for(request.user, pk)
    initial = {field: getattr(service, field) for field in services.SERVICE_FIELDS}
    form = ServiceEditForm(request.POST if request.POST.get("action") == "service" else None, user=request.user, initial=initial)
    slot_form = SlotForm(request.POST if request.POST.get("action") == "slot" else None)
    if request.method == "POST":
        bound = form if form.is_bound else slot_form if slot_form.is_bound else None
        if bound is None:
            raise PermissionDenied
        if bound.is_valid():
            try:
                if bound is form:
                    services.service_save(actor=request.user, community=None, service=service, **form.cleaned_data)
                else:
                    services.slot_save(actor=request.user, service=service, **slot_form.cleaned_data)
            except ValidationError as exc:
                form_add_service_errors(bound, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("service-edit", pk=service.pk)
    context = {"service": service, "form": form, "slot_form": slot_form, "slots": service.slots.all()}
    return render(request, "community_services/service_edit.html", context, status=400 if form.errors or slot_form.errors else 200)


def leave(request):
    """Leave of the front desk's workers: recording it hands their bookings of those days to the other of A and B."""
    _require(request.user, Capability.MANAGE_SERVICES)
    form = LeaveForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.leave_record(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Leave recorded; their bookings of those days went to the other person."))
            return redirect("service-leave")
    page = Paginator(selectors.leave_list_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "community_services/leave.html", {"page": page, "form": form}, status=400 if form.errors else 200)


def queue(request):
    """我的预约与代办: what the user handles next."""
    _require(request.user, Capability.HANDLE_BOOKINGS)
    page = Paginator(selectors.queue_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "community_services/queue.html", {"page": page})


def booking_list(request):
    """All bookings of the user's area, filtered by status, kind, service and date."""
    _require(request.user, Capability.HANDLE_BOOKINGS)
    filters = BookingFilterForm(request.GET, user=request.user)
    if not filters.is_valid():
        raise BadQuery(" ".join(error for errors in filters.errors.values() for error in errors))
    bookings = selectors.booking_list_for(request.user)
    for name, value in filters.cleaned_data.items():
        if value not in (None, ""):
            bookings = bookings.filter(**{name: value})
    page = Paginator(bookings.order_by("-day", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "community_services/booking_list.html", {"page": page, "filters": filters})


@require_POST
def booking_reveal(request, pk):
    """The handler sees the resident's full name and phone, giving a purpose; the reveal is logged."""
    booking = selectors.booking_get_for(request.user, pk)
    form = PurposeForm(request.POST)
    revealed = None
    if form.is_valid():
        try:
            revealed = services.booking_contact_reveal(actor=request.user, booking=booking, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
    return _detail(request, booking, reveal_form=form, revealed=revealed, status=200 if revealed else 400)


def booking_detail(request, pk):
    """One booking with its history; its handler or the front desk marks it done or says why it cannot be done."""
    booking = selectors.booking_get_for(request.user, pk)
    form = CloseForm(request.POST or None)
    if request.method == "POST":
        try:
            services.booking_close(actor=request.user, booking=booking, **form_cleaned(form))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
        return redirect("service-booking", pk=booking.pk)
    return _detail(request, booking, form=form)


def _detail(request, booking, *, form=None, reveal_form=None, revealed=None, status=200):
    can_close = can_handle_booking(request.user, booking)
    context = {
        "booking": booking,
        "events": booking.events.select_related("actor", "assignee"),
        "form": form or CloseForm(),
        "can_close": can_close,
        "reveal_form": reveal_form or (PurposeForm() if can_close else None),
        "revealed": revealed,
    }
    return render(request, "community_services/booking_detail.html", context, status=status)


@login_not_required
def public_catalogue(request, code):
    """The community's services for residents: what to bring, how long it takes, and booking or proxy handling."""
    community = selectors.public_community_get(code)
    return render(request, "community_services/public_catalogue.html", {"community": community, "services": selectors.catalogue_of(community)})


@login_not_required
def public_book(request, code, pk):
    """The resident's booking form: an appointment in a slot, or proxy handling at home."""
    service = selectors.public_service_get(code, pk)
    community = service.community
    form = PublicBookingForm(request.POST or None, service=service)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if public_post_allowed(request, form, kind="booking", phone=data["phone"]):
            fields = {key: value for key, value in data.items() if key != HONEYPOT}
            try:
                booking = services.booking_create(service=service, **fields)
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                return redirect("public-booking", code=booking.tracking_code)
    context = {"community": community, "service": service, "form": form}
    return render(request, "community_services/public_book.html", context, status=400 if form.errors else 200)


@login_not_required
def public_booking(request, code):
    """The resident's status page by code, with cancelling while it is booked."""
    booking = selectors.booking_by_code(code)
    if booking is None:
        return render(request, "community_services/public_booking.html", {"booking": None, "code": code[:20]}, status=404)
    return render(request, "community_services/public_booking.html", {"booking": booking})


@login_not_required
@require_POST
def public_booking_cancel(request, code):
    booking = selectors.booking_by_code(code)
    if booking is None:
        raise Http404
    try:
        services.booking_cancel(booking=booking)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("public-booking", code=booking.tracking_code)
