"""Who is told about a request, and the telling: every notification the requests module writes is written here."""

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.models import Membership
from governance.roles import Role
from notifications.models import Notification
from notifications.services import notification_send
from resident_requests.lifecycle import HANDLING, HandlingLevel, Status, TimelineAction
from resident_requests.models import ResidentRequest, TimelineEntry

# Who accepts, dispatches, verifies, answers and follows up at each handling level.
DISPATCH_ROLES = {
    HandlingLevel.GRID: (Role.COMMUNITY_SECRETARY, Role.COMMUNITY_CADRE),
    HandlingLevel.COMMUNITY: (Role.COMMUNITY_SECRETARY, Role.COMMUNITY_CADRE),
    HandlingLevel.STREET: (Role.STREET_CADRE,),
    HandlingLevel.ALLIANCE: (Role.STREET_CADRE,),
    HandlingLevel.DISTRICT: (Role.DISTRICT_ORG,),
}
# What the person who must act next is asked to do, by the status the request is now in.
NEXT_STEP = {
    Status.SUBMITTED: gettext_lazy("New request to accept: %(category)s"),
    Status.ACCEPTED: gettext_lazy("Request to dispatch: %(category)s"),
    Status.DISPATCHED: gettext_lazy("Request dispatched to you: %(category)s"),
    Status.IN_PROGRESS: gettext_lazy("Request sent back to you: %(category)s"),
    Status.HANDLED: gettext_lazy("Request handled, to verify: %(category)s"),
    Status.VERIFIED: gettext_lazy("Request verified, to answer the resident: %(category)s"),
    Status.ANSWERED: gettext_lazy("Request answered, to follow up: %(category)s"),
}


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


def dispatchers_at_level(resident_request: ResidentRequest, level: str) -> list:
    """Who accepts, dispatches, verifies, answers and follows up the request at a level."""
    field, node = place_at_level(resident_request, HandlingLevel.COMMUNITY if level == HandlingLevel.GRID else level)
    place = Q(**{field: node})
    return [m.user for m in Membership.objects.filter(place, role__in=DISPATCH_ROLES[level], user__is_active=True).select_related("user")]


def people_to_act(resident_request: ResidentRequest) -> list:
    """The people who must act on the request now, by its status: the handler while it is handled, else the cadres."""
    if resident_request.status in HANDLING and resident_request.status != Status.ACCEPTED:
        if resident_request.handler_id:
            return [resident_request.handler]
        if resident_request.handler_unit_id is None:
            return people_at_level(resident_request, resident_request.level)
    dispatchers = dispatchers_at_level(resident_request, resident_request.level) if resident_request.status in NEXT_STEP else []
    if resident_request.status in (Status.HANDLED, Status.VERIFIED, Status.ANSWERED):
        # The cadre who dispatched sees the work through (verify, answer, follow up) while they still hold the post.
        dispatch = TimelineEntry.objects.filter(request=resident_request, action=TimelineAction.DISPATCH, actor__isnull=False).order_by("-id").first()
        if dispatch is not None and dispatch.actor_id in {person.pk for person in dispatchers}:
            return [dispatch.actor]
    return dispatchers


# Whom a late verification, answer or follow-up is reported to: the level above the cadres who must act.
SUPERVISING_LEVEL = {
    HandlingLevel.GRID: HandlingLevel.STREET,
    HandlingLevel.COMMUNITY: HandlingLevel.STREET,
    HandlingLevel.STREET: HandlingLevel.DISTRICT,
    HandlingLevel.ALLIANCE: HandlingLevel.DISTRICT,
    HandlingLevel.DISTRICT: HandlingLevel.DISTRICT,
}


def supervisors_of(resident_request: ResidentRequest) -> list:
    return people_at_level(resident_request, SUPERVISING_LEVEL[resident_request.level])


def notify_next(resident_request: ResidentRequest, *, actor) -> None:
    """At every hand-over the person who must act next is told (the one who handed over is not)."""
    title = NEXT_STEP.get(resident_request.status)
    if title is None:
        return
    people = [person for person in people_to_act(resident_request) if actor is None or person.pk != actor.pk]
    # Keyed by the hand-over's timeline row: each hand-over tells once, a later one tells again.
    step = TimelineEntry.objects.filter(request=resident_request).order_by("-id").values_list("pk", flat=True).first()
    notify_people(people, resident_request=resident_request, title=title % {"category": resident_request.category.name}, key=f"next-{step}")


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
