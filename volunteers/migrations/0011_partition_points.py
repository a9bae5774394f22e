"""The points passbook becomes partitioned by month on `created_at` (see governance 0021 for the rebuild and its lock).

The foreign keys to it (a reversal's entry, a redemption's entry) lose their database constraint first. Its two
one-to-one columns can only be unique within each month's partition in PostgreSQL; the services keep them unique
across months (a sign-up is confirmed once by a conditional UPDATE, a reversal checks under the volunteer's lock).
"""

import json

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLE, COLUMN = "volunteers_ledgerentry", "created_at"
UNIQUE_PER_MONTH = {"volunteers_ledgerentry_reverses_id_key": ["reverses_id"], "volunteers_ledgerentry_signup_id_key": ["signup_id"]}
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

    dependencies = [
        ('governance', '0021_partition_logs'),
        ('volunteers', '0010_i18n_labels'),
    ]

    operations = [
        migrations.AlterField(
            model_name='pointsentry',
            name='reverses',
            field=models.OneToOneField(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reversed_by', to='volunteers.pointsentry', verbose_name='reverses'),
        ),
        migrations.AlterField(
            model_name='redemption',
            name='entry',
            field=models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='redemption', to='volunteers.pointsentry', verbose_name='points entry'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
