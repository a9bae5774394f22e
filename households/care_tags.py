"""The key-care groups (重点人群) grid workers visit on a cadence, seeded by a migration (which keeps its own copy) and re-ensured by the demo seed."""

# The district extends or retires tags in the back office; these are the starting set.
DEFAULT_TAGS = [
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


def default_tags_ensure(care_tag_model) -> None:
    for order, (code, name, applies_to, sensitive, cadence) in enumerate(DEFAULT_TAGS, start=1):
        care_tag_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "applies_to": applies_to,
                "sensitive": sensitive,
                "visit_cadence_days": cadence,
                "key_care": True,
                "sort_order": order * 10,
            },
        )
