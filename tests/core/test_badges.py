"""The header's badges are counted once per half minute per person, and at once after the person's own change."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Notification
from notifications.services import notification_mark_all_read, notification_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def badges_cached(settings):
    settings.BADGE_CACHE_SECONDS = 30
    cache.clear()
    yield
    cache.clear()


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_a_second_page_does_not_count_the_badges_again(login, badges_cached):
    client = login("grid1")
    first, second = queries(client, reverse("today")), queries(client, reverse("today"))
    assert second == first - 2  # the unread and the waiting counts come from the cache


def test_reading_or_receiving_shows_at_once(login, user, badges_cached, django_capture_on_commit_callbacks):
    grid1 = user("grid1")
    client = login("grid1")
    client.get(reverse("today"))
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(notifications=[Notification(user=grid1, key="badge-test", title="新诉求待接单")])
    unread = Notification.objects.filter(user=grid1, read_at__isnull=True).count()
    assert unread >= 1 and re.search(rf"data-unread>\s*{unread}\s*<", client.get(reverse("today")).content.decode())
    notification_mark_all_read(actor=grid1)
    page = client.get(reverse("today")).content.decode()
    assert "data-unread" not in page
