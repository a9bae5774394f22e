import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance.models import User
from volunteers import services
from volunteers.models import Activity, Signup

pytestmark = pytest.mark.django_db


def test_the_volunteer_page_shows_hours_points_and_households_without_identities(login, member):
    response = login("volunteer1").get(reverse("volunteer-me"))
    body = response.content.decode()
    summary = response.context["summary"]
    assert summary["balance"] == sum(e.points for e in member.ledger.all())
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


def test_sign_up_scan_and_confirm_through_the_pages(login, member, user_of):
    start = timezone.now() - dt.timedelta(minutes=5)
    activity = services.activity_publish(
        actor=user_of("community1"),
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
    volunteer.get(reverse("volunteer-scan", args=[activity.pk, services.checkin_code(activity)]))
    signup = Signup.objects.get(activity=activity, volunteer=member)
    assert signup.status == Signup.Status.CHECKED_IN
    assert volunteer.get(reverse("volunteer-code", args=[activity.pk])).status_code == 403
    Signup.objects.filter(pk=signup.pk).update(checked_in_at=start)
    volunteer.get(reverse("volunteer-scan", args=[activity.pk, services.checkin_code(activity)]))
    cadre = login("community1")
    assert "<svg" in cadre.get(reverse("volunteer-code", args=[activity.pk])).content.decode()
    cadre.post(reverse("volunteer-signup-confirm", args=[signup.pk]))
    signup.refresh_from_db()
    assert signup.status == Signup.Status.CONFIRMED and signup.hours > 0
    assert signup.ledger_entry.points == signup.hours * 10


def test_volunteer_lists_keep_a_constant_number_of_queries(member, user_of):
    def count(client, url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    from django.test import Client

    volunteer, cadre = Client(), Client()
    volunteer.force_login(user_of("volunteer1"))
    cadre.force_login(user_of("community1"))
    urls = [(volunteer, reverse("volunteer-me")), (volunteer, reverse("volunteer-activities")), (cadre, reverse("volunteer-desk"))]
    before = [count(client, url) for client, url in urls]
    start = timezone.now() + dt.timedelta(days=2)
    for index in range(4):
        activity = services.activity_publish(
            actor=user_of("community1"),
            community=member.community,
            title=f"活动{index}",
            place="x",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            places=5,
        )
        services.signup_create(volunteer=member, activity=activity)
        services.volunteer_register(community=member.community, name=f"志愿者{index}", phone=f"1370000{index:04d}")
    assert [count(client, url) for client, url in urls] == before
    assert User.objects.filter(username="volunteer1").exists()


def test_gifts_page_for_volunteers_and_cadres(login, member, user_of):
    from governance.models import ResidentUnit

    merchant = ResidentUnit.objects.filter(community=member.community).first()
    gift = services.gift_list(actor=user_of("community1"), merchant=merchant, name="电影票", points=10, stock=2)
    volunteer = login("volunteer1")
    assert gift in volunteer.get(reverse("volunteer-gifts")).context["page"].object_list
    volunteer.post(reverse("volunteer-redeem", args=[gift.pk]))
    redemption = member.redemptions.get(gift=gift)
    cadre = login("community1")
    assert redemption in cadre.get(reverse("volunteer-gifts")).context["waiting"]
    cadre.post(reverse("volunteer-hand-over", args=[redemption.pk]))
    redemption.refresh_from_db()
    assert redemption.status == "handed_over"
    assert login("grid1").get(reverse("volunteer-gifts")).status_code == 403
