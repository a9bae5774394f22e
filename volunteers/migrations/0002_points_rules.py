"""The starting points rules. The data is written out here rather than imported: a migration must keep doing what it did when it was written."""

from django.db import migrations

RULES = [
    # kind, label, points per hour, points per service
    ("activity", "志愿活动", 10, 0),
    ("post", "岗位值守", 10, 0),
    ("wish", "认领微心愿", 0, 20),
    ("request", "承办群众诉求", 0, 15),
]


def forwards(apps, schema_editor):
    PointsRule = apps.get_model("volunteers", "PointsRule")
    for kind, label, per_hour, per_service in RULES:
        PointsRule.objects.get_or_create(kind=kind, defaults={"label": label, "points_per_hour": per_hour, "points_per_service": per_service})


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
