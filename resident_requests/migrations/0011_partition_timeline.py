"""The request timeline becomes partitioned by month on `at` (see governance 0021 for the rebuild and its lock).

The foreign key to visits loses its database constraint first, so that households 0007 can partition visits.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLE, COLUMN = "resident_requests_timelineentry", "at"
# Partitions are prepared this many months ahead of the current one; later months land in the DEFAULT partition.
MONTHS_AHEAD = 3


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SELECT grid_table_rebuild(%s, %s, %s, %s, '{}')", [TABLE, COLUMN, settings.TIME_ZONE, MONTHS_AHEAD])


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SELECT grid_table_rebuild(%s, NULL, NULL, NULL, '{}')", [TABLE])


class Migration(migrations.Migration):

    dependencies = [
        ('governance', '0021_partition_logs'),
        ('households', '0006_visit_needs_review'),
        ('resident_requests', '0010_i18n_labels'),
    ]
    run_before = [('households', '0007_partition_visits')]

    operations = [
        migrations.AlterField(
            model_name='residentrequest',
            name='visit',
            field=models.OneToOneField(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='request', to='households.visit', verbose_name='visit'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
