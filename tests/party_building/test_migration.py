"""Moving the three lists and linkage from governance to party_building keeps their rows, and the audit entries and permissions of their types."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from governance.models import AuditEntry, Community, ResidentUnit, User
from party_building.models import LinkageRecord, Project

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(connection.vendor != "postgresql", reason="migrates inside the test's transaction")]


def test_the_move_keeps_rows_audit_history_and_permissions():
    executor = MigrationExecutor(connection)
    # Unapplying the party_building app unapplies governance's hand-over too: the layout of today's main.
    executor.migrate([("party_building", None)])
    old = executor.loader.project_state([("governance", "0013_arch_job_capabilities")]).apps
    old_type = old.get_model("contenttypes", "ContentType").objects
    assert set(old_type.filter(model__in=["project", "linkagerecord"]).values_list("app_label", flat=True)) == {"governance"}
    project_type, record_type = old_type.get(model="project"), old_type.get(model="linkagerecord")
    community1 = User.objects.get(username="community1")
    # Only the id: columns added to the tree later (places' outlines) do not exist at this migration state.
    community = Community.objects.only("pk").get(memberships__user=community1)
    unit = ResidentUnit.objects.filter(community=community).first()
    resource = old.get_model("governance", "ResourceItem").objects.create(unit_id=unit.pk, category="venue", description="迁移前的资源")
    demand = old.get_model("governance", "DemandItem").objects.create(community_id=community.pk, category="venue", description="迁移前的需求")
    project = old.get_model("governance", "Project").objects.create(
        community_id=community.pk, demand_id=demand.pk, resource_id=resource.pk, owner="王书记", plan="每周开放"
    )
    record = old.get_model("governance", "LinkageRecord").objects.create(
        community_id=community.pk, kind="joint_meeting", held_on=dt.date(2026, 11, 2), people="书记", topics="迁移前的联席会", recorded_by_id=community1.pk
    )
    record.units.set([unit.pk])
    # The log as it was then: the city column came later.
    entries = [
        old.get_model("governance", "AuditEntry").objects.create(
            actor_id=community1.pk, action="create", content_type_id=content_type.pk, object_id=str(row.pk), object_repr=str(row.pk)
        )
        for content_type, row in [(project_type, project), (record_type, record)]
    ]
    permission = Permission.objects.get(content_type_id=project_type.pk, codename="change_project")
    # Deferred foreign-key checks of the rows above must not block the next ALTER TABLE of the same transaction.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    moved = Project.objects.get(pk=project.pk)
    assert (moved.demand.description, moved.resource.description) == ("迁移前的需求", "迁移前的资源")
    assert list(LinkageRecord.objects.get(pk=record.pk).units.all()) == [unit]
    for entry, model in zip(entries, [Project, LinkageRecord], strict=True):
        assert AuditEntry.objects.get(pk=entry.pk).content_type.model_class() is model
    assert Permission.objects.get(content_type__app_label="party_building", codename="change_project").pk == permission.pk
