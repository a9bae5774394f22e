"""Reads of the hierarchy and of people, always through the caller's scope."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q

from governance.models import AuditEntry, City, Community, District, Membership, PersonalDataLog, ResidentUnit, Street, User
from governance.permissions import phone_shown
from governance.roles import Capability, Level
from governance.scope import get_in_scope_or_404, scope_for
from grids.models import Building, CentralHousehold, Grid

NODE_MODELS = {Level.CITY: City, Level.DISTRICT: District, Level.STREET: Street, Level.COMMUNITY: Community, Level.GRID: Grid, Level.BUILDING: Building}

# Children of each level, with the counts shown beside each child (all computed in the database).
CHILD_LEVEL = {Level.CITY: Level.DISTRICT, Level.DISTRICT: Level.STREET, Level.STREET: Level.COMMUNITY, Level.COMMUNITY: Level.GRID, Level.GRID: Level.BUILDING}
CHILD_COUNTS = {
    Level.DISTRICT: {"street_count": Count("streets", distinct=True), "community_count": Count("communities", distinct=True)},
    Level.STREET: {"community_count": Count("communities", distinct=True), "grid_count": Count("grids", distinct=True)},
    Level.COMMUNITY: {"grid_count": Count("grids", distinct=True), "unit_count": Count("resident_units", distinct=True)},
    Level.GRID: {"building_count": Count("buildings", distinct=True)},
    Level.BUILDING: {"central_household_count": Count("central_households", distinct=True)},
}
# Each node comes with its chain of parents up to the city (the breadcrumbs walk it without a query) and its own
# ancestor columns (pages name them).
NODE_RELATED = {
    Level.CITY: [],
    Level.DISTRICT: ["city"],
    Level.STREET: ["district__city"],
    Level.COMMUNITY: ["street__district__city", "district"],
    Level.GRID: ["community__street__district__city", "street", "district"],
    Level.BUILDING: ["grid__community__street__district__city", "grid__street", "grid__district"],
}


def node_list_for(user, level: str, capability: str | None = None):
    return NODE_MODELS[level].objects.visible_to(user, capability).select_related(*NODE_RELATED[level])


def place_lookups(*, street: int | None = None, community: int | None = None, grid: int | None = None) -> dict:
    """The filter narrowing rows with a grid foreign key to the chosen street, community or grid (governance.forms.PlaceFilterForm)."""
    lookups = {"grid__street_id": street, "grid__community_id": community, "grid_id": grid}
    return {lookup: value for lookup, value in lookups.items() if value}


def node_get_for(user, level: str, pk: int, capability: str | None = None):
    return get_in_scope_or_404(node_list_for(user, level, capability), pk=pk)


def figures_node_get_for(user, level: str, pk: int):
    """A node whose pages of figures (dashboard, coverage, situation map, request figures) the user may read, else 404."""
    return node_get_for(user, level, pk, Capability.VIEW_FIGURES)


def child_list_for(user, node):
    """The node's children inside the caller's scope, each annotated with its own counts."""
    child_level = CHILD_LEVEL.get(node.LEVEL)
    if child_level is None:
        return None
    model = NODE_MODELS[child_level]
    return model.objects.visible_to(user).filter(**{model.PARENT_FIELD: node}).annotate(**CHILD_COUNTS[child_level]).order_by(*model._meta.ordering)


def ancestor_list_for(user, node, capability: str | None = None) -> list[tuple[str, object]]:
    """The node and its ancestors, top down, that the user may see (with `capability`); nodes above their scope are left out.

    The ancestors come from the node's select_related columns (node_list_for), so this makes no query.
    """
    chain = []
    current = node
    while current is not None:
        chain.append(current)
        current = getattr(current, current.PARENT_FIELD) if current.PARENT_FIELD else None
    scope = scope_for(user, capability)
    return [(item.LEVEL, item) for item in reversed(chain) if scope.contains(item.ancestry())]


def top_nodes_for(user, capability: str | None = None):
    """Where the hierarchy browser (or a page needing `capability`) starts: the highest nodes the user holds a role at."""
    scope = scope_for(user, capability)
    if scope.unrestricted:
        # A platform whose districts all belong to cities starts at the cities; a district on its own keeps it at districts.
        if City.objects.exists() and not District.objects.filter(city__isnull=True).exists():
            return Level.CITY, City.objects.all()
        return Level.DISTRICT, District.objects.all()
    level = scope.top_level()
    if level is None:
        return None, District.objects.none()
    return level, node_list_for(user, level, capability).filter(pk__in=scope.node_ids[level])


def _descendant_lookup(model, level: str) -> str | None:
    """The lookup giving the id of a `model` row's ancestor at `level`; below a district it goes through the district's city."""
    lookups = model.SCOPE_PATHS.get(level)
    if lookups:
        return lookups[0]
    if level == Level.CITY and Level.DISTRICT in model.SCOPE_PATHS:
        # Nothing below a district stores its city: one join to the district reads it.
        return model.SCOPE_PATHS[Level.DISTRICT][0].removesuffix("_id") + "__city_id"
    return None


def node_counts(node) -> dict:
    """Counts of each kind of descendant, one COUNT each whatever the size of the subtree (a city's through its districts)."""
    counts = {}
    for key, model in (
        ("districts", District),
        ("streets", Street),
        ("communities", Community),
        ("grids", Grid),
        ("buildings", Building),
        ("central_households", CentralHousehold),
    ):
        lookup = _descendant_lookup(model, node.LEVEL)
        if lookup and lookup != "id":
            counts[key] = model.objects.filter(**{lookup: node.pk}).count()
    return counts


def holders_at(user, node) -> list[Membership]:
    """Everyone holding a role at exactly this node (not below it), each pointing at the node already loaded and with
    `phone_shown`: masked unless `user` manages people here."""
    holders = list(Membership.objects.filter(**{node.LEVEL: node}).select_related("user").order_by("role", "user__username"))
    ancestry = node.ancestry()
    for membership in holders:
        setattr(membership, node.LEVEL, node)
        membership.phone_shown = phone_shown(user, membership.user.phone or "", ancestry)
    return holders


def membership_list_for(user):
    return Membership.objects.visible_to(user).select_related("user", "city", "district", "street", "community", "grid", "building")


def membership_get_for(user, pk: int):
    return get_in_scope_or_404(membership_list_for(user), pk=pk)


def user_list_for(user):
    """Accounts holding at least one role inside the caller's scope."""
    if user.is_superuser:
        return User.objects.all()
    return User.objects.filter(pk__in=Membership.objects.visible_to(user).values("user_id"))


def user_get_for(user, pk: int):
    return get_in_scope_or_404(user_list_for(user), pk=pk)


def user_find_for(user, identifier: str):
    """An active account holding a role in the caller's scope, by username or mobile number, or None.

    Accounts elsewhere answer None like missing ones, so that the grant form cannot tell whether someone has an account in the district.
    """
    return user_list_for(user).filter(Q(username=identifier) | Q(phone=identifier), is_active=True, is_superuser=False).first()


def resident_unit_list_for(user):
    return ResidentUnit.objects.visible_to(user).select_related("community")


def audit_list_for(user):
    return AuditEntry.objects.visible_to(user, Capability.VIEW_AUDIT).select_related("actor", "content_type")


def central_household_list_for(user):
    return CentralHousehold.objects.visible_to(user).select_related("building")


def record_history_for(user, record, related=()):
    """The audit trail of one record and its related records (e.g. a household and its members)."""
    query = Q(content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk))
    if related:
        query |= Q(content_type=ContentType.objects.get_for_model(related[0]), object_id__in=[str(item.pk) for item in related])
    return AuditEntry.objects.visible_to(user, Capability.VIEW_LEDGER).filter(query).select_related("actor", "content_type")


def access_log_for(user):
    """Reveals and exports of personal data, for those who audit them (the district organization department)."""
    return PersonalDataLog.objects.visible_to(user, Capability.VIEW_ACCESS_LOG).select_related("user", "content_type")


def membership_list_of(user: User) -> list[Membership]:
    """Every role a person holds, with its place: what deciding over that person (reset, revoke) must weigh."""
    return list(user.memberships.select_related("city", "district", "street", "community", "grid", "building__grid"))
