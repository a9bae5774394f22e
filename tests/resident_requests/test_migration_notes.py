"""Notes written before requests had a public number named the resident's tracking code; the migration replaces it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from governance.models import User
from resident_requests.lifecycle import Status, TimelineAction
from resident_requests.models import Category, ResidentRequest, TimelineEntry
from volunteers.models import PointsEntry, Volunteer

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(connection.vendor != "postgresql", reason="migrates inside the test's transaction")]


def test_old_merge_and_points_notes_no_longer_carry_the_tracking_code():
    grid = User.objects.get(username="grid1").memberships.get().grid
    category = Category.objects.filter(parent__isnull=False).first() or Category.objects.first()
    target = ResidentRequest.objects.create(source="phone", category=category, description="楼道灯坏了", grid=grid)
    duplicate = ResidentRequest.objects.create(source="phone", category=category, description="楼道灯不亮", grid=grid, status=Status.MERGED, merged_into=target)
    merge = TimelineEntry.objects.create(request=duplicate, action=TimelineAction.MERGE, note=target.tracking_code)
    volunteer = Volunteer.objects.create(community=grid.community, name="老党员")
    points = PointsEntry.objects.create(volunteer=volunteer, kind=PointsEntry.Kind.REQUEST, points=5, note=f"{target.tracking_code} {category.name}")
    untouched = PointsEntry.objects.create(volunteer=volunteer, kind=PointsEntry.Kind.REQUEST, points=5, note="线下服务 扫楼道")

    # Deferred foreign-key checks of the rows above must not block the ALTER TABLEs of unapplying later migrations.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.migrate([("resident_requests", "0006_arch_timeline_action_choices")])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    merge.refresh_from_db()
    points.refresh_from_db()
    untouched.refresh_from_db()
    assert merge.note == target.public_id
    assert points.note == f"{target.public_id} {category.name}"
    assert target.tracking_code not in merge.note + points.note
    assert untouched.note == "线下服务 扫楼道"
