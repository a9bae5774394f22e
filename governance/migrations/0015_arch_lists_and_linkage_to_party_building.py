"""The three lists and the linkage models now belong to the party_building app, which keeps the tables: only the model state leaves governance."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0014_security_ascii_digits"),
        ("party_building", "0001_arch_lists_and_linkage_from_governance"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Project"),
                migrations.DeleteModel(name="ResourceItem"),
                migrations.DeleteModel(name="DemandItem"),
                migrations.DeleteModel(name="LinkageRecord"),
                migrations.DeleteModel(name="LinkageDuty"),
            ],
            database_operations=[],
        ),
    ]
