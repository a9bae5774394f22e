"""The inbox over the API: one's own notifications only, the unread count, marking one or all read."""

import pytest

from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _inbox(user, count: int, batch: str = "a") -> list[Notification]:
    return Notification.objects.bulk_create(Notification(user=user, key=f"api-test:{batch}:{n}", title=f"通知 {batch}{n}") for n in range(count))


def test_the_list_is_the_callers_own_inbox_paginated_in_constant_queries(api, user, django_assert_num_queries):
    _inbox(user("grid1"), 3)
    _inbox(user("grid2"), 2)
    client = api("grid1")
    # COUNT for the page, then the page's rows.
    with django_assert_num_queries(2):
        first = client.get("/api/notifications/", {"page_size": 2}).json()
    assert first["count"] == Notification.objects.filter(user=user("grid1")).count() and len(first["results"]) == 2
    _inbox(user("grid1"), 10, batch="b")
    with django_assert_num_queries(2):
        client.get("/api/notifications/", {"page_size": 20})
    listed = {row["id"] for row in client.get("/api/notifications/", {"page_size": 200}).json()["results"]}
    assert listed == set(Notification.objects.filter(user=user("grid1")).values_list("pk", flat=True))


def test_marking_one_read_lowers_the_unread_count_and_anothers_is_404(api, user):
    (mine,) = _inbox(user("grid1"), 1)
    (theirs,) = Notification.objects.bulk_create([Notification(user=user("grid2"), key="api-test:theirs", title="别人的")])
    client = api("grid1")
    before = client.get("/api/notifications/unread-count/").json()["unread"]
    answer = client.post(f"/api/notifications/{mine.pk}/read/")
    assert answer.status_code == 200 and answer.json()["read_at"]
    assert client.get("/api/notifications/unread-count/").json()["unread"] == before - 1
    refused = client.post(f"/api/notifications/{theirs.pk}/read/")
    assert refused.status_code == 404 and set(refused.json()) == {"message", "extra"}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.post("/api/notifications/99999999/read/").status_code == 404


def test_mark_all_read_empties_only_the_callers_inbox(api, user, login):
    _inbox(user("grid1"), 3)
    _inbox(user("grid2"), 1)
    unread = Notification.objects.filter(user=user("grid1"), read_at__isnull=True).count()
    assert api("grid1").post("/api/notifications/read-all/").json() == {"marked": unread}
    assert api("grid1").get("/api/notifications/unread-count/").json() == {"unread": 0}
    assert Notification.objects.filter(user=user("grid2"), read_at__isnull=True).exists()
    # The page has the same action.
    login("grid2").post("/notifications/read/")
    assert not Notification.objects.filter(user=user("grid2"), read_at__isnull=True).exists()


def test_the_inbox_needs_a_login(api):
    assert api(None).get("/api/notifications/").status_code in (401, 403)
