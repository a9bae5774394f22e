from django.db import migrations

from households.care_tags import DEFAULT_TAGS, default_tags_ensure


def forwards(apps, schema_editor):
    default_tags_ensure(apps.get_model("households", "CareTag"))


def backwards(apps, schema_editor):
    apps.get_model("households", "CareTag").objects.filter(code__in=[t[0] for t in DEFAULT_TAGS]).delete()


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
