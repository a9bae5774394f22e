from django.db import migrations

from resident_requests.defaults import defaults_ensure


def forwards(apps, schema_editor):
    defaults_ensure(apps)


class Migration(migrations.Migration):
    dependencies = [("resident_requests", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
