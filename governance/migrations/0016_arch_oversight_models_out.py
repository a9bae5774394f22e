"""The assessment and monthly report models now belong to the oversight app, which keeps the tables: only the model state leaves governance."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0015_arch_lists_and_linkage_to_party_building"),
        ("oversight", "0001_arch_oversight_from_governance"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Indicator"),
                migrations.DeleteModel(name="AssessmentPlan"),
                migrations.DeleteModel(name="MonthlyReport"),
            ],
            database_operations=[],
        ),
    ]
