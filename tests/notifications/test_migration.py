"""Moving Notification from governance to notifications keeps its rows, and the audit entries and permissions of its type."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from governance.models import AuditEntry, User
from notifications.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(connection.vendor != "postgresql", reason="migrates inside the test's transaction")]


def test_the_move_keeps_rows_audit_history_and_permissions():
    executor = MigrationExecutor(connection)
    # Unapplying the notifications app unapplies governance's hand-over too: the layout of today's main.
    executor.migrate([("notifications", None)])
    old = executor.loader.project_state([("governance", "0011_security_access_log")]).apps
    content_type = old.get_model("contenttypes", "ContentType").objects.get(model="notification")
    assert content_type.app_label == "governance"
    grid1 = User.objects.get(username="grid1")
    row = old.get_model("governance", "Notification").objects.create(user_id=grid1.pk, key="old:1", title="迁移前的通知")
    # The log as it was then: the city column came later.
    entry = old.get_model("governance", "AuditEntry").objects.create(
        actor_id=grid1.pk, action="create", content_type_id=content_type.pk, object_id=str(row.pk), object_repr=row.title
    )
    permission = Permission.objects.get(content_type_id=content_type.pk, codename="view_notification")
    # Deferred foreign-key checks of the rows above must not block the next ALTER TABLE of the same transaction.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    assert Notification.objects.get(pk=row.pk).title == "迁移前的通知"
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.content_type_id == content_type.pk and entry.content_type.model_class() is Notification
    assert Permission.objects.get(content_type__app_label="notifications", codename="view_notification").pk == permission.pk
