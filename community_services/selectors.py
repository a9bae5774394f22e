"""Reads of the service list and bookings in the caller's area, shared by the pages, their forms, the API and the dashboards."""

from django.db.models import Count, F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community_services.models import Booking, Leave, ServiceItem, TimeSlot
from governance.models import Community, User
from governance.roles import ROLE_CAPABILITIES, Capability, Level
from governance.scope import get_in_scope_or_404, scope_for

# Roles that work at the front desk: the A and B persons and the handlers of bookings are chosen among them.
DESK_ROLES = [role for role, capabilities in ROLE_CAPABILITIES.items() if Capability.HANDLE_BOOKINGS in capabilities]
# Bookings that take a place in their slot.
HOLDING = [Booking.Status.BOOKED, Booking.Status.DONE, Booking.Status.NO_SHOW]


def service_list_for(user):
    """The service lists the user's front desk works from."""
    return ServiceItem.objects.visible_to(user, Capability.HANDLE_BOOKINGS).select_related("community", "person_a", "person_b")


def service_managed_list_for(user):
    return ServiceItem.objects.visible_to(user, Capability.MANAGE_SERVICES).select_related("community", "person_a", "person_b")


def service_get_for(user, pk):
    """A service the user may edit; 404 otherwise."""
    return get_in_scope_or_404(service_managed_list_for(user), pk=pk)


def slot_get_for(user, pk):
    return get_in_scope_or_404(TimeSlot.objects.visible_to(user, Capability.MANAGE_SERVICES).select_related("service__community"), pk=pk)


def service_community_list_for(user):
    """Communities whose service list the user keeps."""
    return Community.objects.visible_to(user, Capability.MANAGE_SERVICES).order_by("code")


def desk_staff_of(community_ids):
    """People holding a front-desk role at these communities or their grids: the choices for A, B and leave."""
    return (
        User.objects.filter(
            Q(memberships__community__in=community_ids) | Q(memberships__grid__community__in=community_ids), memberships__role__in=DESK_ROLES, is_active=True
        )
        .distinct()
        .order_by("full_name", "username")
    )


def desk_staff_for(user):
    return desk_staff_of(service_community_list_for(user).values("pk"))


def leave_list_for(user):
    return Leave.objects.visible_to(user, Capability.MANAGE_SERVICES).select_related("person", "community")


def booking_list_for(user):
    """Bookings of the user's area, and those handed to them wherever they sit (a grid worker as A or B person)."""
    scope = scope_for(user, Capability.HANDLE_BOOKINGS)
    where = Q(assignee=user) if user.is_authenticated else Q(pk__in=[])
    if not scope.is_empty:
        where |= scope.q(Booking)
    return Booking.objects.filter(where).select_related("service", "slot", "assignee", "community")


def booking_get_for(user, pk):
    return get_in_scope_or_404(booking_list_for(user), pk=pk)


def queue_for(user):
    """我的预约与代办: open bookings handed to the user, then those of their front desk nobody is named for, soonest first."""
    scope = scope_for(user, Capability.HANDLE_BOOKINGS)
    where = Q(assignee=user)
    if not scope.is_empty:
        where |= Q(assignee__isnull=True) & scope.q(Booking)
    return (
        Booking.objects.filter(where, status=Booking.Status.BOOKED)
        .select_related("service", "slot", "assignee", "community")
        .order_by("day", "slot__starts", "id")
    )


def catalogue_of(community):
    """The services a community offers to residents, with their slots, in two queries."""
    return community.service_items.filter(active=True).prefetch_related("slots").order_by("name")


def public_community_get(code: str) -> Community:
    """The community of a public link by its code (digits only); 404 otherwise."""
    community = Community.objects.filter(code=code).first() if code.isascii() and code.isdigit() else None
    if community is None:
        raise Http404
    return community


def public_service_get(code: str, pk) -> ServiceItem:
    """A service the community of `code` offers to residents; 404 otherwise."""
    return get_in_scope_or_404(catalogue_of(public_community_get(code)), pk=pk)


def slot_taken(slot, day) -> int:
    return Booking.objects.filter(slot=slot, day=day, status__in=HOLDING).count()


def booking_by_code(code: str):
    """The resident's view of one booking by its code, or None."""
    code = (code or "").strip().upper()
    if not code.isascii() or not code.isalnum() or len(code) > 10:
        return None
    return Booking.objects.filter(tracking_code=code).select_related("service", "slot", "community").first()


def away_on(person_ids, first, last):
    """A function of a day giving who of these people is on leave then, from one query over [first, last]."""
    leaves = list(
        Leave.objects.filter(person__in=[pk for pk in person_ids if pk], starts_on__lte=last, ends_on__gte=first).values_list(
            "person_id", "starts_on", "ends_on"
        )
    )
    return lambda day: {person for person, starts_on, ends_on in leaves if starts_on <= day <= ends_on}


# The dashboard rows: key, label, numerator, the denominator's name, denominator.
FIGURES = [
    ("bookings_done", _("Bookings done"), "done", _("bookings made"), "made"),
    ("no_shows", _("No-shows"), "no_show", _("appointments whose slot has passed"), "passed"),
    ("proxy_on_time", _("Proxy handling done on time"), "proxy_on_time", _("proxy handling done"), "proxy_done"),
]
THROUGH_COMMUNITY = {
    Level.CITY: "community__district__city",
    Level.DISTRICT: "community__district",
    Level.STREET: "community__street",
    Level.COMMUNITY: "community",
}


def booking_figures(node, *, since, until) -> list[dict]:
    """The dashboard's booking figures of a node for bookings made in [since, until), in one aggregate query.

    Each row: a label, a numerator and a named denominator. A grid has none: bookings belong to the community.
    """
    if node.LEVEL not in THROUGH_COMMUNITY:
        return []
    bookings = Booking.objects.filter(**{THROUGH_COMMUNITY[node.LEVEL]: node.pk}, created_at__gte=since, created_at__lt=until)
    proxy_done = Q(kind=Booking.Kind.PROXY, status=Booking.Status.DONE)
    counts = bookings.aggregate(
        made=Count("pk"),
        done=Count("pk", filter=Q(status=Booking.Status.DONE)),
        passed=Count("pk", filter=Q(kind=Booking.Kind.APPOINTMENT, ends_at__lt=timezone.now()) & ~Q(status=Booking.Status.CANCELLED)),
        no_show=Count("pk", filter=Q(status=Booking.Status.NO_SHOW)),
        proxy_done=Count("pk", filter=proxy_done),
        proxy_on_time=Count("pk", filter=proxy_done & Q(closed_at__date__lte=F("due_on"))),
    )
    return [
        {
            "key": key,
            "label": str(label),
            "numerator": counts[numerator],
            "denominator": counts[denominator],
            "denominator_label": str(denominator_label),
            "rate": round(100 * counts[numerator] / counts[denominator], 1) if counts[denominator] else None,
        }
        for key, label, numerator, denominator_label, denominator in FIGURES
    ]
