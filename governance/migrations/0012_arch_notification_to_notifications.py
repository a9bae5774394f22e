"""Notification now belongs to the notifications app, which keeps the table: only the model state leaves governance."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0011_security_access_log"),
        ("notifications", "0001_arch_notification_from_governance"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="Notification")], database_operations=[]),
    ]
