"""Excel import of a grid's (or one building's) households: every row is checked, then all go in or none do.

Writes are bulk (a 10,000-row file is a few dozen statements), so the per-record services are not used here;
the same derived columns are computed in Python instead: ciphertexts, keyed hashes, masks and the care cadence.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.personal_data import id_number_fields, phone_fields
from governance.audit import audit_record
from governance.models import AuditEntry
from governance.roles import Capability
from governance.scope import get_in_scope_or_404, scope_for
from governance.services import id_conflicts_log
from grids.models import Building, Grid
from households.excel import check_against_database, household_key, validate_rows
from households.models import CareTag, Household, HouseholdTag, ImportRun, Resident, ResidentTag
from households.permissions import can_edit, can_see_sensitive
from households.services import DEFAULT_CADENCE_DAYS

BATCH = 2000


# Reads for the import pages, scoped like every selector (kept here beside the import they serve).


def import_grids_for(user):
    """Grids the user may import into: those where they keep the ledger."""
    return Grid.objects.visible_to(user, Capability.EDIT_LEDGER).select_related("community").order_by("code")


def import_building_for(user, grid: Grid, number: int) -> Building | None:
    """The grid's building with this number, if the user keeps its ledger."""
    return Building.objects.visible_to(user, Capability.EDIT_LEDGER).filter(grid=grid, number=number).first()


def import_run_get_for(user, pk: int) -> ImportRun:
    return get_in_scope_or_404(ImportRun.objects.visible_to(user, Capability.EDIT_LEDGER).select_related("grid__community", "building", "user"), pk=pk)


# Writes.


def _target(*, actor, grid: Grid, building: Building | None) -> dict:
    if building is not None and building.grid_id != grid.pk:
        raise ValidationError({"building": _("This building is not in the chosen grid.")})
    ancestry = building.ancestry() if building is not None else grid.ancestry()
    if not can_edit(actor, ancestry):
        raise PermissionDenied(_("Your role does not allow changing this household."))
    return ancestry


def _refuse(*, actor, grid: Grid, building: Building | None, file_name: str, errors: list) -> ImportRun:
    return ImportRun.objects.create(user=actor, grid=grid, building=building, file_name=file_name[:200], status=ImportRun.Status.FAILED, errors=errors)


def ledger_import_refuse(*, actor, grid: Grid, building: Building | None = None, file_name: str, problems: list[str]) -> ImportRun:
    """Record a file refused before its rows could be read (not an .xlsx, too large, too many rows)."""
    _target(actor=actor, grid=grid, building=building)
    return _refuse(actor=actor, grid=grid, building=building, file_name=file_name, errors=[[None, "", str(problem)] for problem in problems])


def ledger_import(*, actor, grid: Grid, building: Building | None = None, rows, file_name: str = "") -> ImportRun:
    """Check `rows` ((sheet row number, cells in template order), as read by households.excel.read_rows), then write.

    A refused file leaves only its ImportRun, with every problem found; nothing else is written.
    """
    ancestry = _target(actor=actor, grid=grid, building=building)
    if not rows:
        return _refuse(actor=actor, grid=grid, building=building, file_name=file_name, errors=[[None, "", _("The file has no data rows.")]])
    # Buildings of the grid the user may edit: a building-level role reaches only its own.
    buildings = Building.objects.visible_to(actor, Capability.EDIT_LEDGER).filter(grid=grid).select_related("grid")
    if building is not None:
        buildings = buildings.filter(pk=building.pk)
    checked = validate_rows(rows, buildings={item.number: item for item in buildings}, only_building=building, sensitive_ok=can_see_sensitive(actor, ancestry))
    # Database checks run even when the file has errors, so that one report lists every problem.
    elsewhere = check_against_database(checked, visible_scope=scope_for(actor, Capability.VIEW_LEDGER))
    if elsewhere:
        residents = list(Resident.objects.filter(pk__in=elsewhere).select_related("household__grid"))
        id_conflicts_log(actor=actor, residents=residents, where=_("Excel import into %(grid)s") % {"grid": grid})
    if checked.problems:
        return _refuse(actor=actor, grid=grid, building=building, file_name=file_name, errors=checked.errors)
    try:
        with transaction.atomic():
            households, residents = _write(actor=actor, rows=checked.rows)
            run = ImportRun.objects.create(
                user=actor,
                grid=grid,
                building=building,
                file_name=file_name[:200],
                status=ImportRun.Status.SUCCEEDED,
                households=households,
                residents=residents,
            )
            audit_record(
                actor=actor,
                action=AuditEntry.Action.CREATE,
                instance=grid,
                changes={"excel_import": [None, run.pk], "households": [None, households], "residents": [None, residents]},
                ancestry=ancestry,
            )
    except IntegrityError:
        # Someone registered one of these rooms or ID numbers between the check and the write.
        problem = _("The ledger changed while the file was being imported; nothing was imported. Upload it again.")
        return _refuse(actor=actor, grid=grid, building=building, file_name=file_name, errors=[[None, "", problem]])
    return run


def _cadence(tags) -> int | None:
    """What households.services.care_refresh derives from a new household's tags: the shortest key-care cadence."""
    return min((tag.visit_cadence_days for tag in tags if tag.key_care and tag.active), default=None)


def _write(*, actor, rows: list[dict]) -> tuple[int, int]:
    today = timezone.localdate()
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(household_key(row), []).append(row)
    households = []
    for people in groups.values():
        first = people[0]
        phone = next((row["household_phone"] for row in people if row.get("household_phone")), "")
        tenure = next((row["tenure"] for row in people if row.get("tenure")), Household.Tenure.OWNER)
        cadence = _cadence(tag for row in people for tag in row["tags"])
        households.append(
            Household(
                building=first["building"],
                grid_id=first["building"].grid_id,
                unit=first["unit"],
                floor=first["floor"],
                room=first["room"],
                tenure=tenure,
                is_party_household=any(row["is_party_member"] for row in people),
                **phone_fields(phone),
                key_care=cadence is not None,
                visit_cadence_days=cadence or DEFAULT_CADENCE_DAYS,
                # Never visited and no move-in date: due today, as care_refresh would set it.
                next_visit_due=today,
            )
        )
    Household.objects.bulk_create(households, batch_size=BATCH)

    residents, resident_tags, household_tags = [], [], {}
    for household, people in zip(households, groups.values(), strict=True):
        for row in people:
            number, phone = row.get("id_number", ""), row.get("phone", "")
            resident = Resident(
                household=household,
                name=row["name"],
                relation=row.get("relation", Resident.Relation.OTHER),
                sex=row.get("sex", ""),
                birth_date=row.get("birth_date"),
                **id_number_fields(number),
                id_legacy=row.get("id_legacy", False),
                **phone_fields(phone),
                employment=row.get("employment", ""),
                work_unit=row["work_unit"],
                is_party_member=row["is_party_member"],
                party_branch=row["party_branch"],
                special_situation=row["special_situation"],
            )
            residents.append(resident)
            for tag in row["tags"]:
                # A household-only tag given on a person's row belongs to the household (once).
                if tag.applies_to == CareTag.AppliesTo.HOUSEHOLD:
                    household_tags.setdefault((household.pk, tag.pk), HouseholdTag(household=household, tag=tag, added_by=actor))
                else:
                    resident_tags.append(ResidentTag(resident=resident, tag=tag, added_by=actor))
    Resident.objects.bulk_create(residents, batch_size=BATCH)
    # The links were built before their residents had keys; bulk_create reads the keys from the saved instances.
    ResidentTag.objects.bulk_create(resident_tags, batch_size=BATCH)
    HouseholdTag.objects.bulk_create(list(household_tags.values()), batch_size=BATCH)

    heads = {}
    for resident in residents:
        if resident.relation == Resident.Relation.HEAD:
            heads.setdefault(resident.household_id, resident)
    with_head = []
    for household in households:
        if household.pk in heads:
            household.head = heads[household.pk]
            with_head.append(household)
    Household.objects.bulk_update(with_head, ["head"], batch_size=BATCH)
    return len(households), len(residents)
