"""A failing SMS/WeChat gateway never fails the resident's request: the notification waits and is sent once later.

The sends leave the request: the commit queues a task for a worker. The tests run tasks in place (CELERY_TASK_ALWAYS_EAGER)
but for those that use `queued`, which publish as production does.
"""

import time

import pytest
from django.urls import reverse
from django.utils import timezone

from config.celery_app import app
from households.models import Household
from notifications import backends
from notifications.models import Notification
from notifications.services import MAX_ATTEMPTS, notifications_retry
from notifications.tasks import notifications_deliver_task
from resident_requests.models import Category, ResidentRequest

pytestmark = pytest.mark.django_db


class BrokenGateway:
    def send(self, notification):
        raise ConnectionError("SMS gateway unreachable")


@pytest.fixture
def queued(monkeypatch):
    """Celery publishing to the broker given, as in production, with no worker: `queued("memory://")`."""

    def to(broker_url: str) -> None:
        monkeypatch.setitem(app.conf, "task_always_eager", False)
        monkeypatch.setitem(app.conf, "broker_url", broker_url)
        monkeypatch.setitem(app.conf, "broker_transport_options", {})
        # Connections to another test's broker are kept in these pools; each test starts with its own.
        monkeypatch.setattr(app, "_pool", None)
        monkeypatch.setattr(app.amqp, "_producer_pool", None)

    return to


def post_card(client, description):
    household = Household.objects.filter(status=Household.Status.ACTIVE).order_by("pk").first()
    body = {"category": Category.objects.get(code="property-3").pk, "description": description, "website": ""}
    return client.post(reverse("public-report", args=[household.public_token]), body)


def test_a_broken_gateway_keeps_the_request_and_the_notification_is_sent_once_later(client, settings, outbox, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_BACKENDS = ["tests.notifications.test_outbox.BrokenGateway"]
    with django_capture_on_commit_callbacks(execute=True):
        response = post_card(client, "网关坏了也要把诉求存下来")
    assert response.status_code == 302
    created = ResidentRequest.objects.get(description="网关坏了也要把诉求存下来")
    waiting = Notification.objects.filter(url__contains=str(created.pk)) | Notification.objects.filter(delivery="pending", created_at__gte=created.created_at)
    pending = list(waiting.filter(delivery=Notification.Delivery.PENDING))
    assert pending and all(n.attempts == 1 and "SMS gateway unreachable" in n.last_error for n in pending)

    # The gateway is back: the retry sends each once; a second run (or a concurrent one) sends nothing more.
    settings.NOTIFICATION_BACKENDS = ["notifications.backends.RecordingBackend"]
    later = timezone.now() + timezone.timedelta(minutes=5)
    assert notifications_retry(now=later) == len(pending)
    assert notifications_retry(now=later) == 0
    assert sorted(n.pk for n in backends.outbox) == sorted(n.pk for n in pending)
    assert set(Notification.objects.filter(pk__in=[n.pk for n in pending]).values_list("delivery", flat=True)) == {"sent"}


def test_after_the_last_attempt_a_notification_is_dead(client, settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_BACKENDS = ["tests.notifications.test_outbox.BrokenGateway"]
    with django_capture_on_commit_callbacks(execute=True):
        post_card(client, "一直发不出去的通知")
    target = Notification.objects.filter(delivery=Notification.Delivery.PENDING).latest("pk")
    moment = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        moment += timezone.timedelta(hours=1)
        notifications_retry(now=moment)
    target.refresh_from_db()
    assert target.delivery == Notification.Delivery.DEAD and target.attempts == MAX_ATTEMPTS


def test_the_request_only_queues_the_send_and_a_worker_of_the_notifications_queue_sends_it(client, outbox, queued, django_capture_on_commit_callbacks):
    queued("memory://")
    with django_capture_on_commit_callbacks(execute=True):
        assert post_card(client, "通知交给队列去发").status_code == 302
    assert outbox == []
    pending = set(Notification.objects.filter(delivery=Notification.Delivery.PENDING, attempts=0).values_list("pk", flat=True))
    assert pending

    with app.connection_for_read() as connection:
        message = connection.SimpleQueue("notifications").get(timeout=1)
    task, (args, kwargs, _embed) = app.tasks[message.headers["task"]], message.decode()
    task.apply(args=args, kwargs=kwargs)
    assert {n.pk for n in outbox} == pending
    assert notifications_retry(now=timezone.now() + timezone.timedelta(minutes=5)) == 0


def test_with_the_broker_down_the_request_answers_without_the_gateway_and_the_retry_job_sends_once(client, outbox, queued, django_capture_on_commit_callbacks):
    # Nothing listens on port 1: queuing the send fails inside the request, after its commit.
    queued("redis://127.0.0.1:1/0")
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_card(client, "队列不通时诉求照样保存")
    assert response.status_code == 302 and time.monotonic() - started < 5
    assert ResidentRequest.objects.filter(description="队列不通时诉求照样保存").exists()
    assert outbox == []
    pending = set(Notification.objects.filter(delivery=Notification.Delivery.PENDING, attempts=0).values_list("pk", flat=True))
    assert pending

    assert notifications_retry() == len(pending)
    assert notifications_retry() == 0
    assert sorted(n.pk for n in outbox) == sorted(pending)


def test_after_one_refused_publish_the_next_requests_do_not_wait_for_the_broker(client, outbox, queued, monkeypatch, django_capture_on_commit_callbacks):
    queued("redis://127.0.0.1:1/0")
    tries = []
    publish = notifications_deliver_task.apply_async
    monkeypatch.setattr(notifications_deliver_task, "apply_async", lambda *args, **kwargs: tries.append(args) or publish(*args, **kwargs))
    for description in ("队列不通时第一件诉求", "队列不通时第二件诉求"):
        with django_capture_on_commit_callbacks(execute=True):
            assert post_card(client, description).status_code == 302
    # The first request found the broker down; the second did not ask it again, and both requests' sends wait for the retry job.
    assert len(tries) == 1 and outbox == []
    pending = Notification.objects.filter(delivery=Notification.Delivery.PENDING, attempts=0).count()
    assert pending >= 2 and notifications_retry() == pending
