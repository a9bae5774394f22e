"""The one send service stores what is new and sends exactly that; the inbox shows a person their own notifications."""

import pytest
from django.db import transaction
from django.urls import reverse

from governance.models import User
from notifications.models import Notification
from notifications.services import notification_send

pytestmark = pytest.mark.django_db


def unsaved(username: str, key: str, title: str = "通知") -> Notification:
    return Notification(user=User.objects.get(username=username), key=key, title=title)


def test_a_second_send_of_the_same_keys_stores_and_sends_only_the_new_one(outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = notification_send(notifications=[unsaved("grid1", "t:1"), unsaved("grid2", "t:1")])
    with django_capture_on_commit_callbacks(execute=True):
        second = notification_send(notifications=[unsaved("grid1", "t:1"), unsaved("grid2", "t:1"), unsaved("grid1", "t:2")])
    assert len(first) == 2 and [(n.user.username, n.key) for n in second] == [("grid1", "t:2")]
    assert sorted((n.user.username, n.key) for n in outbox) == [("grid1", "t:1"), ("grid1", "t:2"), ("grid2", "t:1")]


def test_a_key_repeated_in_one_call_is_stored_and_sent_once(outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(notifications=[unsaved("grid1", "t:1", "第一条"), unsaved("grid1", "t:1", "第二条")])
    assert [n.title for n in outbox] == ["第一条"]
    assert list(Notification.objects.filter(user__username="grid1", key="t:1").values_list("title", flat=True)) == ["第一条"]


def test_a_row_stored_before_is_not_sent_again(outbox, django_capture_on_commit_callbacks):
    Notification.objects.create(user=User.objects.get(username="grid1"), key="t:1", title="早先的")
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_send(notifications=[unsaved("grid1", "t:1")]) == []
    assert outbox == []


def test_nothing_is_sent_when_the_writing_transaction_rolls_back(outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        notification_send(notifications=[unsaved("grid1", "t:1")])
        raise RuntimeError
    assert outbox == [] and not Notification.objects.filter(key="t:1").exists()


def test_a_password_reset_by_governance_reaches_the_person_through_the_channels(user, outbox, django_capture_on_commit_callbacks):
    from governance.services import user_password_reset

    with django_capture_on_commit_callbacks(execute=True):
        user_password_reset(actor=user("community1"), user=user("grid1"))
    assert [(n.user.username, n.key.startswith("password-reset-")) for n in outbox] == [("grid1", True)]


def test_the_inbox_lists_ones_own_notifications_and_marks_only_them_read(login, user):
    mine = Notification.objects.create(user=user("grid1"), key="t:1", title="给网格员一的通知")
    theirs = Notification.objects.create(user=user("grid2"), key="t:1", title="给网格员二的通知")
    client = login("grid1")
    assert reverse("notification-list") == "/notifications/"
    page = client.get(reverse("notification-list")).content.decode()
    unread = Notification.objects.filter(user=user("grid1"), read_at__isnull=True).count()
    assert "给网格员一的通知" in page and "给网格员二的通知" not in page and f"data-unread>{unread}<" in page
    client.post(reverse("notification-read", args=[theirs.pk]))
    assert client.post(reverse("notification-read", args=[mine.pk]))["Location"] == reverse("notification-list")
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
