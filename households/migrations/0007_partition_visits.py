"""Visits become partitioned by month on `visited_at` (see governance 0021 for the rebuild and its lock).

`visited_at` is set when the visit is recorded and never changed; the lists and figures filter on it. The foreign
keys to visits (resident requests, deliberation topics) lost their database constraint in their apps first.
"""

from django.conf import settings
from django.db import migrations

TABLE, COLUMN = "households_visit", "visited_at"
# Partitions are prepared this many months ahead of the current one; later months land in the DEFAULT partition.
MONTHS_AHEAD = 3


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SELECT grid_table_rebuild(%s, %s, %s, %s, '{}')", [TABLE, COLUMN, settings.TIME_ZONE, MONTHS_AHEAD])


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SELECT grid_table_rebuild(%s, NULL, NULL, NULL, '{}')", [TABLE])


class Migration(migrations.Migration):
    dependencies = [("governance", "0021_partition_logs"), ("households", "0006_visit_needs_review")]

    operations = [migrations.RunPython(forwards, backwards)]
