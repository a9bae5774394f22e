"""The daily reminders: an overdue follow-through task once, a community without this month's three-party meeting once."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from deliberation.models import Meeting, Task
from deliberation.reminders import THREE_PARTY_REMIND_FROM_DAY, tasks_overdue_remind, three_party_remind
from notifications.models import Notification
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_an_overdue_task_is_reminded_once_to_its_communitys_organisers(user, outbox, django_capture_on_commit_callbacks):
    task = Task.objects.get(topic__title="加装电梯意见征集")
    later = task.due_on + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks_overdue_remind(today=task.due_on) == 0
        sent = tasks_overdue_remind(today=later)
        again = tasks_overdue_remind(today=later + dt.timedelta(days=1))
    assert {n.user.username for n in outbox} == {"community1", "cc001"}
    assert (sent, again, len(outbox)) == (2, 0, 2)


def test_a_done_task_is_not_reminded(user):
    task = Task.objects.get(topic__title="加装电梯意见征集")
    Task.objects.filter(pk=task.pk).update(status="done")
    assert tasks_overdue_remind(today=task.due_on + dt.timedelta(days=3)) == 0


def test_the_three_party_cadence_reminds_each_community_once_a_month(user, outbox, django_capture_on_commit_callbacks):
    community1 = user("community1").memberships.get().community
    today = timezone.localdate()
    day = today.replace(day=THREE_PARTY_REMIND_FROM_DAY)
    f.MeetingFactory(community=community1, kind=Meeting.Kind.THREE_PARTY, held_on=day + dt.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert three_party_remind(today=day - dt.timedelta(days=1)) == 0
        three_party_remind(today=day)
        three_party_remind(today=day + dt.timedelta(days=1))
        call_command("remind_deliberation", stdout=io.StringIO())
    reminded = Notification.objects.filter(key__startswith="three-party:")
    # Scheduled this month: community1 is not reminded; community2 is, once, whoever runs the job again.
    assert not reminded.filter(user__username__in=["community1", "cc001"]).exists()
    assert reminded.filter(user__username="community2").count() == 1
    assert sum(n.user.username == "community2" for n in outbox) == 1
