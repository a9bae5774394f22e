"""The starting points rules, seeded by a migration and re-ensured by the demo seed (a flushed test database loses migration data)."""

RULES = [
    # kind, label, points per hour, points per service
    ("activity", "志愿活动", 10, 0),
    ("post", "岗位值守", 10, 0),
    ("wish", "认领微心愿", 0, 20),
    ("request", "承办群众诉求", 0, 15),
]


def points_rules_ensure(points_rule_model) -> None:
    for kind, label, per_hour, per_service in RULES:
        points_rule_model.objects.get_or_create(kind=kind, defaults={"label": label, "points_per_hour": per_hour, "points_per_service": per_service})
