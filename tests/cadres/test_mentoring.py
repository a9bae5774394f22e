"""一对一帮带: pairs chosen both ways, plan and growth file, the "四个一" meetings reminded once, the dashboard's figures."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cadres import mentoring
from cadres.models import GrowthEntry, MentorPair, Pool, RoutineMeeting
from notifications.models import Notification
from oversight import dashboards
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(team):
    """A new mentor and a new reserve of community1, not yet paired (the world pairs its secretary and grid1's worker)."""
    community = team["grid1"].community
    mentor, trainee = f.WorkerProfileFactory(community=community), f.WorkerProfileFactory(community=community)
    f.pool_filed(mentor, Pool.MENTOR)
    f.pool_filed(trainee, Pool.RESERVE)
    return {**team, "mentor": mentor, "trainee": trainee}


def test_a_pair_is_active_once_both_sides_have_chosen(login, filed, user):
    mentor, trainee = filed["mentor"], filed["trainee"]
    client = login("cc001")
    client.post(reverse("cadre-pairs"), {"action": "choose", "mentor": mentor.pk, "trainee": trainee.pk, "side": "trainee"})
    pair = MentorPair.objects.get(mentor=mentor, trainee=trainee)
    assert pair.status == MentorPair.Status.PROPOSED
    client.post(reverse("cadre-pairs"), {"action": "choose", "mentor": mentor.pk, "trainee": trainee.pk, "side": "mentor"})
    pair.refresh_from_db()
    assert (pair.status, pair.started_on) == (MentorPair.Status.ACTIVE, timezone.localdate())


def test_only_filed_workers_can_be_paired(filed, user):
    with pytest.raises(ValidationError, match="导师库"):
        mentoring.pair_choose(actor=user("community1"), mentor=filed["trainee"], trainee=filed["mentor"], side="mentor")
    with pytest.raises(ValidationError):
        mentoring.pair_choose(actor=user("community1"), mentor=filed["mentor"], trainee=filed["mentor"], side="mentor")


def _active_pair(filed, user):
    for side in ("mentor", "trainee"):
        pair = mentoring.pair_choose(actor=user("community1"), mentor=filed["mentor"], trainee=filed["trainee"], side=side)
    return pair


def test_the_growth_file_and_plan_feed_the_dashboards_figures(api, filed, user):
    pair = _active_pair(filed, user)
    today = timezone.localdate()
    url = reverse("cadre-pair-growth", kwargs={"pk": pair.pk})
    for kind, solved in [("daily", False), ("daily", False), ("hard_task", True), ("hard_task", False), ("talk", False)]:
        assert api("community1").post(url, {"kind": kind, "on": today.isoformat(), "text": "跟岗调解纠纷", "solved": solved}, format="json").status_code == 200
    assert api("community1").post(url, {"kind": "daily", "on": (today + dt.timedelta(days=1)).isoformat(), "text": "明天"}, format="json").status_code == 400
    measure = api("community1").post(reverse("cadre-pair-measure", kwargs={"pk": pair.pk}), {"text": "每周跟岗两天"}, format="json").json()["measures"][0]
    done = api("community1").post(reverse("cadre-pair-measure-done", kwargs={"pk": pair.pk}), {"measure": measure["id"]}, format="json")
    assert done.json()["measures"][0]["done_on"] == today.isoformat()
    rows = {row["label"]: (row["numerator"], row["denominator"]) for row in dashboards.compute(pair.community, today, today)["mentoring"]}
    # With the world's pair, which has one day shadowed.
    assert rows["在帮带的结对"] == (2, 2)
    assert rows["近7天跟岗天数"] == (3, 2)
    assert rows["解决的问题"] == (1, 2)
    assert GrowthEntry.objects.filter(pair=pair).count() == 5
    # Another street's cadre cannot reach the pair.
    assert api("street02").get(reverse("cadre-pair-detail", kwargs={"pk": pair.pk})).status_code == 404


def test_a_missed_meeting_is_reminded_once(filed, user, yesterday, outbox, django_capture_on_commit_callbacks):
    community = filed["grid1"].community
    missed = mentoring.meeting_schedule(actor=user("community1"), community=community, kind=RoutineMeeting.Kind.RESULTS, scheduled_on=yesterday)
    held = mentoring.meeting_schedule(actor=user("community1"), community=community, kind=RoutineMeeting.Kind.SEMINAR, scheduled_on=yesterday)
    mentoring.meeting_record(actor=user("community1"), meeting=held, held_on=yesterday, minutes="导师交流帮带心得")
    with pytest.raises(ValidationError):
        mentoring.meeting_schedule(actor=user("community1"), community=community, kind=RoutineMeeting.Kind.RESULTS, scheduled_on=yesterday)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_mentoring_meetings", stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        assert mentoring.meetings_remind() == 0
    reminded = Notification.objects.filter(key=f"cadres-meeting:{missed.pk}")
    # The secretary and the cadre of community1 keep the files there.
    assert set(reminded.values_list("user__username", flat=True)) == {"community1", "cc001"}
    assert len(outbox) == 2
    assert not Notification.objects.filter(key=f"cadres-meeting:{held.pk}").exists()
