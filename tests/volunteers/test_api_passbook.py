"""The volunteer pages' remaining actions over the API: own profile and registration, passbook and balance, reports,
certificate, reporting units, the organiser's check-in code and wish photos; scope answered as 404."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.models import Membership, User
from governance.roles import Role
from households.models import Household
from volunteers import services
from volunteers.models import DualReport, PointsEntry, ReportingUnit, ReviewStatus, Volunteer
from volunteers.services.points import points_add

pytestmark = pytest.mark.django_db


def test_a_volunteer_reads_their_own_profile_balance_and_passbook(api, member):
    points_add(volunteer=member, kind=PointsEntry.Kind.ACTIVITY, points=Decimal("12.5"), hours=Decimal("2.5"), note="社区义诊")
    client = api("volunteer1")
    mine = client.get("/api/volunteers/me/").json()
    assert mine["id"] == member.pk and Decimal(mine["summary"]["balance"]) >= Decimal("12.5")
    entries = client.get("/api/volunteers/me/points/").json()
    assert entries["results"][0]["note"] == "社区义诊" and entries["count"] == PointsEntry.objects.filter(volunteer=member).count()
    assert api("community1").get(f"/api/volunteers/{member.pk}/balance/").json()["balance"] == mine["summary"]["balance"]
    assert api("community1").get(f"/api/volunteers/{member.pk}/points/").json()["count"] == entries["count"]
    assert api("community2").get(f"/api/volunteers/{member.pk}/points/").status_code == 404
    assert api("grid1").get("/api/volunteers/me/").status_code == 403  # not a volunteer


def test_a_person_with_the_volunteer_role_registers_through_the_api(api, user):
    person = User.objects.create_user("newvolunteer", password="demo-pass-2026", full_name="志愿者甲")
    community = user("community1").memberships.get().community
    Membership.objects.create(user=person, role=Role.VOLUNTEER, community=community)
    client = api("newvolunteer")
    assert client.get("/api/volunteers/me/").status_code == 403
    bad = client.post("/api/volunteers/me/", {"name": "", "phone": "123"}, format="json")
    assert bad.status_code == 400 and "name" in bad.json()["extra"]["fields"]
    created = client.post("/api/volunteers/me/", {"name": "志愿者甲", "phone": "13912340001", "skills": ["repairs"]}, format="json")
    assert created.status_code == 201 and created.json()["status"] == ReviewStatus.PENDING
    assert Volunteer.objects.get(user=person).community == community
    assert client.post("/api/volunteers/me/", {"name": "志愿者甲", "phone": "13912340001"}, format="json").status_code == 400  # once


def test_reports_certificate_and_units_through_the_api(api, member):
    cadre = api("community1")
    report = cadre.post(f"/api/volunteers/{member.pk}/report/", format="json")
    assert report.status_code == 201 and DualReport.objects.filter(pk=report.json()["id"], volunteer=member).exists()
    certificate = cadre.get(f"/api/volunteers/{member.pk}/certificate/", {"year": 2026}).json()
    assert certificate["year"] == 2026 and certificate["volunteer"]["id"] == member.pk and "hours" in certificate["figures"]
    bad_year = cadre.get(f"/api/volunteers/{member.pk}/certificate/", {"year": "0"})
    assert bad_year.status_code == 400 and "year" in bad_year.json()["extra"]["fields"]

    body = {
        "community": member.community_id,
        "name": "市供电公司",
        "credit_code": "91130100MA0000000X",
        "party_org_name": "党委",
        "contact_name": "李",
        "contact_phone": "13800000000",
        "resources": "会议室",
    }
    refused = cadre.post("/api/reporting-units/", body, format="json")
    assert refused.status_code == 400 and "credit_code" in refused.json()["extra"]["fields"]  # the check character is wrong
    unit = ReportingUnit.objects.create(
        community=member.community,
        name="区医院",
        credit_code="12130100000000000A",
        party_org_name="党委",
        contact_name="王",
        contact_phone="1",
        resources="义诊",
    )
    assert api("community2").post(f"/api/reporting-units/{unit.pk}/confirm/", format="json").status_code == 404
    assert cadre.post(f"/api/reporting-units/{unit.pk}/confirm/", format="json").json()["status"] == ReviewStatus.CONFIRMED
    assert cadre.post(f"/api/reporting-units/{unit.pk}/report/", format="json").status_code == 201


def test_the_organiser_reads_the_check_in_code_and_volunteers_scan_it(api, member, user):
    activity = services.activity_publish(
        actor=user("community1"),
        community=member.community,
        title="扫码活动",
        place="广场",
        starts_at=timezone.now() + dt.timedelta(days=1),
        ends_at=timezone.now() + dt.timedelta(days=1, hours=2),
        places=5,
    )
    assert api("volunteer1").get(f"/api/volunteer-activities/{activity.pk}/code/").status_code == 403
    code = api("community1").get(f"/api/volunteer-activities/{activity.pk}/code/").json()
    assert code["code"] == services.checkin_code(activity) and 0 < code["seconds_left"] <= 30
    services.signup_create(volunteer=member, activity=activity)
    signups = api("community1").get(f"/api/volunteer-activities/{activity.pk}/signups/").json()
    assert [row["volunteer"] for row in signups["results"]] == [member.pk]
    assert api("volunteer1").get(f"/api/volunteer-activities/{activity.pk}/signups/").status_code == 403
    assert api("community2").get(f"/api/volunteer-activities/{activity.pk}/signups/").status_code == 404


def test_passbook_units_and_visits_due_do_not_grow_with_rows(api, member, user):
    client = api("community1")
    points_add(volunteer=member, kind=PointsEntry.Kind.ACTIVITY, points=Decimal(1), note="第一次")  # an empty page skips its query
    urls = [f"/api/volunteers/{member.pk}/points/", "/api/reporting-units/", "/api/visits/due/", "/api/volunteers/"]
    for url in urls:  # the first call warms per-process caches
        _queries(client, url)
    before = [_queries(client, url) for url in urls]
    for number in range(4):
        points_add(volunteer=member, kind=PointsEntry.Kind.ACTIVITY, points=Decimal(1), note=f"第{number}次")
        ReportingUnit.objects.create(
            community=member.community, name=f"单位{number}", credit_code=f"1213010000000000{number}A", party_org_name="党委",
            contact_name="王", contact_phone="1", resources="场地",
        )  # fmt: skip
    Household.objects.filter(grid__community=member.community, status="active").update(next_visit_due="2026-01-01")
    assert [_queries(client, url) for url in urls] == before


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)
