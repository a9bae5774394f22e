"""Who is told about a request, and the telling: every notification the requests module writes is written here."""

import datetime as dt

from django.db.models import Count, Max, Q
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


# Who handles the request's queue at each level: the grid's workers, the community's cadres, the street's cadres...
QUEUE_ROLES = {
    HandlingLevel.GRID: (Role.GRID_WORKER, Role.GRID_LEADER),
    HandlingLevel.COMMUNITY: (Role.COMMUNITY_SECRETARY, Role.COMMUNITY_CADRE),
    HandlingLevel.STREET: (Role.STREET_CADRE,),
    HandlingLevel.ALLIANCE: (Role.STREET_CADRE,),
    HandlingLevel.DISTRICT: (Role.DISTRICT_ORG,),
}


def _queue_post(resident_request: ResidentRequest, level: str) -> tuple:
    return (*place_at_level(resident_request, level), QUEUE_ROLES[level])


def _dispatch_post(resident_request: ResidentRequest, level: str) -> tuple:
    return (*place_at_level(resident_request, HandlingLevel.COMMUNITY if level == HandlingLevel.GRID else level), DISPATCH_ROLES[level])


def staff_at(posts) -> dict[tuple, list]:
    """The active people holding each post (place field, node id, roles), all posts read in one query."""
    wanted: dict[tuple, set[int]] = {}
    for field, node, roles in posts:
        wanted.setdefault((field, roles), set()).add(node)
    staff: dict[tuple, list] = {(field, node, roles): [] for (field, roles), nodes in wanted.items() for node in nodes}
    if not wanted:
        return staff
    where = Q()
    for (field, roles), nodes in wanted.items():
        where |= Q(**{f"{field}_id__in": nodes}, role__in=roles)
    for membership in Membership.objects.filter(where, user__is_active=True).select_related("user").order_by("pk"):
        for (field, roles), nodes in wanted.items():
            node = getattr(membership, f"{field}_id")
            if node in nodes and membership.role in roles and membership.user not in staff[field, node, roles]:
                staff[field, node, roles].append(membership.user)
    return staff


def people_at_level(resident_request: ResidentRequest, level: str) -> list:
    """Who handles the request's queue at a level."""
    post = _queue_post(resident_request, level)
    return staff_at([post])[post]


def people_to_act(resident_request: ResidentRequest) -> list:
    return people_to_act_each([resident_request])[resident_request.pk]


def people_to_act_each(resident_requests: list[ResidentRequest]) -> dict[int, list]:
    """The people who must act on each request now, by its status: the handler while it is handled, else the cadres.

    A whole batch (the sweep's reminders) costs two queries: every post's people at once, every last dispatcher at once.
    """
    direct: dict[int, list] = {}
    posts: dict[int, tuple] = {}
    verifying: list[int] = []
    for resident_request in resident_requests:
        if resident_request.status in HANDLING and resident_request.status != Status.ACCEPTED:
            if resident_request.handler_id:
                direct[resident_request.pk] = [resident_request.handler]
                continue
            if resident_request.handler_unit_id is None:
                posts[resident_request.pk] = _queue_post(resident_request, resident_request.level)
                continue
        if resident_request.status in NEXT_STEP:
            posts[resident_request.pk] = _dispatch_post(resident_request, resident_request.level)
        if resident_request.status in (Status.HANDLED, Status.VERIFIED, Status.ANSWERED):
            verifying.append(resident_request.pk)
    staff = staff_at(posts.values())
    # The cadre who dispatched sees the work through (verify, answer, follow up) while they still hold the post.
    last_dispatch = (
        TimelineEntry.objects.filter(request__in=verifying, action=TimelineAction.DISPATCH, actor__isnull=False)
        .values("request")
        .annotate(last=Max("pk"))
        .values("last")
    )
    dispatcher = {entry.request_id: entry.actor for entry in TimelineEntry.objects.filter(pk__in=last_dispatch).select_related("actor")} if verifying else {}
    people: dict[int, list] = dict(direct)
    for resident_request in resident_requests:
        if resident_request.pk in direct:
            continue
        acting = staff.get(posts.get(resident_request.pk), [])
        actor = dispatcher.get(resident_request.pk)
        people[resident_request.pk] = [actor] if actor is not None and actor in acting else acting
    return people


# Whom a late verification, answer or follow-up is reported to: the level above the cadres who must act.
SUPERVISING_LEVEL = {
    HandlingLevel.GRID: HandlingLevel.STREET,
    HandlingLevel.COMMUNITY: HandlingLevel.STREET,
    HandlingLevel.STREET: HandlingLevel.DISTRICT,
    HandlingLevel.ALLIANCE: HandlingLevel.DISTRICT,
    HandlingLevel.DISTRICT: HandlingLevel.DISTRICT,
}


def supervisors_post(resident_request: ResidentRequest) -> tuple:
    return _queue_post(resident_request, SUPERVISING_LEVEL[resident_request.level])


def notify_next(resident_request: ResidentRequest, *, actor) -> None:
    """At every hand-over the person who must act next is told (the one who handed over is not)."""
    title = NEXT_STEP.get(resident_request.status)
    if title is None:
        return
    people = [person for person in people_to_act(resident_request) if actor is None or person.pk != actor.pk]
    # Keyed by the hand-over's timeline row: each hand-over tells once, a later one tells again.
    step = TimelineEntry.objects.filter(request=resident_request).order_by("-id").values_list("pk", flat=True).first()
    notify_people(people, resident_request=resident_request, title=title % {"category": resident_request.category.name}, key=f"next-{step}")


# Where a request sits at each level: the place's field on a membership, and the request's path to that place.
PLACES = {
    HandlingLevel.GRID: ("grid", "grid_id"),
    HandlingLevel.COMMUNITY: ("community", "grid__community_id"),
    HandlingLevel.STREET: ("street", "grid__street_id"),
    HandlingLevel.ALLIANCE: ("street", "grid__street_id"),
    HandlingLevel.DISTRICT: ("district", "grid__district_id"),
}


def place_at_level(resident_request: ResidentRequest, level: str) -> tuple:
    field, _path = PLACES[level]
    return field, resident_request.grid_id if field == "grid" else getattr(resident_request.grid, f"{field}_id")


def notices_for(users, *, resident_request: ResidentRequest, title: str, key: str) -> list[Notification]:
    url = reverse("request-detail", args=[resident_request.pk])
    return [Notification(user=user, key=f"{key}:{resident_request.pk}", title=title, body=resident_request.description[:200], url=url) for user in users]


def notify_people(users, *, resident_request: ResidentRequest, title: str, key: str) -> None:
    notification_send(notifications=notices_for(users, resident_request=resident_request, title=title, key=key))


def notify_escalations(counts: dict[int, int], *, target: str, stamp: dt.datetime) -> None:
    """One notification per person of the receiving level for the whole batch, not one per request.

    `counts` holds how many requests went to each place (community, street or district id) of the target level.
    """
    posts = {(PLACES[target][0], node, QUEUE_ROLES[target]): count for node, count in counts.items()}
    staff = staff_at(posts)
    people: dict[int, list] = {}
    for post, count in posts.items():
        for person in staff[post]:
            people.setdefault(person.pk, [person, 0])[1] += count
    url = reverse("request-board")
    notifications = [
        Notification(
            user=person,
            key=f"escalated-{target}:{stamp.timestamp():.6f}",
            title=_("%(count)d requests escalated to you") % {"count": count},
            url=url,
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
