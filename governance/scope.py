"""The scope rule, in one place: a role at a node sees that node's subtree and nothing else.

Every scoped model declares SCOPE_PATHS: for each level, the lookups that give the id of the model's
ancestor (or itself) at that level. A user's scope is the set of nodes where they hold a role, so the
filter is one OR of indexed `<lookup> IN (...)` predicates, never a walk of the tree per row. A role at a
city adds the city's districts to the scope, so DISTRICT paths cover every row below a city.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404

from governance.roles import LEVEL_DEPTH, ROLE_CAPABILITIES, Capability, Level

# Read once: an enum's `values` rebuilds its list on every access, and scope_for runs dozens of times per page.
LEVELS = tuple(Level.values)
# Where the city's id sits among a membership's node ids (LEVELS order).
CITY_INDEX = LEVELS.index(Level.CITY)


@dataclass(frozen=True)
class Scope:
    unrestricted: bool = False
    node_ids: dict[str, frozenset[int]] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.unrestricted and not any(self.node_ids.values())

    def q(self, model) -> Q:
        """The predicate selecting the rows of `model` inside this scope."""
        if self.unrestricted:
            return Q()
        predicate = Q(pk__in=[])
        for level, lookups in model.SCOPE_PATHS.items():
            ids = self.node_ids.get(level)
            if not ids:
                continue
            for lookup in lookups:
                predicate |= Q(**{f"{lookup}__in": sorted(ids)})
        return predicate

    def contains(self, ancestry: dict[str, int | None]) -> bool:
        """True when a node with this ancestry (level -> id) lies in the scope."""
        if self.unrestricted:
            return True
        return any(ancestry.get(level) in self.node_ids.get(level, ()) for level in LEVELS)

    def top_level(self) -> str | None:
        levels = [level for level in LEVELS if self.node_ids.get(level)]
        return min(levels, key=lambda lvl: LEVEL_DEPTH[lvl]) if levels else None


def memberships_of(user) -> list[tuple]:
    """(role, extra capabilities, node id per level) of each of the user's roles, read once per request and cached on the user.

    A role at a city also carries the city's districts (one more query, only for those who hold one): every model's DISTRICT
    scope paths then cover the city, so no model needs a path of its own through the city.
    """
    if user is None or not user.is_authenticated:
        return []
    memberships = getattr(user, "_memberships_cache", None)
    if memberships is not None:
        return memberships
    memberships = list(user.memberships.values_list("role", "extra_capabilities", *(f"{level}_id" for level in LEVELS)))
    city_ids = {node_ids[CITY_INDEX] for _role, _extra, *node_ids in memberships if node_ids[CITY_INDEX] is not None}
    districts: dict[int, set[int]] = {city_id: set() for city_id in city_ids}
    if city_ids:
        # The model is looked up at run time: governance.models builds its managers from this module.
        for city_id, district_id in apps.get_model("governance", "District").objects.filter(city_id__in=city_ids).values_list("city_id", "pk"):
            districts[city_id].add(district_id)
    user._city_districts_cache = {city_id: frozenset(ids) for city_id, ids in districts.items()}
    user._scopes_cache = {}
    user._memberships_cache = memberships
    return memberships


def city_districts(user, city_id: int) -> frozenset[int]:
    """The districts of a city where `user` holds a role (from the cache memberships_of fills)."""
    memberships_of(user)
    return getattr(user, "_city_districts_cache", {}).get(city_id, frozenset())


def scope_for(user, capability: str | None = None) -> Scope:
    """The nodes where `user` holds a role granting `capability` (any role when None); a city brings its districts along.

    Memberships are read once per request and cached on the user object, and so is each capability's scope.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(unrestricted=True)
    memberships = memberships_of(user)
    scopes = user._scopes_cache
    if capability not in scopes:
        scopes[capability] = _scope_of(user, memberships, capability)
    return scopes[capability]


def _scope_of(user, memberships: list[tuple], capability: str | None) -> Scope:
    collected: dict[str, set[int]] = {level: set() for level in LEVELS}
    for role, extra, *node_ids in memberships:
        if capability is None or capability in ROLE_CAPABILITIES.get(role, ()) or capability in extra:
            for level, node_id in zip(LEVELS, node_ids, strict=True):
                if node_id is not None:
                    collected[level].add(node_id)
            if node_ids[CITY_INDEX] is not None:
                collected[Level.DISTRICT] |= city_districts(user, node_ids[CITY_INDEX])
    return Scope(node_ids={level: frozenset(ids) for level, ids in collected.items() if ids})


def capabilities_of(user) -> set[str]:
    """The capabilities the user holds anywhere (every one for a superuser): what scope_for would find non-empty."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return set(Capability.values)
    held: set[str] = set()
    for role, extra, *_node_ids in memberships_of(user):
        held |= set(ROLE_CAPABILITIES.get(role, ())) | set(extra)
    return held


def roles_of(user) -> set[str]:
    """The roles the user holds anywhere, from the memberships read once for this request."""
    return {role for role, *_rest in memberships_of(user)}


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user, capability: str | None = None):
        scope = scope_for(user, capability)
        if scope.is_empty:
            return self.none()
        return self.filter(scope.q(self.model))


def get_in_scope_or_404(queryset, **lookups):
    """Missing and out-of-scope rows answer the same 404; so does an id that is not an id at all ("abc", "1.5")."""
    try:
        return queryset.get(**lookups)
    except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc
