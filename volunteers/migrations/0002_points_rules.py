from django.db import migrations

from volunteers.defaults import points_rules_ensure


def forwards(apps, schema_editor):
    points_rules_ensure(apps.get_model("volunteers", "PointsRule"))


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
