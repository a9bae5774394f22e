"""Who is told about a request, and the telling: every notification the requests module writes is written here."""

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from governance.models import Membership
from governance.roles import Role
from notifications.models import Notification
from notifications.services import notification_send
from resident_requests.lifecycle import HandlingLevel, Status
from resident_requests.models import ResidentRequest


def people_at_level(resident_request: ResidentRequest, level: str):
    """Who handles the request's queue at a level: the grid's workers, the community's cadres, the street's cadres..."""
    grid = resident_request.grid
    where = {
        HandlingLevel.GRID: Q(grid_id=grid.pk, role__in=[Role.GRID_WORKER, Role.GRID_LEADER]),
        HandlingLevel.COMMUNITY: Q(community_id=grid.community_id, role__in=[Role.COMMUNITY_SECRETARY, Role.COMMUNITY_CADRE]),
        HandlingLevel.STREET: Q(street_id=grid.street_id, role=Role.STREET_CADRE),
        HandlingLevel.ALLIANCE: Q(street_id=grid.street_id, role=Role.STREET_CADRE),
        HandlingLevel.DISTRICT: Q(district_id=grid.district_id, role=Role.DISTRICT_ORG),
    }[level]
    return [m.user for m in Membership.objects.filter(where, user__is_active=True).select_related("user")]


def place_at_level(resident_request: ResidentRequest, level: str) -> tuple:
    grid = resident_request.grid
    return {
        HandlingLevel.GRID: ("grid", grid.pk),
        HandlingLevel.COMMUNITY: ("community", grid.community_id),
        HandlingLevel.STREET: ("street", grid.street_id),
        HandlingLevel.ALLIANCE: ("street", grid.street_id),
        HandlingLevel.DISTRICT: ("district", grid.district_id),
    }[level]


def notify_people(users, *, resident_request: ResidentRequest, title: str, key: str) -> None:
    url = reverse("request-detail", args=[resident_request.pk])
    notification_send(
        notifications=[
            Notification(user=user, key=f"{key}:{resident_request.pk}", title=title, body=resident_request.description[:200], url=url) for user in users
        ]
    )


def notify_escalations(rows, *, target: str, stamp: dt.datetime) -> None:
    """One notification per person of the receiving level for the whole batch, not one per request."""
    people: dict[int, list] = {}
    staff_by_place: dict[tuple, list] = {}
    for resident_request in rows:
        place = place_at_level(resident_request, target)
        # Requests of a batch share few places: each place's people are read once.
        if place not in staff_by_place:
            staff_by_place[place] = people_at_level(resident_request, target)
        for person in staff_by_place[place]:
            people.setdefault(person.pk, [person, 0])[1] += 1
    notifications = [
        Notification(
            user=person,
            key=f"escalated-{target}:{stamp.timestamp():.6f}",
            title=_("%(count)d requests escalated to you") % {"count": count},
            url=reverse("request-board"),
        )
        for person, count in people.values()
    ]
    notification_send(notifications=notifications)


def requests_long_term_review(*, today: dt.date) -> int:
    """Monthly: each community's cadres are reminded of the requests kept open long-term (挂账) in their community."""
    counts = dict(ResidentRequest.objects.filter(status=Status.LONG_TERM).values_list("grid__community_id").annotate(n=Count("pk")))
    memberships = Membership.objects.filter(
        community_id__in=counts, role__in=[Role.COMMUNITY_SECRETARY, Role.COMMUNITY_CADRE], user__is_active=True
    ).select_related("user")
    notifications = [
        Notification(
            user=m.user,
            key=f"long-term:{today:%Y-%m}",
            title=_("%(count)d long-term requests to review this month") % {"count": counts[m.community_id]},
            url=reverse("request-board"),
        )
        for m in memberships
    ]
    return len(notification_send(notifications=notifications))
