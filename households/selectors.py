"""Reads of the ledger, always through the caller's scope; sensitive data filtered by capability."""

import datetime as dt

from django.db.models import Count, Exists, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from governance.roles import Capability, Level
from governance.scope import get_in_scope_or_404, scope_for
from governance.selectors import place_lookups
from households.models import CareTag, Household, Resident, Visit


def household_list_for(user, *, include_archived: bool = False):
    qs = Household.objects.visible_to(user, Capability.VIEW_LEDGER).select_related("building", "grid", "head")
    if not include_archived:
        qs = qs.filter(status=Household.Status.ACTIVE)
    return qs.prefetch_related(Prefetch("tags", queryset=CareTag.objects.order_by("sort_order")))


def household_search(
    user,
    *,
    q: str = "",
    tag: str = "",
    building: int | None = None,
    street: int | None = None,
    community: int | None = None,
    grid: int | None = None,
    include_archived: bool = False,
):
    """Search by place, name, phone tail, address or tag; every filter is an indexed predicate on the scoped set.

    A sensitive tag selects only households where the user may see sensitive data: elsewhere the list would say who has it.
    Pages, API and export all search here.
    """
    qs = household_list_for(user, include_archived=include_archived).filter(**place_lookups(street=street, community=community, grid=grid))
    if building:
        qs = qs.filter(building_id=building)
    if tag:
        tagged = Q(tag_links__tag__code=tag) | Q(residents__tag_links__tag__code=tag, residents__moved_out_on__isnull=True)
        qs = qs.filter(pk__in=Household.objects.filter(tagged).values("pk"))
        sensitive = scope_for(user, Capability.VIEW_SENSITIVE)
        if not sensitive.unrestricted:
            qs = qs.filter(sensitive.q(Household) | Exists(CareTag.objects.filter(code=tag, sensitive=False)))
    q = (q or "").strip()
    if q:
        # A street, community or grid looks only through its own residents; for a whole district the join would cost
        # more than it saves (the outer query keeps to the user's area either way).
        scope = scope_for(user, Capability.VIEW_LEDGER)
        residents = (
            Resident.objects.all() if scope.unrestricted or scope.node_ids.get(Level.DISTRICT) else Resident.objects.visible_to(user, Capability.VIEW_LEDGER)
        )
        if q.isdigit() and len(q) == 4:
            match = Q(phone_masked__endswith=q) | Q(pk__in=residents.filter(phone_masked__endswith=q).values("household_id"))
        else:
            unit_room = q.split("-", 1)
            if len(unit_room) == 2 and unit_room[0].isdecimal():
                at_room = Household.objects.filter(unit=int(unit_room[0]), room=unit_room[1])
            else:
                at_room = Household.objects.filter(room=q)
            in_building = Household.objects.filter(building__name__contains=q)
            # Each way of matching is its own indexed lookup and their union picks the households: an OR across the
            # joined tables would test every household of the area. Without order_by() each arm would sort for nothing.
            match = Q(
                pk__in=residents.name_contains(q).order_by().values("household_id").union(in_building.order_by().values("pk"), at_room.order_by().values("pk"))
            )
        qs = qs.filter(match)
    return qs.order_by("building_id", "unit", "floor", "room")


def household_get_for(user, pk: int, *, capability: str = Capability.VIEW_LEDGER):
    return get_in_scope_or_404(Household.objects.visible_to(user, capability).select_related("building", "grid__community", "head"), pk=pk)


def household_visible(user, pk: int) -> bool:
    return Household.objects.visible_to(user, Capability.VIEW_LEDGER).filter(pk=pk).exists()


def household_by_token(token: str):
    return Household.objects.select_related("building", "grid__community").filter(public_token=token, status=Household.Status.ACTIVE).first()


def resident_get_for(user, pk: int, *, capability: str = Capability.VIEW_LEDGER):
    return get_in_scope_or_404(Resident.objects.visible_to(user, capability).select_related("household__grid", "household__building"), pk=pk)


def members_of(household):
    return (
        household.residents.filter(moved_out_on__isnull=True).prefetch_related(Prefetch("tags", queryset=CareTag.objects.order_by("sort_order"))).order_by("id")
    )


def visit_get_for(user, pk: int):
    return get_in_scope_or_404(Visit.objects.visible_to(user, Capability.VIEW_LEDGER), pk=pk)


VISIT_ROW_FIELDS = (
    "household_id", "grid_id", "visited_at", "method", "met_person", "findings", "needs", "needs_review", "photo",
    "visitor__full_name", "visitor__username", "request__public_id",
)  # fmt: skip


def visits_of(user, household):
    """The household's visits, for those who see its ledger: a request's handler without it (a volunteer) sees none."""
    return (
        Visit.objects.visible_to(user, Capability.VIEW_LEDGER)
        .filter(household=household)
        .select_related("visitor", "request")
        # What the visit list shows: of the request only its number, of the visitor only the name (a whole request is 40 columns).
        .only(*VISIT_ROW_FIELDS)
        .order_by("-visited_at", "-id")
    )


def building_households(user, building):
    """A building's active households floor by floor (top floor first), with their and their members' tags."""
    member_tags = Prefetch("residents", queryset=Resident.objects.filter(moved_out_on__isnull=True).prefetch_related("tags").only("id", "household_id", "name"))
    return (
        household_list_for(user)
        .filter(building=building)
        .prefetch_related(member_tags)
        .annotate(member_count=Count("residents", filter=Q(residents__moved_out_on__isnull=True)))
        .order_by("-floor", "unit", "room")
    )


def visible_tags(user, ancestry: dict, tags) -> list[CareTag]:
    """Sensitive tags only for those who may see sensitive data at this place."""
    if scope_for(user, Capability.VIEW_SENSITIVE).contains(ancestry):
        return list(tags)
    return [tag for tag in tags if not tag.sensitive]


def visits_due_for(user, *, grid: int | None = None, today: dt.date | None = None):
    """Households whose visit is due today or overdue, in the user's editing scope, most overdue first."""
    today = today or timezone.localdate()
    qs = Household.objects.visible_to(user, Capability.EDIT_LEDGER).filter(status=Household.Status.ACTIVE, next_visit_due__lte=today)
    if grid:
        qs = qs.filter(grid_id=grid)
    return qs.select_related("building", "grid").order_by("next_visit_due", "building_id", "unit", "room")


def visits_to_review_for(user):
    """Visits that arrived after their household was archived (a phone that was offline), for the community to review."""
    return (
        Visit.objects.visible_to(user, Capability.EDIT_LEDGER).filter(needs_review=True).select_related("household__building", "visitor").order_by("visited_at")
    )


# What each coverage figure is called where people read it (pages, exports).
COVERAGE_LABELS = {
    "registered": gettext_lazy("Households registered"),
    "visited_30": gettext_lazy("Visited in 30 days"),
    "visited_90": gettext_lazy("Visited in 90 days"),
    "key_care_total": gettext_lazy("Key-care households"),
    "key_care_on_time": gettext_lazy("Key-care visited in time"),
    "due": gettext_lazy("Visits due"),
}


def _coverage_figures(today: dt.date | None) -> dict:
    now = timezone.now()
    today = today or timezone.localdate()
    active = Q(status=Household.Status.ACTIVE)
    return {
        "registered": Count("pk", filter=active),
        "visited_30": Count("pk", filter=active & Q(last_visited_at__gte=now - dt.timedelta(days=30))),
        "visited_90": Count("pk", filter=active & Q(last_visited_at__gte=now - dt.timedelta(days=90))),
        "key_care_total": Count("pk", filter=active & Q(key_care=True)),
        "key_care_on_time": Count("pk", filter=active & Q(key_care=True, next_visit_due__gte=today)),
        "due": Count("pk", filter=active & Q(next_visit_due__lte=today)),
    }


def coverage(queryset, *, today: dt.date | None = None) -> dict:
    """Coverage of a set of households in one aggregate query ("一户不落")."""
    return queryset.aggregate(**_coverage_figures(today))


def coverage_by(queryset, *fields: str, today: dt.date | None = None):
    """The same figures grouped by a child (its id and name), still one query."""
    return queryset.values(*fields).annotate(**_coverage_figures(today)).order_by(*fields)
