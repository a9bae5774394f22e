"""Reads of requests through the caller's scope: queues, boards, the request page."""

import datetime as dt

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from governance.roles import Capability, Level
from governance.scope import get_in_scope_or_404, scope_for
from governance.selectors import place_lookups
from grids.models import Building
from resident_requests.lifecycle import OPEN, HandlingLevel, Stage, Status, TimelineAction, waiting_on
from resident_requests.models import Open311Partner, RequestPhoto, ResidentRequest, TimelineEntry

RELATED = ("category__parent", "grid", "building", "handler", "handler_unit", "partner")
# The handling level a role works at, from the level of the node it holds.
LEVEL_QUEUE = {
    Level.GRID: [HandlingLevel.GRID],
    Level.COMMUNITY: [HandlingLevel.COMMUNITY],
    Level.STREET: [HandlingLevel.STREET, HandlingLevel.ALLIANCE],
    Level.DISTRICT: [HandlingLevel.DISTRICT],
}


def request_list_for(user):
    """The caller's area, plus whatever is dispatched to the caller by name (a volunteer chosen by skill)."""
    scope = scope_for(user, Capability.VIEW_REQUESTS)
    mine = Q(handler_id=user.pk) if user.is_authenticated else Q(pk__in=[])
    if scope.unrestricted:
        return ResidentRequest.objects.select_related(*RELATED)
    if scope.is_empty:
        return ResidentRequest.objects.filter(mine).select_related(*RELATED)
    area = scope.q(ResidentRequest)
    # Requests handed to the caller outside their area are few and usually none: read first, they leave the area a
    # condition of its own, which PostgreSQL counts by the grids and pages by the order index (an OR it can only scan).
    outside = list(ResidentRequest.objects.filter(mine).exclude(area).values_list("pk", flat=True))
    return ResidentRequest.objects.filter(area | Q(pk__in=outside) if outside else area).select_related(*RELATED)


# What a request's row on a list page shows (templates/resident_requests/_row.html): the pages read only these columns.
ROW_FIELDS = (
    "stage_deadline", "description", "public_id", "status", "level",
    "category__name", "category__parent__name", "grid__name", "building__name", "handler__full_name", "handler__username",
)  # fmt: skip


def as_rows(requests):
    """The requests as list rows: a fifth of the columns (and of the ORM's work) of whole requests with their relations."""
    return requests.select_related(None).select_related("category__parent", "grid", "building", "handler").only(*ROW_FIELDS)


def request_get_for(user, pk: int):
    return get_in_scope_or_404(request_list_for(user).select_related("household", "grid__community"), pk=pk)


def my_queue(user):
    """What the user is handling, or could take at their own level, soonest deadline first."""
    scope = scope_for(user, Capability.HANDLE_REQUESTS)
    levels = [handling for level, ids in scope.node_ids.items() if ids for handling in LEVEL_QUEUE.get(level, [])]
    mine = Q(handler=user, status__in=[Status.DISPATCHED, Status.TAKEN, Status.IN_PROGRESS])
    # Not narrowed from request_list_for: what one handles, or may take in one's area, is all in what one may see, and
    # the badge on every page stays one COUNT.
    queue = ResidentRequest.objects.select_related(*RELATED).order_by("stage_deadline", "id")
    if scope.is_empty:
        return queue.filter(mine)
    open_to_take = Q(status=Status.DISPATCHED, handler__isnull=True, handler_unit__isnull=True, level__in=levels)
    return queue.filter(mine | (open_to_take & scope.q(ResidentRequest)))


def dispatch_board(user, *, status: str = "", category: int | None = None, street: int | None = None, community: int | None = None, grid: int | None = None):
    """For cadres: requests waiting for them at their levels (to accept, dispatch, verify, answer, follow up)."""
    scope = scope_for(user, Capability.DISPATCH_REQUESTS)
    levels = [handling for level, ids in scope.node_ids.items() if ids for handling in LEVEL_QUEUE.get(level, [])]
    waiting = Q(status__in=[Status.SUBMITTED, Status.HANDLED, Status.VERIFIED, Status.ANSWERED]) | Q(status=Status.ACCEPTED, level__in=levels)
    qs = request_list_for(user).filter(waiting & scope.q(ResidentRequest)).filter(**place_lookups(street=street, community=community, grid=grid))
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(Q(category_id=category) | Q(category__parent_id=category))
    return qs.order_by("stage_deadline", "id")


def overdue_for(user, now):
    return request_list_for(user).filter(status__in=OPEN, stage_deadline__lt=now).exclude(status=Status.LONG_TERM).order_by("stage_deadline")


def possible_duplicates(user, resident_request: ResidentRequest):
    """Same building and category, open, submitted in the last 7 days."""
    if resident_request.building_id is None:
        return ResidentRequest.objects.none()
    since = resident_request.created_at - dt.timedelta(days=7)
    return (
        request_list_for(user)
        .filter(building_id=resident_request.building_id, category_id=resident_request.category_id, status__in=OPEN, created_at__gte=since)
        .exclude(pk=resident_request.pk)
        .order_by("created_at")
    )


def request_by_tracking_code(code: str):
    return ResidentRequest.objects.select_related("category", "grid__community", "merged_into").filter(tracking_code=(code or "").strip().upper()).first()


# The resident's plain-language steps (已收到, 正在办理, 已办结, 请评价) and the step each status is at; 4 is all done.
PUBLIC_STEPS = [_("Received"), _("Being handled"), _("Handled and answered"), _("Please rate")]
PUBLIC_STEP_OF = {
    Status.SUBMITTED: 0,
    Status.ACCEPTED: 1,
    Status.DISPATCHED: 1,
    Status.TAKEN: 1,
    Status.IN_PROGRESS: 1,
    Status.HANDLED: 1,
    Status.VERIFIED: 1,
    Status.LONG_TERM: 1,
    Status.ANSWERED: 3,
    Status.CLOSED: 4,
}
PUBLIC_ENDINGS = {
    Status.REFUSED: _("Not accepted"),
    Status.MERGED: _("Merged with a report of the same problem, which is handled for both"),
    Status.WITHDRAWN: _("Withdrawn"),
}


def public_step(status: str) -> str:
    """One plain-language phrase for a status, as the resident and Open311 see it."""
    if status in PUBLIC_ENDINGS:
        return str(PUBLIC_ENDINGS[status])
    return str(PUBLIC_STEPS[min(PUBLIC_STEP_OF[status], len(PUBLIC_STEPS) - 1)])


def request_public_status(code: str) -> dict | None:
    """What the holder of a tracking code sees: the steps, the notes marked for the resident, the before and after photos.

    Never staff names, internal notes or another request's code; a merged request shows only the other one's step.
    """
    req = request_by_tracking_code(code)
    if req is None:
        return None
    at = PUBLIC_STEP_OF.get(req.merged_into.status if req.merged_into_id else req.status)
    steps = [(label, "done" if at is not None and index < at else "current" if index == at else "todo") for index, label in enumerate(PUBLIC_STEPS)]
    photos = list(req.photos.all())
    return {
        "req": req,
        "steps": steps,
        "ending": PUBLIC_ENDINGS.get(req.status),
        "notes": req.timeline.filter(public=True).exclude(note="").only("at", "note"),
        "before": [photo for photo in photos if photo.kind == RequestPhoto.Kind.REPORT],
        "after": [photo for photo in photos if photo.kind == RequestPhoto.Kind.RESULT],
    }


def patrol_report_counts(patrol_ids) -> dict[int, dict]:
    """What each patrol reported, and how much of it the worker handled on the spot (自行处置), in one query."""
    on_spot = TimelineEntry.objects.filter(request=OuterRef("pk"), action=TimelineAction.REPORT_HANDLED)
    rows = (
        ResidentRequest.objects.filter(patrol_id__in=patrol_ids)
        .values("patrol_id")
        .annotate(reported=Count("pk"), handled=Count("pk", filter=Q(Exists(on_spot))))
        .order_by()
    )
    return {row["patrol_id"]: row for row in rows}


# The columns of "where each overdue request is stuck", read with values() so that any number of rows is one query.
OVERDUE_COLUMNS = ("pk", "public_id", "category__name", "status", "stage", "level", "stage_deadline", "grid__name", "handler__full_name", "handler_unit__name")


def overdue_rows(rows, *, now) -> list[dict]:
    """Each overdue request with its status, stage, days overdue and who must act now, labelled for the reader."""
    return [
        {
            **row,
            "status_label": Status(row["status"]).label,
            "stage_label": Stage(row["stage"]).label if row["stage"] else "",
            "level_label": HandlingLevel(row["level"]).label,
            "days_overdue": (now - row["stage_deadline"]).days,
            "waiting_on": waiting_on(status=row["status"], level=row["level"], handler=row["handler__full_name"] or "", unit=row["handler_unit__name"] or ""),
        }
        for row in rows
    ]


def open311_partner_by_key(key: str) -> Open311Partner | None:
    """The active partner holding this key; an unknown, revoked or malformed key is None alike."""
    if not key or len(key) > 100:
        return None
    return Open311Partner.objects.filter(key_hash=Open311Partner.digest(key), active=True).prefetch_related("services").first()


ADDRESS_CANDIDATES = 10


def buildings_by_address(text: str) -> list[Building]:
    """Buildings matching an address as written: exactly, else those whose address contains it, else the longest addresses
    contained in it (幸福路12号3单元 finds 幸福路12号, not also 幸福路1号). At most ADDRESS_CANDIDATES, for a 400 naming them."""
    text = " ".join(text.split())
    if len(text) < 2:
        return []
    buildings = Building.objects.select_related("grid__community").exclude(address="").order_by("id")
    for found in (buildings.filter(address__iexact=text), buildings.filter(address__icontains=text)):
        candidates = list(found[:ADDRESS_CANDIDATES])
        if candidates:
            return candidates
    within = list(
        buildings.annotate(text=Value(text), length=Length("address")).filter(text__icontains=F("address")).order_by("-length", "id")[:ADDRESS_CANDIDATES]
    )
    return [building for building in within if len(building.address) == len(within[0].address)] if within else []


def open311_partner_origins() -> set[str]:
    """Every web origin some active partner's key asked for: where a browser may post from."""
    values = Open311Partner.objects.filter(active=True).exclude(cors_origins="").values_list("cors_origins", flat=True)
    return {line.strip().lower() for value in values for line in value.splitlines() if line.strip()}


def open311_requests():
    """Requests as Open311 lists them, with the place and the latest note marked for the resident, in one query a page."""
    public_note = TimelineEntry.objects.filter(request=OuterRef("pk"), public=True).exclude(note="").order_by("-at", "-id").values("note")[:1]
    return ResidentRequest.objects.select_related(
        "category", "grid__community", "grid__street", "grid__district", "building", "household", "handler_unit"
    ).annotate(public_note=Subquery(public_note))


def attribute_answers(resident_request: ResidentRequest) -> list[tuple[str, str]]:
    """The service's questions and the answers sent with the request, list keys shown by their names."""
    if not resident_request.attributes:
        return []
    answers = []
    for attribute in resident_request.category.attributes.all():
        given = resident_request.attributes.get(attribute.code)
        if given is None:
            continue
        names = dict(attribute.choices())
        values = given if isinstance(given, list) else [given]
        answers.append((attribute.description, "、".join(names.get(str(value), str(value)) for value in values)))
    return answers
