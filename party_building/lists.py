"""三张清单: the resource list, the demand list and the project list that matches them."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from governance.audit import audit_record
from governance.models import AuditEntry
from party_building.models import DemandItem, Project, ResourceItem
from party_building.permissions import can_keep_lists


def _require(actor, ancestry) -> None:
    if not can_keep_lists(actor, ancestry):
        raise PermissionDenied(_("Only the community's cadres can do this."))


@transaction.atomic
def resource_add(*, actor, unit, category: str, description: str) -> ResourceItem:
    _require(actor, unit.ancestry())
    item = ResourceItem(unit=unit, category=category, description=description.strip())
    item.full_clean()
    item.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=item, changes={"description": [None, item.description]})
    return item


@transaction.atomic
def demand_add(*, actor, community, category: str, description: str) -> DemandItem:
    _require(actor, community.ancestry())
    item = DemandItem(community=community, category=category, description=description.strip())
    item.full_clean()
    item.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=item, changes={"description": [None, item.description]})
    return item


def match_suggestions(demands) -> dict[int, list[ResourceItem]]:
    """For each open demand, resources of the same category in its street, the community's own units
    first; one query for all the demands shown."""
    demands = [demand for demand in demands if not hasattr(demand, "project")]
    streets = {demand.community.street_id for demand in demands}
    resources = list(ResourceItem.objects.filter(unit__community__street_id__in=streets).select_related("unit__community").order_by("id"))
    suggestions = {}
    for demand in demands:
        matching = [r for r in resources if r.category == demand.category and r.unit.community.street_id == demand.community.street_id]
        suggestions[demand.pk] = sorted(matching, key=lambda r: r.unit.community_id != demand.community_id)[:10]
    return suggestions


@transaction.atomic
def project_create(*, actor, demand: DemandItem, resource: ResourceItem, owner: str, plan: str) -> Project:
    _require(actor, demand.ancestry())
    if hasattr(demand, "project"):
        raise ValidationError(_("This demand already has a project."))
    if resource.unit.community.street_id != demand.community.street_id:
        raise ValidationError(_("Match resources of the same street."))
    if not owner.strip() or len(plan.strip()) < 2:
        raise ValidationError(_("Give the project an owner and a plan."))
    project = Project.objects.create(community=demand.community, demand=demand, resource=resource, owner=owner.strip()[:50], plan=plan.strip())
    audit_record(
        actor=actor, action=AuditEntry.Action.CREATE, instance=project, changes={"demand": [None, demand.description], "resource": [None, resource.description]}
    )
    return project


@transaction.atomic
def project_update(*, actor, project: Project, status: str, result: str = "") -> Project:
    _require(actor, project.ancestry())
    if status not in Project.Status.values:
        raise ValidationError(_("Unknown status."))
    if status == Project.Status.DONE and len(result.strip()) < 2:
        raise ValidationError({"result": _("Say what the project achieved.")})
    before = project.status
    Project.objects.filter(pk=project.pk).update(status=status, result=result.strip())
    project.refresh_from_db()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=project, changes={"status": [before, status]})
    return project
