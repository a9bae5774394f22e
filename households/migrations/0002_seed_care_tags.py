"""The starting key-care groups. The data is written out here rather than imported: a migration must keep doing what it did when it was written."""

from django.db import migrations

TAGS = [
    # code, name, applies_to, sensitive, cadence (days)
    ("elderly_80", "高龄(80岁以上)", "resident", False, 7),
    ("living_alone", "独居", "both", False, 7),
    ("no_family", "孤寡", "both", False, 7),
    ("bedridden", "卧床", "resident", True, 7),
    ("disabled", "残疾", "resident", True, 7),
    ("low_income", "低保/低收入", "household", True, 7),
    ("left_behind_child", "留守儿童", "resident", True, 7),
    ("single_parent_child", "单亲家庭子女", "resident", True, 7),
    ("party_member_in_difficulty", "困难党员", "both", True, 7),
    ("entitled", "优抚对象", "both", False, 7),
    ("petitioner", "信访", "both", False, 7),
    ("old_party_member", "老党员", "resident", False, 7),
]


def forwards(apps, schema_editor):
    CareTag = apps.get_model("households", "CareTag")
    for order, (code, name, applies_to, sensitive, cadence) in enumerate(TAGS, start=1):
        CareTag.objects.get_or_create(
            code=code,
            defaults={"name": name, "applies_to": applies_to, "sensitive": sensitive, "visit_cadence_days": cadence, "key_care": True, "sort_order": order * 10},
        )


def backwards(apps, schema_editor):
    apps.get_model("households", "CareTag").objects.filter(code__in=[tag[0] for tag in TAGS]).delete()


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
