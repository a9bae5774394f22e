"""Every write to governance data leaves who, when and what (before/after) in an append-only log."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from governance.models import AuditEntry
from grids.models import Building, Grid
from grids.services import patrol_end, patrol_start

pytestmark = pytest.mark.django_db


def test_editing_a_grid_in_the_back_office_is_audited(login, user):
    grid = user("grid1").memberships.get().grid
    client = login("community1")
    url = reverse("admin:grids_grid_change", args=[grid.pk])
    form = client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update({"name": "幸福第1网格(东)", "boundary": "和平路以东"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    grid.refresh_from_db()
    assert grid.name == "幸福第1网格(东)"
    entry = AuditEntry.objects.filter(object_id=str(grid.pk), content_type__model="grid").latest("at")
    assert entry.actor == user("community1")
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.changes["name"][1] == "幸福第1网格(东)"
    assert entry.changes["boundary"][1] == "和平路以东"
    assert entry.community_id == grid.community_id


def test_grid_worker_cannot_edit_its_grid_in_the_back_office(login, user):
    grid = user("grid1").memberships.get().grid
    client = login("grid1")
    response = client.post(reverse("admin:grids_grid_change", args=[grid.pk]), {"name": "x"})
    assert response.status_code == 403
    assert Grid.objects.get(pk=grid.pk).name != "x"


def test_creating_a_building_through_the_back_office_derives_nothing_wrong_and_is_audited(login, user):
    grid = user("grid1").memberships.get().grid
    response = login("community1").post(
        reverse("admin:grids_building_add"),
        {
            "grid": grid.pk,
            "number": 99,
            "name": "新建99号楼",
            "units": 2,
            "floors": 6,
            "party_org_name": "",
            "address": "",
            "central_households-TOTAL_FORMS": 0,
            "central_households-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    building = Building.objects.get(grid=grid, number=99)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_id=str(building.pk), building=building.pk, grid=grid.pk).exists()


def test_a_node_cannot_move_to_another_parent(user):
    from django.core.exceptions import ValidationError

    from governance.services import node_save

    grid = user("grid1").memberships.get().grid
    other = user("grid3").memberships.get().grid
    grid.community_id = other.community_id
    with pytest.raises(ValidationError):
        node_save(actor=user("district"), instance=grid)


def test_the_audit_log_refuses_edits_and_deletes():
    entry = AuditEntry.objects.first()
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.all().update(object_repr="x")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_the_database_refuses_to_rewrite_history():
    entry = AuditEntry.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE governance_auditentry SET object_repr = 'x' WHERE id = %s", [entry.pk])


def test_audit_log_page_is_scoped(login, user):
    grid1 = user("grid1").memberships.get().grid
    grid3 = user("grid3").memberships.get().grid
    from governance.services import node_save

    for grid, name in ((grid1, "改名甲"), (grid3, "改名乙")):
        grid.name = name
        node_save(actor=user("district"), instance=grid)
    body = login("community1").get(reverse("audit-list")).content.decode()
    assert "改名甲" in body
    assert "改名乙" not in body
    assert login("grid1").get(reverse("audit-list")).status_code == 403


def test_audit_times_read_in_the_offices_time(user):
    grid1 = user("grid1")
    patrol = patrol_end(actor=grid1, patrol=patrol_start(actor=grid1, grid=grid1.memberships.get().grid), notes="")
    ended = AuditEntry.objects.filter(object_id=str(patrol.pk), action=AuditEntry.Action.UPDATE).latest("id").changes["ended_at"][1]
    local = timezone.localtime(patrol.ended_at)
    assert ended.startswith(local.strftime("%Y-%m-%d %H:%M")) and ended.endswith("+08:00")
