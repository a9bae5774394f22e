"""Double reporting (双报到): units and members register with the community, which confirms, places and links them ("1+10")."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.personal_data import PHONE_FIELDS, keyed_hash, phone_fields
from governance.audit import audit_record
from governance.models import AuditEntry
from governance.validators import normalize_mobile
from volunteers.models import HouseholdLink, ReportingUnit, ReviewStatus, Skill, Volunteer
from volunteers.services.common import audit_created, audit_status, require_manager
from volunteers.uscc import uscc_normalize


def _field_clean(name: str, clean, value: str) -> str:
    try:
        return clean(value)
    except ValidationError as exc:
        raise ValidationError({name: exc.messages}) from exc


@transaction.atomic
def unit_register(
    *, actor, community, name: str, credit_code: str, party_org_name: str, contact_name: str, contact_phone: str, resources: str
) -> ReportingUnit:
    """The community registers a unit that reports to it."""
    require_manager(actor, community.ancestry())
    # Named by field, so that the page marks the field and the API names it.
    code = _field_clean("credit_code", uscc_normalize, credit_code)
    phone = _field_clean("contact_phone", normalize_mobile, contact_phone)
    if ReportingUnit.objects.filter(credit_code=code).exists():
        raise ValidationError({"credit_code": _("This unit has already reported.")})
    unit = ReportingUnit(
        community=community,
        name=name.strip(),
        credit_code=code,
        party_org_name=party_org_name.strip(),
        contact_name=contact_name.strip(),
        contact_phone=phone,
        resources=resources.strip(),
    )
    unit.full_clean()
    unit.save()
    audit_created(actor=actor, instance=unit, name=unit.name, credit_code=unit.credit_code)
    return unit


@transaction.atomic
def unit_review(*, actor, unit: ReportingUnit, approve: bool) -> ReportingUnit:
    require_manager(actor, unit.ancestry())
    status = ReviewStatus.CONFIRMED if approve else ReviewStatus.REFUSED
    if ReportingUnit.objects.filter(pk=unit.pk, status=ReviewStatus.PENDING).update(status=status, reviewed_by=actor) != 1:
        raise ValidationError(_("This registration was already reviewed."))
    audit_status(actor=actor, instance=unit, before=ReviewStatus.PENDING, after=status)
    unit.refresh_from_db()
    return unit


@transaction.atomic
def volunteer_register(
    *,
    actor,
    community,
    name: str,
    phone: str,
    user=None,
    is_party_member: bool = True,
    work_unit=None,
    work_unit_name: str = "",
    party_branch: str = "",
    skills=(),
    availability: str = "",
    household=None,
) -> Volunteer:
    """A member registers themselves (actor is the account registered) or the community registers them on their behalf."""
    if actor is None or actor != user:
        require_manager(actor, community.ancestry())
    unknown = set(skills) - set(Skill.values)
    if unknown:
        raise ValidationError({"skills": _("Unknown skills.")})
    number = normalize_mobile(phone)
    if Volunteer.objects.filter(phone_hash=keyed_hash(number), community=community).exists():
        raise ValidationError({"phone": _("Someone with this phone has already registered in this community.")})
    volunteer = Volunteer(
        user=user, community=community, name=name.strip(), **phone_fields(number),
        is_party_member=is_party_member, work_unit=work_unit, work_unit_name=work_unit_name.strip(), party_branch=party_branch.strip(),
        skills=sorted(set(skills)), availability=availability.strip(), household=household,
    )  # fmt: skip
    volunteer.full_clean(exclude=PHONE_FIELDS)
    volunteer.save()
    audit_created(actor=actor, instance=volunteer, name=volunteer.name, phone_masked=volunteer.phone_masked, is_party_member=is_party_member)
    return volunteer


@transaction.atomic
def volunteer_confirm(*, actor, volunteer: Volunteer, grid) -> Volunteer:
    """The community confirms and places the member in a grid party organisation of the community."""
    require_manager(actor, volunteer.ancestry())
    if grid.community_id != volunteer.community_id:
        raise ValidationError({"grid": _("Choose a grid of the volunteer's community.")})
    if Volunteer.objects.filter(pk=volunteer.pk, status=ReviewStatus.PENDING).update(status=ReviewStatus.CONFIRMED, grid=grid, reviewed_by=actor) != 1:
        raise ValidationError(_("This registration was already reviewed."))
    audit_status(actor=actor, instance=volunteer, before=ReviewStatus.PENDING, after=ReviewStatus.CONFIRMED, grid=[None, grid.pk])
    volunteer.refresh_from_db()
    return volunteer


@transaction.atomic
def links_set(*, actor, volunteer: Volunteer, households) -> list[HouseholdLink]:
    require_manager(actor, volunteer.ancestry())
    if volunteer.status != ReviewStatus.CONFIRMED:
        raise ValidationError(_("Confirm the volunteer before linking households."))
    households = list(households)
    if any(h.grid_id != volunteer.grid_id for h in households):
        raise ValidationError(_("Link households of the member's own grid."))
    try:
        with transaction.atomic():
            links = HouseholdLink.objects.bulk_create([HouseholdLink(volunteer=volunteer, household=h, created_by=actor) for h in households])
    except IntegrityError as exc:
        raise ValidationError(_("One of these households is already linked to a member.")) from exc
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=volunteer, changes={"links": [None, [h.pk for h in households]]})
    return links
