import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from volunteers import selectors, services
from volunteers.models import Activity, Signup, Volunteer

pytestmark = pytest.mark.django_db


def test_the_volunteer_page_shows_hours_points_and_households_without_identities(login, member):
    response = login("volunteer1").get(reverse("volunteer-me"))
    body = response.content.decode()
    summary = response.context["summary"]
    assert summary["balance"] == sum(e.points for e in member.points_entries.all())
    for link in member.links.select_related("household__head"):
        assert link.household.address_label in body
        if link.household.head:
            assert link.household.head.name not in body
            assert link.household.phone_masked not in body


def test_a_volunteer_sees_only_their_communitys_activities(login, member):
    listed = {a.community_id for a in login("volunteer1").get(reverse("volunteer-activities")).context["page"].object_list}
    assert listed == {member.community_id}
    other = Activity.objects.exclude(community=member.community).first()
    assert login("volunteer1").get(reverse("volunteer-activity", args=[other.pk])).status_code == 404


def test_the_community_desk_is_scoped(login, member):
    assert login("community1").get(reverse("volunteer-detail", args=[member.pk])).status_code == 200
    assert login("community2").get(reverse("volunteer-detail", args=[member.pk])).status_code == 404
    assert login("grid1").get(reverse("volunteer-desk")).status_code == 403


def test_sign_up_scan_and_confirm_through_the_pages(login, member, user):
    start = timezone.now() - dt.timedelta(minutes=5)
    activity = services.activity_publish(
        actor=user("community1"),
        community=member.community,
        title="义务维修",
        place="党群服务中心",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        places=3,
        signup_closes_at=start + dt.timedelta(minutes=30),
    )
    volunteer = login("volunteer1")
    volunteer.post(reverse("volunteer-signup", args=[activity.pk]))
    # Opening the scanned address only shows the button; nothing changes until the tap.
    volunteer.get(reverse("volunteer-scan", args=[activity.pk, services.checkin_code(activity)]))
    assert Signup.objects.get(activity=activity, volunteer=member).status == Signup.Status.SIGNED_UP
    volunteer.post(reverse("volunteer-scan", args=[activity.pk, services.checkin_code(activity)]))
    signup = Signup.objects.get(activity=activity, volunteer=member)
    assert signup.status == Signup.Status.CHECKED_IN
    assert volunteer.get(reverse("volunteer-code", args=[activity.pk])).status_code == 403
    # Checked in at the start, with that moment's code: leaving now needs the current code, a later one.
    Signup.objects.filter(pk=signup.pk).update(checked_in_at=start, checkin_window=services.code_window(start))
    volunteer.post(reverse("volunteer-scan", args=[activity.pk, services.checkin_code(activity)]))
    cadre = login("community1")
    assert "<svg" in cadre.get(reverse("volunteer-code", args=[activity.pk])).content.decode()
    cadre.post(reverse("volunteer-signup-confirm", args=[signup.pk]))
    signup.refresh_from_db()
    assert signup.status == Signup.Status.CONFIRMED and signup.hours > 0
    assert signup.points_entry.points == signup.hours * 10


def test_volunteer_lists_keep_a_constant_number_of_queries(member, user):
    def count(client, url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    from django.test import Client

    volunteer, cadre = Client(), Client()
    volunteer.force_login(user("volunteer1"))
    cadre.force_login(user("community1"))
    urls = [(volunteer, reverse("volunteer-me")), (volunteer, reverse("volunteer-activities")), (cadre, reverse("volunteer-desk"))]
    before = [count(client, url) for client, url in urls]
    start = timezone.now() + dt.timedelta(days=2)
    for index in range(4):
        activity = services.activity_publish(
            actor=user("community1"),
            community=member.community,
            title=f"活动{index}",
            place="x",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            places=5,
        )
        services.signup_create(volunteer=member, activity=activity)
        services.volunteer_register(actor=user("community1"), community=member.community, name=f"志愿者{index}", phone=f"1370000{index:04d}")
    assert [count(client, url) for client, url in urls] == before
    assert Volunteer.objects.filter(community=member.community, name__in=[f"志愿者{index}" for index in range(4)]).count() == 4


def test_gifts_page_for_volunteers_and_cadres(login, member, user):
    from governance.models import ResidentUnit

    merchant = ResidentUnit.objects.filter(community=member.community).first()
    gift = services.gift_list(actor=user("community1"), merchant=merchant, name="电影票", points=10, stock=2)
    volunteer = login("volunteer1")
    assert gift in volunteer.get(reverse("volunteer-gifts")).context["page"].object_list
    volunteer.post(reverse("volunteer-redeem", args=[gift.pk]))
    redemption = member.redemptions.get(gift=gift)
    cadre = login("community1")
    assert redemption in cadre.get(reverse("volunteer-gifts")).context["redemptions"]
    cadre.post(reverse("volunteer-hand-over", args=[redemption.pk]))
    redemption.refresh_from_db()
    assert redemption.status == "handed_over"
    assert login("grid1").get(reverse("volunteer-gifts")).status_code == 403


def test_a_wish_from_the_card_to_the_points(client, login, member, user, outbox, django_capture_on_commit_callbacks):
    import datetime as dt

    from django.core.management import call_command

    from households.models import Household
    from volunteers.models import PointsEntry, Wish

    household = Household.objects.filter(grid__community=member.community, status="active").first()
    response = client.post(reverse("public-wish", args=[household.public_token]), {"resident_name": "张秀英", "content": "想要一个看报纸的放大镜"})
    wish = Wish.objects.get(content="想要一个看报纸的放大镜")
    assert response["Location"] == reverse("public-wish-status", args=[wish.code])
    cadre = login("community1")
    cadre.post(reverse("volunteer-wish-act", args=[wish.pk, "publish"]))
    # Fourteen days unclaimed: the cadres are reminded once.
    Wish.objects.filter(pk=wish.pk).update(published_at=timezone.now() - dt.timedelta(days=15))
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("remind_unclaimed_wishes")
    assert [n.user for n in outbox if n.key == f"wish-unclaimed:{wish.pk}"].count(user("community1")) == 1
    volunteer = login("volunteer1")
    board = volunteer.get(reverse("volunteer-wishes")).content.decode()
    assert "想要一个看报纸的放大镜" in board and "张秀英" not in board and "张**" in board
    volunteer.post(reverse("volunteer-wish-act", args=[wish.pk, "claim"]))
    volunteer.post(reverse("volunteer-wish-act", args=[wish.pk, "fulfil"]), {"note": "已送到家中"})
    before = PointsEntry.objects.filter(volunteer=member, kind="wish").count()
    client.post(reverse("public-wish-status", args=[wish.code]))
    wish.refresh_from_db()
    assert wish.status == "confirmed"
    assert PointsEntry.objects.filter(volunteer=member, kind="wish").count() == before + 1


def test_two_volunteers_cannot_both_claim_a_wish(member, user):
    from volunteers.models import Volunteer, Wish

    wish = services.wish_post(community=member.community, resident_name="李", content="需要有人陪同就医")
    services.wish_review(actor=user("community1"), wish=wish, publish=True)
    other = Volunteer.objects.create(community=member.community, name="另一名志愿者", status="confirmed")
    stale = Wish.objects.get(pk=wish.pk)
    services.wish_claim(wish=wish, volunteer=member)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.wish_claim(wish=stale, volunteer=other)
    assert Wish.objects.get(pk=wish.pk).claimed_by == member


def test_service_posts_claimed_confirmed_on_duty_and_released(login, member, user):
    from volunteers.models import PointsEntry, PostClaim

    post = services.post_publish(actor=user("community1"), community=member.community, title="线上楼栋长", places=1)
    volunteer, cadre = login("volunteer1"), None
    volunteer.post(reverse("volunteer-post-act", args=[post.pk, "claim"]))
    claim = PostClaim.objects.get(post=post, volunteer=member)
    cadre = login("community1")
    cadre.post(reverse("volunteer-post-act", args=[claim.pk, "confirm"]))
    cadre.post(reverse("volunteer-post-act", args=[claim.pk, "duty"]), {"hours": "2"})
    assert PointsEntry.objects.filter(volunteer=member, kind="post").first().points == 20
    other = services.volunteer_register(actor=user("community1"), community=member.community, name="晚来的", phone="13766667777")
    other = services.volunteer_confirm(actor=user("community1"), volunteer=other, grid=member.grid)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.post_claim(volunteer=other, post=post)
    login("volunteer1").post(reverse("volunteer-post-act", args=[claim.pk, "release"]))
    assert PostClaim.objects.get(pk=claim.pk).status == "released"
    assert services.post_claim(volunteer=other, post=post).status == "claimed"


def test_member_report_and_certificate_come_from_the_records(login, member, user):
    import datetime as dt

    from volunteers.models import DualReport

    cadre = login("community1")
    response = cadre.post(reverse("volunteer-member-report", args=[member.pk]))
    report = DualReport.objects.get(volunteer=member)
    assert response["Location"] == reverse("volunteer-report", args=[report.pk])
    expected = selectors.member_figures(member, start=report.period_start, end=report.period_end)
    assert report.figures == expected
    assert report.figures["households"] == member.links.count()
    cadre.post(reverse("volunteer-report", args=[report.pk]), {"note": "表现突出"})
    report.refresh_from_db()
    assert report.status == "reviewed" and report.reviewed_by == user("community1")
    assert login("community2").get(reverse("volunteer-report", args=[report.pk])).status_code == 404
    year = dt.date.today().year
    certificate = login("community1").get(reverse("volunteer-certificate", args=[member.pk]) + f"?year={year}").content.decode()
    assert member.name in certificate and selectors.member_figures(member, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))["hours"] in certificate


def test_units_register_with_a_valid_credit_code_and_report_yearly(login, user):
    from volunteers.models import DualReport, ReportingUnit

    cadre = login("community1")
    response = cadre.post(
        reverse("volunteer-units"),
        {
            "action": "register",
            "name": "长安区医院",
            "credit_code": "91350100M000100Y44",
            "party_org_name": "医院党委",
            "contact_name": "王主任",
            "contact_phone": "13800002222",
            "resources": "义诊",
        },
    )
    assert "credit_code" in response.context["form"].errors or response.context["form"].non_field_errors()
    cadre.post(
        reverse("volunteer-units"),
        {
            "action": "register",
            "name": "长安区医院",
            "credit_code": "91350100M000100Y43",
            "party_org_name": "医院党委",
            "contact_name": "王主任",
            "contact_phone": "13800002222",
            "resources": "义诊",
        },
    )
    unit = ReportingUnit.objects.get(credit_code="91350100M000100Y43")
    cadre.post(reverse("volunteer-units"), {"action": "confirm", "unit": unit.pk})
    cadre.post(reverse("volunteer-units"), {"action": "report", "unit": unit.pk})
    report = DualReport.objects.get(unit=unit)
    assert report.addressed_to == "医院党委" and report.figures["members"] == 0


def test_links_show_on_the_household_page_and_the_desk_registers_members(login, member, user):
    from volunteers.models import Volunteer

    link = member.links.select_related("household").first()
    assert member.name in login("grid1").get(reverse("household-detail", args=[link.household_id])).content.decode()
    response = login("community1").post(reverse("volunteer-desk"), {"name": "新党员", "phone": "13755556666", "is_party_member": "on", "skills": ["medical"]})
    created = Volunteer.objects.get(name="新党员")
    assert response["Location"] == reverse("volunteer-detail", args=[created.pk]) and created.status == "pending"


def test_wishes_posts_and_gifts_lists_keep_a_constant_number_of_queries(member, user):
    from django.test import Client

    from governance.models import ResidentUnit

    cadre_user = user("community1")
    volunteer, cadre = Client(), Client()
    volunteer.force_login(user("volunteer1"))
    cadre.force_login(cadre_user)

    def grow(index):
        wish = services.wish_post(community=member.community, resident_name="王", content=f"心愿{index}号需要帮助")
        services.wish_review(actor=cadre_user, wish=wish, publish=True)
        post = services.post_publish(actor=cadre_user, community=member.community, title=f"岗位{index}", places=2)
        services.post_claim(volunteer=member, post=post)
        services.gift_list(actor=cadre_user, merchant=ResidentUnit.objects.filter(community=member.community).first(), name=f"礼品{index}", points=5, stock=3)

    def count(client, url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    grow(0)
    urls = [(client, reverse(name)) for client in (volunteer, cadre) for name in ("volunteer-wishes", "volunteer-posts", "volunteer-gifts")]
    before = [count(client, url) for client, url in urls]
    for index in range(1, 4):
        grow(index)
    assert [count(client, url) for client, url in urls] == before


def test_the_organiser_checks_in_by_hand_and_corrects_the_ledger(login, member, user):
    import datetime as dt

    start = timezone.now() - dt.timedelta(minutes=20)
    activity = services.activity_publish(
        actor=user("community1"),
        community=member.community,
        title="手工签到",
        place="x",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        places=2,
        signup_closes_at=start + dt.timedelta(minutes=30),
    )
    signup = services.signup_create(volunteer=member, activity=activity)
    cadre = login("community1")
    cadre.post(reverse("volunteer-signup-mark", args=[signup.pk]))
    Signup.objects.filter(pk=signup.pk).update(checked_in_at=start)
    cadre.post(reverse("volunteer-signup-mark", args=[signup.pk]))
    cadre.post(reverse("volunteer-signup-confirm", args=[signup.pk]))
    entry = Signup.objects.get(pk=signup.pk).points_entry
    before = selectors.points_balance(member)
    cadre.post(reverse("volunteer-points-correct", args=[entry.pk]), {"note": "签到时间有误"})
    assert selectors.points_balance(member) == before - entry.points
    assert login("volunteer1").post(reverse("volunteer-points-correct", args=[entry.pk]), {"note": "x"}).status_code == 404


def test_a_cadre_posts_a_wish_for_a_resident_and_a_unit_claims_it(login, member):
    from governance.models import ResidentUnit
    from volunteers.models import Wish

    cadre = login("community1")
    cadre.post(reverse("volunteer-wishes"), {"resident_name": "赵大爷", "content": "希望有人帮忙修收音机"})
    wish = Wish.objects.get(content="希望有人帮忙修收音机")
    cadre.post(reverse("volunteer-wish-act", args=[wish.pk, "publish"]))
    unit = ResidentUnit.objects.filter(community=member.community).first()
    cadre.post(reverse("volunteer-wish-act", args=[wish.pk, "claim"]), {"unit": unit.pk})
    wish.refresh_from_db()
    assert wish.status == "claimed" and wish.claimed_unit == unit and wish.claimed_by is None


def test_a_resident_unit_organises_an_activity(login, member):
    from governance.models import ResidentUnit

    unit = ResidentUnit.objects.filter(community=member.community).first()
    response = login("community1").post(
        reverse("volunteer-activities"),
        {"title": "义诊", "place": "卫生服务中心", "starts_at": "2030-05-01T09:00", "ends_at": "2030-05-01T11:00", "places": 5, "organiser_unit": unit.pk},
    )
    created = Activity.objects.get(title="义诊", organiser_unit=unit)
    assert response["Location"] == reverse("volunteer-activity", args=[created.pk])
    assert unit.name in login("volunteer1").get(reverse("volunteer-activity", args=[created.pk])).content.decode()
