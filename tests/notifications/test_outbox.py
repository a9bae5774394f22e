"""A failing SMS/WeChat gateway never fails the resident's request: the notification waits and is sent once later."""

import pytest
from django.urls import reverse
from django.utils import timezone

from households.models import Household
from notifications import backends
from notifications.models import Notification
from notifications.services import MAX_ATTEMPTS, notifications_retry
from resident_requests.models import Category, ResidentRequest

pytestmark = pytest.mark.django_db


class BrokenGateway:
    def send(self, notification):
        raise ConnectionError("SMS gateway unreachable")


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
