"""包联: records by leaders and cadres, compliance, weekly reminders, problems becoming requests."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from governance.models import AuditEntry
from party_building import linkage
from party_building.models import LinkageDuty

pytestmark = pytest.mark.django_db


def test_compliance_follows_the_records(user):
    community = user("community1").memberships.get().community
    today = timezone.localdate()
    fresh = LinkageDuty.objects.create(user=user("street1"), community=community, kind="district_leader", department="区民政局")
    other = LinkageDuty.objects.create(user=user("community2"), community=community, kind="district_leader", department="区住建局")
    state = linkage.compliance(LinkageDuty.objects.filter(pk=fresh.pk), [community], today=today)
    assert [d for d, _what in state["behind"]] == [fresh]
    linkage.linkage_record(actor=user("street1"), community=community, duty=fresh, kind="visit", held_on=today, people="区民政局局长", topics="养老服务")
    state = linkage.compliance(LinkageDuty.objects.filter(pk__in=[fresh.pk, other.pk]), [community], today=today)
    # The record counts for its own duty only: the other leader of the same community is still behind.
    assert [d for d, _what in state["behind"]] == [other]


def test_only_the_leader_records_their_visit_and_cadres_record_meetings(user):
    community = user("community1").memberships.get().community
    duty = LinkageDuty.objects.filter(community=community, kind="street_leader").first()
    with pytest.raises(PermissionDenied):
        linkage.linkage_record(actor=user("grid1"), community=community, duty=duty, kind="visit", held_on=timezone.localdate(), people="x", topics="议题")
    with pytest.raises(PermissionDenied):
        linkage.linkage_record(actor=user("grid1"), community=community, kind="joint_meeting", held_on=timezone.localdate(), people="x", topics="议题")
    meeting = linkage.linkage_record(
        actor=user("community1"),
        community=community,
        kind="joint_meeting",
        held_on=timezone.localdate(),
        people="各驻区单位",
        topics="停车难",
        problems="小区停车位不足\n路灯不亮",
    )
    state = linkage.compliance(LinkageDuty.objects.none(), [community])
    assert community not in state["no_meeting"]
    assert AuditEntry.objects.filter(actor=user("community1"), action=AuditEntry.Action.CREATE, object_id=str(meeting.pk)).exists()


def test_a_problem_raised_becomes_a_request_in_one_step(login, user):
    from resident_requests.models import Category, ResidentRequest

    community = user("community1").memberships.get().community
    meeting = linkage.linkage_record(
        actor=user("community1"),
        community=community,
        kind="joint_meeting",
        held_on=timezone.localdate(),
        people="各驻区单位",
        topics="停车难",
        problems="小区停车位不足",
    )
    login("community1").post(
        reverse("linkage"), {"action": "to_request", "record": meeting.pk, "problem": "小区停车位不足", "category": Category.objects.get(code="transport").pk}
    )
    assert ResidentRequest.objects.filter(description__contains="小区停车位不足", grid__community=community).exists()


def test_weekly_reminders_reach_the_leaders_behind_once(outbox, django_capture_on_commit_callbacks):
    week = timezone.localdate().isocalendar()
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("remind_linkage")
    behind = linkage.compliance(LinkageDuty.objects.all(), [])["behind"]
    sent = [(notification.user_id, notification.key) for notification in outbox]
    assert behind and sorted(sent) == sorted(set(sent))
    assert {(duty.user_id, f"linkage:{duty.pk}:{week.year}-{week.week}") for duty, _what in behind} <= set(sent)


def test_the_page_is_scoped(login, user):
    mine, other = user("community1").memberships.get().community, user("community2").memberships.get().community
    state = login("community1").get(reverse("linkage")).context["state"]
    assert {duty.community_id for duty, _what in state["behind"]} <= {mine.pk}
    assert other not in state["no_meeting"]
    assert login("volunteer1").get(reverse("linkage")).status_code == 403
