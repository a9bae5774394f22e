"""Reads of the duty list and incoming tasks in the caller's area, shared by the pages, their forms, the API and the dashboards."""

import datetime as dt

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from duties.lifecycle import TaskStatus
from duties.models import Department, Duty, DutyTemplate, IncomingTask
from duties.permissions import list_keeper_scope
from governance.models import City, Community, District, Street
from governance.roles import Capability, Level
from governance.scope import get_in_scope_or_404, scope_for


def community_list_for(user):
    """Communities whose duty list and tasks the user sees."""
    return Community.objects.visible_to(user, Capability.MANAGE_DUTIES).select_related("street").order_by("code")


def kept_community_list_for(user):
    """Communities whose duty list the user keeps (their street's, or all of the district's)."""
    scope = list_keeper_scope(user)
    return Community.objects.none() if scope.is_empty else Community.objects.filter(scope.q(Community)).order_by("code")


def department_list_for(user):
    """The departments of the user's district, as the register form offers them."""
    districts = Community.objects.visible_to(user, Capability.MANAGE_DUTIES).values("district_id")
    return Department.objects.filter(district__in=districts)


def template_list_for(user):
    districts = Community.objects.visible_to(user, Capability.MANAGE_DUTIES).values("district_id")
    return DutyTemplate.objects.filter(district__in=districts).select_related("department")


def duty_list_for(user):
    return Duty.objects.visible_to(user, Capability.MANAGE_DUTIES).select_related("community", "department")


def duty_get_for(user, pk):
    return get_in_scope_or_404(duty_list_for(user), pk=pk)


def task_list_for(user):
    return IncomingTask.objects.visible_to(user, Capability.MANAGE_DUTIES).select_related("community__street", "department", "duty", "registered_by")


def task_get_for(user, pk):
    return get_in_scope_or_404(task_list_for(user), pk=pk)


def approval_queue_for(user):
    """Tasks off the list awaiting the street, oldest first: the street decides them, the community follows them."""
    return task_list_for(user).filter(status=TaskStatus.PENDING).order_by("registered_at", "id")


# The figures of a node's tasks: each a count out of the tasks registered in the period.
FIGURES = [
    ("on_list", _("On the list, admitted"), Q(status=TaskStatus.ADMITTED)),
    ("off_list", _("Off the list"), ~Q(status=TaskStatus.ADMITTED)),
    ("approved", _("Off the list, approved by the street"), Q(status=TaskStatus.APPROVED)),
    ("refused", _("Refused, not taken on"), Q(status=TaskStatus.REFUSED)),
    ("pending", _("Awaiting the street"), Q(status=TaskStatus.PENDING)),
]
DENOMINATOR = _("tasks registered in the period")
THROUGH = {Level.CITY: "community__district__city", Level.DISTRICT: "community__district", Level.STREET: "community__street", Level.COMMUNITY: "community"}
# The level below each node in the figures, and how a task reaches it.
CHILD = {
    Level.CITY: ("community__district", "community__district__name"),
    Level.DISTRICT: ("community__street", "community__street__name"),
    Level.STREET: ("community", "community__name"),
}


def _counts() -> dict:
    return {"total": Count("pk"), **{key: Count("pk", filter=q) for key, _label, q in FIGURES}}


def task_figures(node, *, since: dt.datetime, until: dt.datetime) -> dict:
    """The node's incoming-task figures, computed in the database: one aggregate, one grouped query for the level below.

    Rows are (key, label, numerator, denominator, denominator_label, rate); `children` count the same per street of a
    district or per community of a street.
    """
    if node.LEVEL not in THROUGH:
        return {"rows": [], "children": []}
    tasks = IncomingTask.objects.filter(**{THROUGH[node.LEVEL]: node.pk}, registered_at__gte=since, registered_at__lt=until)
    counts = tasks.aggregate(**_counts())
    rows = [
        {
            "key": key,
            "label": str(label),
            "numerator": counts[key],
            "denominator": counts["total"],
            "denominator_label": str(DENOMINATOR),
            "rate": round(100 * counts[key] / counts["total"], 1) if counts["total"] else None,
        }
        for key, label, _q in FIGURES
    ]
    children = []
    if node.LEVEL in CHILD:
        key, name = CHILD[node.LEVEL]
        children = [{"id": row.pop(key), "name": row.pop(name), **row} for row in tasks.values(key, name).annotate(**_counts()).order_by(name)]
    return {"rows": rows, "children": children}


def duty_rows(figures: dict, *, node) -> list[tuple]:
    """The figures as table rows: the node's own counts first, then each unit below (the workbook's sheet)."""
    own = {row["key"]: row["numerator"] for row in figures["rows"]}
    total = figures["rows"][0]["denominator"] if figures["rows"] else 0
    keys = ["on_list", "off_list", "approved", "refused", "pending"]
    return [(node.name, total, *(own.get(key, 0) for key in keys)), *((r["name"], r["total"], *(r[key] for key in keys)) for r in figures["children"])]


def department_district_for(user):
    """The district whose departments the user keeps, or None."""
    scope = list_keeper_scope(user)
    districts = District.objects.all() if scope.unrestricted else District.objects.filter(pk__in=scope.node_ids.get(Level.DISTRICT, ()))
    return districts.order_by("code").first()


NODE_MODELS = {Level.CITY: City, Level.DISTRICT: District, Level.STREET: Street, Level.COMMUNITY: Community}


def overview_node_for(user):
    """The highest node where the user keeps or reads duties: their city, district, street or community; None without any."""
    scope = scope_for(user, Capability.MANAGE_DUTIES)
    if scope.unrestricted:
        return District.objects.order_by("code").first()
    level = scope.top_level()
    if level not in NODE_MODELS:
        return None
    return NODE_MODELS[level].objects.filter(pk__in=scope.node_ids[level]).order_by("code").first()


def department_get_for(user, pk):
    return get_in_scope_or_404(department_list_for(user), pk=pk)
