"""Every input is hostile: no query string, path id or body of a public form or API create gives a 500."""

import datetime as dt
import logging

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.urls import URLResolver, get_resolver, reverse

from cadres.models import MentorPair, PoolEntry, Promotion, RoutineMeeting, WorkerProfile
from community_services.models import Booking, Leave, ServiceItem
from core import params
from core.idcard import parse_id_number
from deliberation.models import Meeting, Option, Participant, Task, Topic
from duties.models import Department, Duty, IncomingTask
from governance.models import AuditEntry, Membership, ResidentUnit, User
from governance.validators import digits_validator, normalize_mobile
from grids.models import Patrol
from households.models import CareTag, Household, ImportRun, Resident, Visit
from notifications.models import Notification
from oversight.models import MonthlyReport
from party_building.models import LinkageRecord, Project
from resident_requests.models import Category, RequestPhoto, ResidentRequest, Status
from resident_requests.services.workflow import request_accept
from tests.resident_requests import conftest as requests_fixtures
from volunteers.models import Activity, DualReport, Gift, PointsEntry, PostClaim, Redemption, ReportingUnit, ServicePost, Signup, Volunteer, Wish

pytestmark = pytest.mark.django_db
# A resident's request filed from grid1's first household, as the public form files it.
new_request = requests_fixtures.new_request

# Narrowest first: a page is swept with hostile parameters by the first persona it renders for, on the smallest data.
PERSONAS = ["grid1", "volunteer1", "community1", "street1", "district", "city1", None]
# Never walked: they end the session or change the language, and say nothing about input handling.
SKIPPED = {"logout", "set_language", "admin:logout"}
# Walked but not asked with hostile parameters: the schema is the same whatever the query, and takes most of a second to build.
NOT_SWEPT = {"api-schema", "api-docs"}
MISSING_IDS = ["0", "999999999"]
# The code of a sensitive care tag: a filter by it must not say who has it, nor fail.
SENSITIVE_TAG = "disabled"
HUGE = "99999999999999999999"
# Two query strings of hostile values, one value per name in each: a page that renders used every value without failing.
HOSTILE_QUERIES = [
    {
        "year": "0",
        "month": "13",
        "page": "²",
        "page_size": "99999999",
        "start": "2026-13-45",
        "period": "custom",
        "from": "0001-01-01",
        "to": "9999-12-31",
        "level": "x",
        "pk": "abc",
        "tag": SENSITIVE_TAG,
        "grid": "abc",
        "building": HUGE,
        "category": "abc",
        "visit": HUGE,
        "visits": "²",
        "status": "nonsense",
        "by": "x",
        "created_at__gte": "0001-01-01",
    },
    {
        "year": "10000",
        "month": "0",
        "page": "-1",
        "page_size": "-1",
        "start": "0001-01-01",
        "period": "zzz",
        "from": "2026-13-45",
        "level": "grid",
        "pk": HUGE,
        "tag": "<script>",
        "grid": HUGE,
        "building": "²",
        "category": HUGE,
        "visit": "abc",
        "visits": "-1",
        "status": "",
        "created_at__lte": "2026-02-30",
    },
]


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}", tuple(sorted(pattern.pattern.regex.groupindex))


def routes() -> list[tuple[str, tuple[str, ...]]]:
    """Every named URL pattern of the project, with the names of its path arguments."""
    return sorted({route for route in _walk(get_resolver().url_patterns) if route[0] not in SKIPPED})


def _first(qs):
    return qs.order_by("pk").values_list("pk", flat=True).first()


def in_scope_ids() -> dict:
    """An existing id of grid 1 (community 1) for each route that takes one: in scope for every persona above it."""
    grid = User.objects.get(username="grid1").memberships.get().grid
    household = Household.objects.filter(grid=grid).order_by("pk").first()
    request = ResidentRequest.objects.filter(grid=grid).order_by("pk").first()
    volunteer = Volunteer.objects.filter(community=grid.community).order_by("pk").first()
    activity = Activity.objects.filter(community=grid.community).order_by("pk").first()
    node = {"level": "community", "pk": grid.community_id}
    by_model = {
        "city": grid.district.city_id,
        "district": grid.district_id,
        "street": grid.street_id,
        "community": grid.community_id,
        "grid": grid.pk,
        "building": household.building_id,
        "resident-unit": _first(ResidentUnit.objects.filter(community=grid.community)),
        "membership": _first(Membership.objects.filter(grid=grid)),
        "audit": _first(AuditEntry.objects.filter(community=grid.community)),
        "household": household.pk,
        "resident": _first(Resident.objects.filter(household=household)),
        "visit": _first(Visit.objects.filter(household__grid=grid)),
        "care-tag": _first(CareTag.objects.all()),
        "request": request.pk,
        "user": User.objects.get(username="grid2").pk,
    }
    ids = {f"{model}-{suffix}": {"pk": pk} for model, pk in by_model.items() for suffix in ("detail", "reveal", "visits", "act", "timeline")}
    ids |= {
        "api-user-password-reset": {"pk": by_model["user"]},
        "person-detail": {"pk": by_model["user"]},
        "person-password-reset": {"pk": by_model["user"]},
        "role-revoke": {"pk": by_model["membership"]},
        "org-node": node,
        "person-create": node,
        "role-grant": node,
        "coverage": node,
        "situation-map": node,
        "dashboard": node,
        "dashboard-export": node,
        "api-dashboard": node,
        "api-dashboard-export": node,
        "api-coverage": node,
        "api-map": node,
        "household-edit": {"pk": household.pk},
        "household-archive": {"pk": household.pk},
        "resident-create": {"pk": household.pk},
        "household-residents": {"pk": household.pk},
        "visit-create": {"pk": household.pk},
        "household-card": {"pk": household.pk},
        "household-create": {"building": household.building_id},
        "resident-edit": {"pk": by_model["resident"]},
        "building-households": {"pk": household.building_id},
        "building-cards": {"pk": household.building_id},
        "ledger-import-result": {"pk": _first(ImportRun.objects.all())},
        "ledger-import-errors": {"pk": _first(ImportRun.objects.all())},
        "notification-read": {"pk": _first(Notification.objects.all())},
        "request-act": {"pk": request.pk, "action": "accept"},
        "request-photo": {"pk": request.pk, "photo_pk": _first(RequestPhoto.objects.all()) or 1, "variant": "thumb"},
        "public-track-photo": {"code": request.tracking_code, "photo_pk": _first(RequestPhoto.objects.all()) or 1, "variant": "thumb"},
        "visit-photo": {"pk": by_model["visit"]},
        "visit-reviewed": {"pk": by_model["visit"]},
        "volunteer-wish-photo": {"pk": _first(Wish.objects.all())},
        "public-wish-photo": {"code": Wish.objects.order_by("pk").first().code},
        "public-household": {"token": household.public_token},
        "public-report": {"token": household.public_token},
        "public-wish": {"token": household.public_token},
        "public-community-report": {"code": grid.community.code},
        "public-community-buildings": {"code": grid.community.code},
        "public-community-decisions": {"code": grid.community.code},
        "deliberation-topic": {"pk": _first(Topic.objects.filter(community=grid.community))},
        "deliberation-meeting": {"pk": _first(Meeting.objects.filter(community=grid.community))},
        "held-photo": {"token": "not-a-kept-photo"},
        "public-track": {"code": request.tracking_code},
        "public-wish-status": {"code": Wish.objects.order_by("pk").first().code},
        "volunteer-signup-mark": {"pk": _first(Signup.objects.filter(activity=activity))},
        "volunteer-signup-confirm": {"pk": _first(Signup.objects.filter(activity=activity))},
        "volunteer-points-correct": {"pk": _first(PointsEntry.objects.filter(volunteer=volunteer))},
        "volunteer-report": {"pk": _first(DualReport.objects.all())},
        "volunteer-member-report": {"pk": volunteer.pk},
        "volunteer-certificate": {"pk": volunteer.pk},
        "volunteer-detail": {"pk": volunteer.pk},
        "volunteer-post-act": {"pk": _first(ServicePost.objects.all()), "action": "claim"},
        "volunteer-wish-act": {"pk": _first(Wish.objects.all()), "action": "claim"},
        "volunteer-redeem": {"pk": _first(Gift.objects.all())},
        "volunteer-hand-over": {"pk": _first(Redemption.objects.all())},
        "volunteer-activity": {"pk": activity.pk},
        "volunteer-signup": {"pk": activity.pk},
        "volunteer-code": {"pk": activity.pk},
        "volunteer-scan": {"pk": activity.pk, "code": "ABCDEF"},
        "patrol-end": {"pk": _first(Patrol.objects.all())},
        "duty-task": {"pk": _first(IncomingTask.objects.filter(community=grid.community))},
        "report-download": {"pk": _first(MonthlyReport.objects.all()), "kind": "pdf"},
        "protected-media": {"name": "requests/nothing.jpg"},
        "open311-service": {"code": "property"},
        "open311-service-fmt": {"code": "property", "fmt": "json"},
        "open311-request": {"code": request.public_id},
        "open311-request-fmt": {"code": request.public_id, "fmt": "json"},
        "open311-unknown": {"rest": "v2/nothing.json"},
        "service-edit": {"pk": _first(ServiceItem.objects.filter(community=grid.community))},
        "service-booking": {"pk": _first(Booking.objects.filter(community=grid.community))},
        "public-services": {"code": grid.community.code},
        "public-service-book": {"code": grid.community.code, "pk": _first(ServiceItem.objects.filter(community=grid.community))},
        "public-booking": {"code": Booking.objects.filter(community=grid.community).order_by("pk").first().tracking_code},
        "public-booking-cancel": {"code": Booking.objects.filter(community=grid.community).order_by("pk").first().tracking_code},
        "api-public-services": {"code": grid.community.code},
        "api-public-booking": {"code": grid.community.code, "pk": _first(ServiceItem.objects.filter(community=grid.community))},
        "admin:app_list": {"app_label": "households"},
        "admin:view_on_site": {"content_type_id": ContentType.objects.get_for_model(Household).pk, "object_id": household.pk},
    }
    # The API's detail actions are named "<basename>-<action>": one id per basename fills them all, longest name first.
    ids["_by_basename"] = {
        "volunteer-activity": activity.pk,
        "volunteer": volunteer.pk,
        "service-post": _first(ServicePost.objects.all()),
        "post-claim": _first(PostClaim.objects.all()),
        "wish": _first(Wish.objects.all()),
        "gift-redemption": _first(Redemption.objects.all()),
        "gift": _first(Gift.objects.all()),
        "points-entry": _first(PointsEntry.objects.filter(volunteer=volunteer)),
        "dual-report": _first(DualReport.objects.all()),
        "reporting-unit": _first(ReportingUnit.objects.filter(community=grid.community)),
        "request": request.pk,
        "notification": _first(Notification.objects.all()),
        "patrol": _first(Patrol.objects.all()),
        "list-project": _first(Project.objects.all()),
        "linkage-record": _first(LinkageRecord.objects.all()),
        "monthly-report": _first(MonthlyReport.objects.all()),
        "incoming-task": _first(IncomingTask.objects.filter(community=grid.community)),
        "duty": _first(Duty.objects.filter(community=grid.community)),
        "department": _first(Department.objects.filter(district=grid.district)),
        "service-leave": _first(Leave.objects.all()),
        "service": _first(ServiceItem.objects.filter(community=grid.community)),
        "booking": _first(Booking.objects.filter(community=grid.community)),
        "deliberation-topic": _first(Topic.objects.filter(community=grid.community)),
        "deliberation-option": _first(Option.objects.filter(topic__community=grid.community)),
        "deliberation-task": _first(Task.objects.filter(topic__community=grid.community)),
        "deliberation-meeting": _first(Meeting.objects.filter(community=grid.community)),
        "deliberation-participant": _first(Participant.objects.filter(meeting__community=grid.community)),
        "cadre-profile": _first(WorkerProfile.objects.filter(community=grid.community)),
        "cadre-promotion": _first(Promotion.objects.filter(profile__community=grid.community)),
        "cadre-pool-entry": _first(PoolEntry.objects.filter(profile__community=grid.community)),
        "cadre-pair": _first(MentorPair.objects.filter(community=grid.community)),
        "cadre-meeting": _first(RoutineMeeting.objects.filter(community=grid.community)),
    }
    ids |= {
        "cadre-file": {"pk": ids["_by_basename"]["cadre-profile"]},
        "cadre-pair-file": {"pk": ids["_by_basename"]["cadre-pair"]},
    }
    return ids


def paths_of(name: str, arguments: tuple[str, ...], ids: dict) -> list[str]:
    """The route with an in-scope id, then with ids that do not exist; fails for a new route nobody taught this test to fill."""
    if not arguments:
        return [reverse(name)]
    if arguments == ("format",):
        return [reverse(name, kwargs={"format": "json"})]
    if name.startswith("admin:") and arguments in (("object_id",), ("id",)):
        return [reverse(name, kwargs={arguments[0]: value}) for value in ["1", *MISSING_IDS]]
    known = dict(ids.get(name) or ids.get(name.removesuffix("-fmt"), {}))
    if not known and arguments == ("pk",):
        basename = next((base for base in ids["_by_basename"] if name.startswith(f"{base}-")), None)
        known = {"pk": ids["_by_basename"][basename]} if basename else {}
    known |= {"format": "json"} if "format" in arguments else {}
    known |= {"fmt": "json"} if "fmt" in arguments else {}
    assert set(arguments) <= set(known), f"teach in_scope_ids() to fill {name}{arguments}"
    # Two routes may share a name (the page and the API both have "request-act"): keep the arguments of this one.
    known = {key: known[key] for key in arguments}
    paths = [reverse(name, kwargs=known)] if None not in known.values() else []
    integer = next((key for key in ("pk", "building", "object_id") if key in known), None)
    return paths + [reverse(name, kwargs={**known, integer: int(value)}) for value in MISSING_IDS] if integer else paths


def _ask(client, path: str, query: dict, failures: list, who) -> int:
    status = client.get(path, query).status_code
    if status >= 500:
        failures.append((who, path, query, status))
    return status


def _hostile(client, path: str, query: dict, failures: list, who) -> None:
    """A query string that renders used every value without failing; a refused one is halved until each part renders or is a single parameter."""
    if _ask(client, path, query, failures, who) == 200 or len(query) == 1:
        return
    items = list(query.items())
    for half in (dict(items[: len(items) // 2]), dict(items[len(items) // 2 :])):
        _hostile(client, path, half, failures, who)


@pytest.fixture
def quiet_request_log():
    """Thousands of refused requests would each log a warning with a traceback: most of the sweep's time, and noise."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


def test_attack_hostile_query_strings_and_ids_on_every_page_give_no_500(client, user, quiet_request_log):
    """Every route of the project (the back office aside) for seven personas, with the ids of grid 1 and, as the district, ids that do not exist.

    Each page is asked with the hostile query strings by the first persona it renders for (the narrowest, on the least data).
    """
    cache.clear()
    client.raise_request_exception = False
    ids = in_scope_ids()
    variants = {name: paths_of(name, arguments, ids) for name, arguments in routes() if not name.startswith("admin:")}
    assert {"assessment", "volunteer-certificate", "dashboard", "request-figures", "today", "visits-due"} <= set(variants)
    failures, swept = [], set()
    for who in PERSONAS:
        client.logout()
        if who:
            client.force_login(user(who))
        for name, paths in variants.items():
            in_scope, *missing = paths if ids.get(name, {}).get("pk", 0) is not None else [None, *paths]
            for path in missing if who == "district" else []:
                _ask(client, path, {}, failures, who)
            if in_scope is None or _ask(client, in_scope, {}, failures, who) != 200 or name in swept or name in NOT_SWEPT:
                continue
            swept.add(name)
            for query in HOSTILE_QUERIES:
                _hostile(client, in_scope, query, failures, who)
    assert {"assessment", "volunteer-certificate", "dashboard", "request-figures", "today", "household-list", "request-list"} <= swept
    assert failures == []


YEAR_MESSAGE = "年份须为 2000 到 2100 之间的数字。"
DATE_MESSAGE = "日期请按“年-月-日”（YYYY-MM-DD）填写"


@pytest.mark.parametrize("year", ["0", "10000", "abc", "²", "２０２６", "-1", "1999"])
def test_attack_impossible_year_on_assessment_and_certificate_is_a_400_saying_what_to_enter(login, year):
    client = login("district")
    client.raise_request_exception = False
    volunteer = Volunteer.objects.filter(community=User.objects.get(username="grid1").memberships.get().grid.community).order_by("pk").first()
    for path in ("/assessment/", f"/volunteers/{volunteer.pk}/certificate/"):
        response = client.get(path, {"year": year})
        assert response.status_code == 400, (path, response.status_code)
        assert YEAR_MESSAGE in response.content.decode(), path
        assert client.get(path, {"year": "2026"}).status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"period": "custom", "from": "0001-01-01", "to": "9999-12-31"}, DATE_MESSAGE),
        ({"period": "custom", "from": "2026-13-45"}, DATE_MESSAGE),
        ({"period": "custom", "to": "２０２６-01-01"}, DATE_MESSAGE),
        ({"period": "custom", "from": "20260101"}, DATE_MESSAGE),
        ({"period": "zzz"}, "请从列表中选择统计时段"),
    ],
)
def test_attack_impossible_dates_on_dashboard_and_figures_are_a_400_saying_what_to_enter(login, query, message):
    client = login("community1")
    client.raise_request_exception = False
    community = User.objects.get(username="community1").memberships.get().community
    paths = [f"/dashboard/community/{community.pk}/", f"/dashboard/community/{community.pk}/export.xlsx"]
    paths += ["/requests/figures/"] if "from" in query or "to" in query else []
    for path in paths:
        response = client.get(path, query)
        assert response.status_code == 400, (path, response.status_code)
        assert message in response.content.decode(), path


def test_dates_in_range_reversed_or_left_empty_still_give_the_figures(login):
    client = login("community1")
    community = User.objects.get(username="community1").memberships.get().community
    reversed_range = client.get("/requests/figures/", {"from": "2026-03-31", "to": "2026-03-01"})
    assert reversed_range.status_code == 200
    assert (reversed_range.context["start"], reversed_range.context["end"]) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    empty = client.get(f"/dashboard/community/{community.pk}/", {"period": "custom", "from": "", "to": ""})
    assert empty.status_code == 200 and empty.context["start"].day == 1


def test_api_answers_a_bad_query_in_its_error_shape(api):
    response = api("grid1").get("/api/households/", {"q": "\x00"})
    assert response.status_code == 400
    assert response.json() == {"message": "提交的文字中含有空字符（NUL），请重新输入。", "extra": {}}


class TestQueryParser:
    """core/params.py: the one parser every page uses for year, date, range and period."""

    today = dt.date(2026, 5, 20)

    def test_missing_or_empty_takes_the_default(self):
        assert params.query_year(QueryDict(""), default=2026) == 2026
        assert params.query_year(QueryDict("year="), default=2026) == 2026
        assert params.query_date(QueryDict("from="), "from", default=self.today) == self.today

    @pytest.mark.parametrize("value", ["2000", "2026", "2100"])
    def test_years_in_range_are_read(self, value):
        assert params.query_year(QueryDict(f"year={value}"), default=1) == int(value)

    @pytest.mark.parametrize("value", ["0", "1999", "2101", "10000", "abc", "²", "٢٠٢٦", "２０２６", " 2026", "2026.0", "+2026"])
    def test_impossible_years_are_refused(self, value):
        with pytest.raises(params.BadQuery):
            params.query_year({"year": value}, default=2026)

    @pytest.mark.parametrize("value", ["2026-13-45", "2026-02-30", "0001-01-01", "9999-12-31", "20260101", "2026-W01-1", "2026-1-1", "２０２６-01-01"])
    def test_impossible_dates_are_refused(self, value):
        with pytest.raises(params.BadQuery):
            params.query_date({"to": value}, "to", default=self.today)

    def test_the_range_is_put_in_order(self):
        start, end = params.query_date_range(QueryDict("from=2026-05-01&to=2026-04-01"), default_start=self.today, default_end=self.today)
        assert (start, end) == (dt.date(2026, 4, 1), dt.date(2026, 5, 1))

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("", ("month", dt.date(2026, 5, 1), dt.date(2026, 5, 20))),
            ("period=quarter", ("quarter", dt.date(2026, 4, 1), dt.date(2026, 5, 20))),
            ("period=year&from=2026-13-45", ("year", dt.date(2026, 1, 1), dt.date(2026, 5, 20))),
            ("period=custom&from=2025-12-01", ("custom", dt.date(2025, 12, 1), dt.date(2026, 5, 20))),
        ],
    )
    def test_periods(self, query, expected):
        assert params.query_period(QueryDict(query), today=self.today) == expected

    def test_unknown_period_is_refused(self):
        with pytest.raises(params.BadQuery):
            params.query_period(QueryDict("period=zzz"), today=self.today)


# "1" and the second digit are matched literally, so the attack keeps them ASCII and writes the other nine in other scripts.
FULL_WIDTH_MOBILE = "138１２３４５６７８"
ARABIC_INDIC_MOBILE = "138١٢٣٤٥٦٧٨"


@pytest.mark.parametrize("phone", [FULL_WIDTH_MOBILE, ARABIC_INDIC_MOBILE, "+86 " + FULL_WIDTH_MOBILE, "１３８１２３４５６７８"])
def test_attack_mobile_number_in_other_digits_is_refused_by_the_api_and_the_validator(api, phone):
    grid = User.objects.get(username="grid1").memberships.get().grid
    body = {"category": Category.objects.get(code="property-3").pk, "description": "楼道灯坏了", "grid": grid.pk}
    client = api("grid1")
    assert client.post("/api/requests/", {**body, "phone": "13812345678"}, format="json").status_code == 201
    before = ResidentRequest.objects.count()
    response = client.post("/api/requests/", {**body, "phone": phone}, format="json")
    assert response.status_code == 400
    assert "请输入大陆手机号" in str(response.json()["extra"]["fields"])
    assert ResidentRequest.objects.count() == before
    with pytest.raises(ValidationError):
        normalize_mobile(phone)
    assert normalize_mobile("+86 138-1234-5678") == "13812345678"


def test_attack_id_number_and_division_code_in_full_width_digits_are_refused():
    valid = "11010519491231002X"
    assert parse_id_number(valid).number == valid
    with pytest.raises(ValidationError):
        parse_id_number(valid.translate(str.maketrans("0123456789", "０１２３４５６７８９")))
    with pytest.raises(ValidationError):
        parse_id_number("١١٠١٠٥٤٩١٢٣١٠٠٢")
    with pytest.raises(ValidationError):
        digits_validator(6)("１３０１０２")


def _accepted_request(new_request, user):
    return request_accept(resident_request=new_request(), actor=user("community1"))


def test_attack_dispatch_to_a_missing_id_answers_like_an_out_of_area_person(api, new_request, user):
    """Before: an unknown id silently dispatched to the grid and an existing outsider was refused, which told who has an account."""
    request = _accepted_request(new_request, user)
    client = api("community1")
    outsider = client.post(f"/api/requests/{request.pk}/dispatch/", {"handler": user("grid3").pk}, format="json")
    missing = client.post(f"/api/requests/{request.pk}/dispatch/", {"handler": 999999999}, format="json")
    assert outsider.status_code == missing.status_code == 400
    assert outsider.json() == missing.json()
    assert missing.json()["extra"]["fields"]["handler"] == ["此人不能办理本辖区的诉求。"]
    request.refresh_from_db()
    assert request.status == Status.ACCEPTED and request.handler_id is None


@pytest.mark.parametrize("value", ["999999999", "abc", "²", "1.5"])
def test_attack_dispatch_page_with_an_unknown_or_junk_handler_or_unit_is_refused_not_a_500(login, new_request, user, value):
    request = _accepted_request(new_request, user)
    client = login("community1")
    client.raise_request_exception = False
    outsider = client.post(f"/requests/{request.pk}/act/dispatch/", {"handler": str(user("grid3").pk)})
    for field in ("handler", "unit"):
        response = client.post(f"/requests/{request.pk}/act/dispatch/", {field: value})
        assert response.status_code == 400, (field, value)
    assert response.context["error"] != outsider.context["error"]
    if value.isascii() and value.isdigit():
        # An id nobody holds answers exactly like a person outside the area: the answer tells nothing about accounts.
        assert client.post(f"/requests/{request.pk}/act/dispatch/", {"handler": value}).context["error"] == outsider.context["error"]
    request.refresh_from_db()
    assert request.status == Status.ACCEPTED


def test_attack_nul_character_in_path_query_form_or_json_is_a_400_not_a_500(client, login, api, new_request, user):
    client.raise_request_exception = False
    for path in ("/c/%00/report/", "/track/%00/", "/r/%00/", "/wish/%00/", "/open311/v2/requests/%00.json", "/open311/v2/requests.json?service_code=%00"):
        assert client.get(path).status_code == 400, path
    request = new_request()
    staff = login("community1")
    staff.raise_request_exception = False
    for path in ("/households/?q=%00", "/requests/board/?status=%00", f"/dashboard/community/{request.grid.community_id}/?period=%00"):
        assert staff.get(path).status_code == 400, path
    response = staff.post(f"/requests/{request.pk}/act/merge/", {"into": "\x00"})
    assert response.status_code == 400
    assert "空字符" in response.content.decode()
    merged = api("community1").post(f"/api/requests/{request.pk}/merge/", {"into": "\x00"}, format="json")
    assert merged.status_code == 400
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED


@pytest.fixture
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def test_attack_empty_and_junk_posts_to_the_public_forms_give_no_500(client, new_request, _fresh_limits):
    client.raise_request_exception = False
    household = Household.objects.filter(status="active").order_by("pk").first()
    request = new_request()
    paths = [
        f"/r/{household.public_token}/report/",
        f"/r/{household.public_token}/wish/",
        f"/c/{household.grid.community.code}/report/",
        f"/track/{request.tracking_code}/",
    ]
    bodies = [{}, {"grid": "abc", "building": "²", "category": "99999999999999999999", "rating": "-1", "phone": FULL_WIDTH_MOBILE, "photos": "x"}]
    for path in paths:
        for body in bodies:
            response = client.post(path, body)
            assert response.status_code < 500, (path, body, response.status_code)
        assert client.post(path, "{", content_type="application/json").status_code < 500, path


JUNK_JSON = [
    "[]",
    '"x"',
    "1",
    "null",
    "{",
    '{"grid": "abc", "building": [1], "category": {"a": 1}, "node_id": 99999999999999999999}',
    '{"action": "dispatch", "handler": "abc"}',
    '{"action": "merge", "into": "\\u0000", "reason": "\\u0000"}',
]


def test_attack_junk_json_to_the_api_create_endpoints_gives_no_500(api, new_request, _fresh_limits):
    request = new_request()
    household = request.household
    resident = Resident.objects.filter(household=household).first()
    paths = [
        "/api/requests/",
        "/api/households/",
        "/api/memberships/",
        f"/api/households/{household.pk}/visits/",
        f"/api/households/{household.pk}/reveal/",
        f"/api/residents/{resident.pk}/reveal/",
        f"/api/requests/{request.pk}/dispatch/",
        f"/api/requests/{request.pk}/merge/",
        f"/api/users/{User.objects.get(username='grid2').pk}/password-reset/",
        "/api/auth/token/",
        "/open311/v2/requests.json",
        "/api/volunteers/",
        "/api/volunteer-activities/",
        "/api/service-posts/",
        "/api/wishes/",
        "/api/gifts/",
        f"/api/wishes/{Wish.objects.order_by('pk').first().pk}/claim/",
        f"/api/points-entries/{PointsEntry.objects.order_by('pk').first().pk}/correct/",
    ]
    for who in ("community1", None):
        client = api(who)
        client.raise_request_exception = False
        for path in paths:
            for body in JUNK_JSON:
                response = client.post(path, body, content_type="application/json")
                assert response.status_code < 500, (who, path, body, response.status_code)


@pytest.mark.parametrize("grid", ["abc", "1.5", "²", ""])
def test_attack_junk_grid_on_patrol_start_is_refused_not_a_500(login, grid):
    client = login("grid1")
    client.raise_request_exception = False
    assert client.post(reverse("patrol-start"), {"grid": grid}).status_code == 403
