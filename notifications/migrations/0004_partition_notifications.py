"""Notifications become partitioned by month on `created_at` (see governance 0021 for the rebuild and its lock).

The unique (user, key) can only be unique within each month's partition in PostgreSQL: a second insert in the same
month is still ignored by the database, and notification_send skips keys already stored in earlier months.
"""

import json

from django.conf import settings
from django.db import migrations

TABLE, COLUMN = "governance_notification", "created_at"
UNIQUE_PER_MONTH = {"notification_unique_key": ["user_id", "key"]}
# Partitions are prepared this many months ahead of the current one; later months land in the DEFAULT partition.
MONTHS_AHEAD = 3


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "SELECT grid_table_rebuild(%s, %s, %s, %s, %s::jsonb)", [TABLE, COLUMN, settings.TIME_ZONE, MONTHS_AHEAD, json.dumps(UNIQUE_PER_MONTH)]
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SELECT grid_table_rebuild(%s, NULL, NULL, NULL, %s::jsonb)", [TABLE, json.dumps(UNIQUE_PER_MONTH)])


class Migration(migrations.Migration):
    dependencies = [("governance", "0021_partition_logs"), ("notifications", "0003_delivery_outbox")]

    operations = [migrations.RunPython(forwards, backwards)]
