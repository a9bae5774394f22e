"""Two runs of one job at once, on real concurrent database connections, send each notification once."""

import threading
import time

import pytest
from django.db import connection, transaction

from governance.models import User
from notifications.models import Notification
from notifications.services import notification_send
from tests.resident_requests.test_concurrency import run_together

pytestmark = [pytest.mark.flushes_db, pytest.mark.django_db(transaction=True)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database for real concurrency")
def test_a_run_racing_an_uncommitted_one_sends_nothing_again(outbox):
    users = [User.objects.create_user(f"race{index}", full_name=f"并发{index}") for index in range(20)]
    first_stored = threading.Event()

    def send():
        return notification_send(notifications=[Notification(user=user, key="race:1", title="同一条提醒") for user in users])

    def first():
        with transaction.atomic():
            stored = send()
            first_stored.set()
            # The second run's INSERT now meets these rows uncommitted and waits for this transaction.
            time.sleep(0.3)
        return stored

    def second():
        first_stored.wait(timeout=5)
        return send()

    results, errors = run_together(first, second)
    assert not errors
    assert sorted(len(stored) for stored in results) == [0, 20]
    assert len(outbox) == Notification.objects.filter(key="race:1").count() == 20
