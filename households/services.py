"""Writes to the household ledger. Each service checks the actor's right at the household's place,
validates, writes, and records history in the same transaction."""

import datetime as dt
import functools

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.files import storage_failed, written_files_remove
from core.idcard import parse_id_number
from core.images import image_clean
from core.params import datetimes_in_range
from core.personal_data import ID_NUMBER_FIELDS, PHONE_FIELDS, id_number_fields, keyed_hash, phone_fields
from governance.audit import SENSITIVE_MARK, audit_record, audit_time, diff, snapshot
from governance.models import AuditEntry
from governance.services import id_conflicts_log
from governance.validators import normalize_mobile
from households.models import CareTag, Household, HouseholdTag, Resident, ResidentTag, Visit
from households.permissions import can_edit, can_see_sensitive
from households.selectors import household_visible

DEFAULT_CADENCE_DAYS = 90

HOUSEHOLD_FIELDS = ("unit", "floor", "room", "tenure", "residence", "registered_address", "is_party_household", "living_situation", "moved_in_on")
RESIDENT_FIELDS = ("name", "sex", "birth_date", "relation", "employment", "work_unit", "is_party_member", "party_branch", "special_situation")


def _require_edit(actor, ancestry: dict) -> None:
    if not can_edit(actor, ancestry):
        raise PermissionDenied(_("Your role does not allow changing this household."))


def _set_phone(obj, phone: str | None) -> None:
    try:
        number = normalize_mobile(phone) if phone else ""
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    for name, value in phone_fields(number).items():
        setattr(obj, name, value)


def _save_with_history(*, actor, instance, before: dict, creating: bool, fields: list[str] | None = None) -> None:
    instance.full_clean(exclude=["grid", "household", "building"] if not creating else None, validate_constraints=True)
    if creating:
        instance.save()
    else:
        instance.save(update_fields=[*fields, "updated_at"])
    changes = diff(before, snapshot(instance))
    if creating or changes:
        audit_record(actor=actor, action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE, instance=instance, changes=changes)


def care_refresh(household: Household, *, save: bool = True) -> Household:
    """Recompute key-care flag, cadence and next due date from the household's and members' tags."""
    cadence = None
    if household.pk is not None:
        cadence = (
            CareTag.objects.filter(active=True, key_care=True)
            .filter(Q(households=household) | Q(residents__household=household, residents__moved_out_on__isnull=True))
            .aggregate(days=Min("visit_cadence_days"))["days"]
        )
    household.key_care = cadence is not None
    household.visit_cadence_days = cadence or DEFAULT_CADENCE_DAYS
    start = household.last_visited_at.date() if household.last_visited_at else (household.moved_in_on or timezone.localdate())
    household.next_visit_due = start + dt.timedelta(days=household.visit_cadence_days) if household.last_visited_at else start
    if save:
        Household.objects.filter(pk=household.pk).update(
            key_care=household.key_care, visit_cadence_days=household.visit_cadence_days, next_visit_due=household.next_visit_due
        )
    return household


@transaction.atomic
def household_create(*, actor, building, phone: str = "", tags=(), **fields) -> Household:
    household = Household(building=building, grid_id=building.grid_id, **{k: v for k, v in fields.items() if k in HOUSEHOLD_FIELDS})
    _require_edit(actor, household.ancestry())
    _set_phone(household, phone)
    care_refresh(household, save=False)
    _save_with_history(actor=actor, instance=household, before={}, creating=True)
    if tags:
        household_set_tags(actor=actor, household=household, tags=tags)
    return household


@transaction.atomic
def household_update(*, actor, household: Household, phone: str | None = None, **fields) -> Household:
    household = Household.objects.select_for_update().select_related("grid").get(pk=household.pk)
    _require_edit(actor, household.ancestry())
    if household.status == Household.Status.ARCHIVED:
        raise ValidationError(_("This household has moved out; its record is archived and read-only."))
    before = snapshot(household)
    changed = [name for name in HOUSEHOLD_FIELDS if name in fields and getattr(household, name) != fields[name]]
    for name in changed:
        setattr(household, name, fields[name])
    if phone is not None:
        _set_phone(household, phone)
        changed += PHONE_FIELDS
    _save_with_history(actor=actor, instance=household, before=before, creating=False, fields=changed)
    return household


@transaction.atomic
def household_set_head(*, actor, household: Household, resident: Resident) -> None:
    _require_edit(actor, household.ancestry())
    if resident.household_id != household.pk:
        raise ValidationError(_("The head must be a member of the household."))
    before = snapshot(household)
    household.head = resident
    household.save(update_fields=["head", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=household, changes=diff(before, snapshot(household)))


@transaction.atomic
def household_archive(*, actor, household: Household, moved_out_on: dt.date) -> Household:
    """A household that moves out is archived with its members and history, never deleted."""
    household = Household.objects.select_for_update().select_related("grid").get(pk=household.pk)
    _require_edit(actor, household.ancestry())
    if household.status == Household.Status.ARCHIVED:
        return household
    if moved_out_on > timezone.localdate():
        raise ValidationError({"moved_out_on": _("The moving-out date cannot be in the future.")})
    before = snapshot(household)
    household.status = Household.Status.ARCHIVED
    household.moved_out_on = moved_out_on
    household.save(update_fields=["status", "moved_out_on", "updated_at"])
    household.residents.filter(moved_out_on__isnull=True).update(moved_out_on=moved_out_on)
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=household, changes=diff(before, snapshot(household)))
    return household


def _tag_codes(tags) -> list[CareTag]:
    return list(tags) if tags and isinstance(next(iter(tags)), CareTag) else list(CareTag.objects.filter(code__in=list(tags or []), active=True))


@transaction.atomic
def household_set_tags(*, actor, household: Household, tags) -> None:
    _require_edit(actor, household.ancestry())
    _set_tags(
        actor=actor,
        owner=household,
        link_model=HouseholdTag,
        owner_field="household",
        tags=_tag_codes(tags),
        applies={CareTag.AppliesTo.HOUSEHOLD, CareTag.AppliesTo.BOTH},
    )
    care_refresh(household)


@transaction.atomic
def resident_set_tags(*, actor, resident: Resident, tags) -> None:
    _require_edit(actor, resident.ancestry())
    _set_tags(
        actor=actor,
        owner=resident,
        link_model=ResidentTag,
        owner_field="resident",
        tags=_tag_codes(tags),
        applies={CareTag.AppliesTo.RESIDENT, CareTag.AppliesTo.BOTH},
    )
    care_refresh(resident.household)


def _set_tags(*, actor, owner, link_model, owner_field: str, tags: list[CareTag], applies: set[str]) -> None:
    """Replace the owner's tags. Sensitive tags the actor may not see are kept untouched, never dropped."""
    wrong = [tag.name for tag in tags if tag.applies_to not in applies]
    if wrong:
        raise ValidationError({"tags": _("These tags do not apply here: %(tags)s") % {"tags": "、".join(wrong)}})
    sensitive_ok = can_see_sensitive(actor, owner.ancestry())
    if not sensitive_ok and any(tag.sensitive for tag in tags):
        raise PermissionDenied(_("Your role does not allow setting sensitive tags."))
    current = {link.tag_id: link for link in link_model.objects.filter(**{owner_field: owner}).select_related("tag")}
    wanted = {tag.pk for tag in tags}
    removed = [link for tag_id, link in current.items() if tag_id not in wanted and (sensitive_ok or not link.tag.sensitive)]
    added = [tag for tag in tags if tag.pk not in current]
    link_model.objects.filter(pk__in=[link.pk for link in removed]).delete()
    link_model.objects.bulk_create([link_model(**{owner_field: owner}, tag=tag, added_by=actor) for tag in added])
    changes = {}
    plain_removed = sorted(link.tag.name for link in removed if not link.tag.sensitive)
    plain_added = sorted(tag.name for tag in added if not tag.sensitive)
    if plain_removed or plain_added:
        changes["tags"] = [plain_removed, plain_added]
    # Sensitive tag names never enter the history: it is read more widely than the tags themselves.
    if any(link.tag.sensitive for link in removed) or any(tag.sensitive for tag in added):
        changes["sensitive_tags"] = [SENSITIVE_MARK, SENSITIVE_MARK]
    if changes:
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=owner, changes=changes)


class _RegisteredElsewhere(ValidationError):
    """An ID number registered outside the submitter's area: told without naming where, and logged (see _logs_id_conflicts)."""

    def __init__(self, resident: Resident):
        super().__init__({"id_number": _("This ID number is already registered elsewhere in the district; contact the community where the person lives.")})
        self.resident = resident


def _logs_id_conflicts(service):
    """Log the ID number found outside the actor's area once `service`'s transaction has rolled back, so the log entry stays."""

    @functools.wraps(service)
    def run(*, actor, **kwargs):
        try:
            return service(actor=actor, **kwargs)
        except _RegisteredElsewhere as exc:
            id_conflicts_log(actor=actor, residents=[exc.resident], where=_("Resident form"))
            raise

    return run


def _apply_id_number(resident: Resident, id_number: str, *, actor) -> list[str]:
    """Validate an ID number, refuse a duplicate by keyed hash, and store it encrypted; returns warnings."""
    try:
        info = parse_id_number(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from exc
    errors = {}
    if resident.birth_date and resident.birth_date != info.birth_date:
        errors["birth_date"] = _("The birth date does not match the ID number (%(date)s).") % {"date": info.birth_date.isoformat()}
    if resident.sex and resident.sex != info.sex:
        errors["sex"] = _("The sex does not match the ID number.")
    if errors:
        raise ValidationError(errors)
    digest = keyed_hash(info.number)
    duplicate = (
        Resident.objects.filter(id_number_hash=digest, moved_out_on__isnull=True)
        .exclude(pk=resident.pk)
        .select_related("household__building", "household__grid")
        .first()
    )
    if duplicate is not None:
        if not household_visible(actor, duplicate.household_id):
            raise _RegisteredElsewhere(duplicate)
        raise ValidationError({"id_number": _("This ID number is already registered in household %(household)s.") % {"household": duplicate.household}})
    resident.birth_date, resident.sex, resident.id_legacy = info.birth_date, info.sex, info.legacy
    for name, value in id_number_fields(info.number).items():
        setattr(resident, name, value)
    return list(info.warnings)


def _check_sensitive(actor, household: Household, fields: dict) -> None:
    if any(fields.get(name) for name in Resident.SENSITIVE_FIELDS) and not can_see_sensitive(actor, household.ancestry()):
        raise PermissionDenied(_("Your role does not allow recording health, disability or income data."))


@_logs_id_conflicts
@transaction.atomic
def resident_create(*, actor, household: Household, id_number: str = "", phone: str = "", tags=(), **fields) -> tuple[Resident, list[str]]:
    _require_edit(actor, household.ancestry())
    if household.status == Household.Status.ARCHIVED:
        raise ValidationError(_("This household has moved out; its record is archived and read-only."))
    _check_sensitive(actor, household, fields)
    resident = Resident(household=household, **{k: v for k, v in fields.items() if k in (*RESIDENT_FIELDS, *Resident.SENSITIVE_FIELDS)})
    warnings = _apply_id_number(resident, id_number, actor=actor) if id_number else []
    _set_phone(resident, phone)
    _save_with_history(actor=actor, instance=resident, before={}, creating=True)
    if resident.relation == Resident.Relation.HEAD and household.head_id is None:
        household_set_head(actor=actor, household=household, resident=resident)
    if tags:
        resident_set_tags(actor=actor, resident=resident, tags=tags)
    return resident, warnings


@_logs_id_conflicts
@transaction.atomic
def resident_update(*, actor, resident: Resident, id_number: str | None = None, phone: str | None = None, **fields) -> tuple[Resident, list[str]]:
    resident = Resident.objects.select_for_update().select_related("household__grid").get(pk=resident.pk)
    household = resident.household
    _require_edit(actor, household.ancestry())
    if resident.moved_out_on is not None:
        raise ValidationError(_("This resident has moved out; the record is archived and read-only."))
    _check_sensitive(actor, household, {k: v for k, v in fields.items() if getattr(resident, k, None) != v})
    before = snapshot(resident)
    allowed = (*RESIDENT_FIELDS, *(Resident.SENSITIVE_FIELDS if can_see_sensitive(actor, household.ancestry()) else ()))
    changed = [name for name in allowed if name in fields and getattr(resident, name) != fields[name]]
    for name in changed:
        setattr(resident, name, fields[name])
    warnings = []
    if id_number:
        if "birth_date" not in fields:
            # The new number gives the birth date; checking it against the stored one would tell the stored date.
            resident.birth_date = None
        warnings = _apply_id_number(resident, id_number, actor=actor)
        changed += [*ID_NUMBER_FIELDS, "birth_date", "sex", "id_legacy"]
    if phone is not None:
        _set_phone(resident, phone)
        changed += PHONE_FIELDS
    _save_with_history(actor=actor, instance=resident, before=before, creating=False, fields=sorted(set(changed)))
    return resident, warnings


@transaction.atomic
def visit_record(
    *,
    actor,
    household: Household,
    visited_at: dt.datetime | None = None,
    method: str = Visit.Method.DOOR,
    met_person: str = "",
    findings: str = "",
    needs: str = "",
    photo=None,
) -> Visit:
    """Record a visit and move the household's next due date; an older visit entered late moves nothing back."""
    _require_edit(actor, household.ancestry())
    visited_at = visited_at or timezone.now()
    datetimes_in_range(visited_at=visited_at)
    if visited_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"visited_at": _("A visit cannot be in the future.")})
    archived = household.status != Household.Status.ACTIVE
    visit = Visit(
        household=household,
        grid_id=household.grid_id,
        visitor=actor,
        visited_at=visited_at,
        method=method,
        met_person=met_person,
        findings=findings,
        needs=needs,
        needs_review=archived,
    )
    if photo:
        visit.photo = image_clean(photo, name_prefix="visit")
    visit.full_clean()
    try:
        # A savepoint: the caller's transaction stays usable after a failed file write.
        with transaction.atomic():
            visit.save()
    except OSError as exc:
        written_files_remove(visit.photo)
        raise ValidationError({"photo": storage_failed().messages}) from exc
    if archived:
        audit_record(
            actor=actor, action=AuditEntry.Action.CREATE, instance=visit, changes={"needs_review": [None, True], "visited_at": [None, audit_time(visited_at)]}
        )
        return visit
    next_due = timezone.localtime(visited_at).date() + dt.timedelta(days=household.visit_cadence_days)
    # Concurrent visits to one household: the conditional UPDATE keeps the latest, whatever the commit order.
    Household.objects.filter(pk=household.pk).filter(Q(last_visited_at__isnull=True) | Q(last_visited_at__lt=visited_at)).update(
        last_visited_at=visited_at, next_visit_due=next_due
    )
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=visit, changes={"method": [None, method], "visited_at": [None, audit_time(visited_at)]})
    return visit


def visit_review(*, actor, visit: Visit) -> Visit:
    """The community has looked at a visit recorded after its household was archived (and moved what it found, if needed)."""
    _require_edit(actor, visit.ancestry())
    if Visit.objects.filter(pk=visit.pk, needs_review=True).update(needs_review=False) == 0:
        raise ValidationError(_("This visit has already been reviewed."))
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=visit, changes={"needs_review": [True, False]})
    visit.needs_review = False
    return visit
