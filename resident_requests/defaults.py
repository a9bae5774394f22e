"""Starting data of the requests module: the category tree, the time-limit table and the official calendar.

Seeded by a data migration (which keeps its own copy) and re-ensured by the demo seed (a flushed test database loses migration data).
"""

from django.apps import apps

CATEGORIES = [
    ("urban", "城市建设", ["违章建设", "道路破损", "老旧小区改造"]),
    ("housing", "住房保障", ["公租房", "住房维修基金", "危房"]),
    ("municipal", "市政管理", ["路灯", "供水", "供暖", "燃气", "排水"]),
    ("transport", "交通出行", ["乱停车", "公交站点", "道路拥堵"]),
    ("sanitation", "环境卫生", ["垃圾清运", "楼道卫生", "噪音扰民"]),
    ("property", "物业管理", ["电梯", "物业服务", "楼道灯"]),
    ("dispute", "矛盾纠纷", ["邻里纠纷", "家庭纠纷", "劳资纠纷"]),
    ("hazard", "安全隐患", ["消防通道", "电动车充电", "高空坠物"]),
    ("assistance", "民生救助", ["低保救助", "养老服务", "残疾帮扶"]),
    ("policy", "政策咨询", ["社保医保", "户籍", "就业"]),
    ("other", "其他", []),
]

# (urgency or "" for any, stage, amount, unit): the seeded 限时办结 defaults.
TIME_LIMITS = [
    ("", "accept", 1, "working_days"),
    ("immediate", "handle", 1, "working_days"),
    ("scheduled", "handle", 5, "working_days"),
    ("long_term", "handle", 3, "working_days"),
    ("", "verify", 1, "working_days"),
    ("", "answer", 1, "working_days"),
    ("", "follow_up", 5, "working_days"),
]


HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def categories_ensure(category_model) -> None:
    for order, (code, name, children) in enumerate(CATEGORIES, start=1):
        parent, _ = category_model.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order * 10})
        for index, child in enumerate(children, start=1):
            category_model.objects.get_or_create(code=f"{code}-{index}", defaults={"name": child, "parent": parent, "sort_order": index})


def time_limits_ensure(time_limit_model) -> None:
    for urgency, stage, amount, unit in TIME_LIMITS:
        time_limit_model.objects.get_or_create(category=None, urgency=urgency, stage=stage, defaults={"amount": amount, "unit": unit})


def calendar_import(year_model, day_model) -> list[int]:
    """Holidays and make-up working days from the chinese-calendar package, for the years it covers."""
    from chinese_calendar import constants

    years = sorted({day.year for day in constants.holidays} | {day.year for day in constants.workdays})
    for year in years:
        year_model.objects.get_or_create(year=year, defaults={"source": "chinese-calendar"})
    for kind, days in (("holiday", constants.holidays), ("workday", constants.workdays)):
        for day, name in days.items():
            day_model.objects.get_or_create(date=day, defaults={"kind": kind, "name": HOLIDAY_NAMES.get(str(name), str(name))[:50]})
    return years


def defaults_ensure() -> None:
    categories_ensure(apps.get_model("resident_requests", "Category"))
    time_limits_ensure(apps.get_model("resident_requests", "TimeLimit"))
    calendar_import(apps.get_model("resident_requests", "CalendarYear"), apps.get_model("resident_requests", "CalendarDay"))
