"""Excel import of a grid's (or a building's) households: the whole file is checked, then all rows go in or none."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import audit_record
from governance.models import AuditEntry
from governance.personal_data import encrypt, keyed_hash, mask_id_number, mask_phone
from households.excel import check_against_database, read_rows, validate_rows
from households.models import Household, HouseholdTag, ImportRun, Resident, ResidentTag
from households.permissions import can_edit, can_see_sensitive
from households.services import DEFAULT_CADENCE_DAYS

BATCH = 2000


def ledger_import(*, actor, grid, building=None, uploaded) -> ImportRun:
    """Validate every row, then write households, residents and tags in one transaction.

    A refused file leaves only its ImportRun (with the errors); nothing else is written.
    """
    ancestry = building.ancestry() if building is not None else grid.ancestry()
    if not can_edit(actor, ancestry):
        raise PermissionDenied(_("Your role does not allow changing this household."))
    name = getattr(uploaded, "name", "upload.xlsx")[:200]
    rows = read_rows(uploaded)
    targets = [building] if building is not None else list(grid.buildings.all())
    parsed = validate_rows(rows, buildings={b.number: b for b in targets}, sensitive_ok=can_see_sensitive(actor, ancestry))
    # Database checks run even when the file has errors, so that one report lists every problem.
    check_against_database(parsed)
    if parsed.errors:
        return ImportRun.objects.create(
            user=actor, grid=grid, building=building, file_name=name, status=ImportRun.Status.FAILED, errors=[list(error) for error in parsed.errors]
        )
    with transaction.atomic():
        households, residents = _write(actor=actor, rows=parsed.rows)
        run = ImportRun.objects.create(
            user=actor, grid=grid, building=building, file_name=name, status=ImportRun.Status.SUCCEEDED, households=households, residents=residents
        )
        audit_record(
            actor=actor,
            action=AuditEntry.Action.CREATE,
            instance=run,
            changes={"import": [None, f"{households} households, {residents} residents"]},
            ancestry=ancestry,
        )
    return run


def _write(*, actor, rows) -> tuple[int, int]:
    today = timezone.localdate()
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault((row["building"].pk, row["unit"], row["room"]), []).append(row)
    households = []
    for people in groups.values():
        first = next((row for row in people if row.get("relation") == Resident.Relation.HEAD), people[0])
        phone = first.get("household_phone", "")
        cadences = [tag.visit_cadence_days for row in people for tag in row["tags"] if tag.key_care]
        households.append(
            Household(
                building=first["building"],
                grid_id=first["building"].grid_id,
                unit=first["unit"],
                floor=first["floor"],
                room=first["room"],
                tenure=first.get("tenure", Household.Tenure.OWNER),
                phone_enc=encrypt(phone),
                phone_hash=keyed_hash(phone),
                phone_masked=mask_phone(phone),
                key_care=bool(cadences),
                visit_cadence_days=min(cadences, default=DEFAULT_CADENCE_DAYS),
                # Never visited: due at once, so the new households appear on the visit list.
                next_visit_due=today,
                moved_in_on=None,
            )
        )
    Household.objects.bulk_create(households, batch_size=BATCH)
    residents, resident_tags, household_tags = [], [], []
    for household, people in zip(households, groups.values(), strict=True):
        for row in people:
            number, phone = row.get("id_number", ""), row.get("phone", "")
            resident = Resident(
                household=household,
                name=row["name"],
                relation=row.get("relation", Resident.Relation.OTHER),
                sex=row.get("sex", ""),
                birth_date=row.get("birth_date"),
                id_number_enc=encrypt(number),
                id_number_hash=keyed_hash(number),
                id_number_masked=mask_id_number(number),
                id_legacy=row.get("id_legacy", False),
                phone_enc=encrypt(phone),
                phone_hash=keyed_hash(phone),
                phone_masked=mask_phone(phone),
                employment=row.get("employment", ""),
                work_unit=row["work_unit"],
                is_party_member=row["is_party_member"],
                party_branch=row["party_branch"],
                special_situation=row["special_situation"],
            )
            residents.append(resident)
            for tag in row["tags"]:
                if tag.applies_to == tag.AppliesTo.HOUSEHOLD:
                    household_tags.append(HouseholdTag(household=household, tag=tag, added_by=actor))
                else:
                    resident_tags.append((resident, tag))
    Resident.objects.bulk_create(residents, batch_size=BATCH)
    ResidentTag.objects.bulk_create([ResidentTag(resident=resident, tag=tag, added_by=actor) for resident, tag in resident_tags], batch_size=BATCH)
    HouseholdTag.objects.bulk_create(list({(link.household.pk, link.tag_id): link for link in household_tags}.values()), batch_size=BATCH)
    heads = {}
    for resident in residents:
        if resident.relation == Resident.Relation.HEAD:
            heads.setdefault(resident.household.pk, resident)
    for household in households:
        household.head = heads.get(household.pk)
    Household.objects.bulk_update([h for h in households if h.head is not None], ["head"], batch_size=BATCH)
    return len(households), len(residents)
