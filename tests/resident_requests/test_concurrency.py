"""Two sweeps at once, and two people taking at once, on real concurrent database connections."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from governance.models import User
from resident_requests.lifecycle import HANDLING, Status
from resident_requests.models import ResidentRequest
from resident_requests.services.escalation import requests_sweep
from resident_requests.services.transition import Conflict
from resident_requests.services.workflow import request_take
from tests.conftest import seed_world
from tests.factories import ResidentRequestFactory

pytestmark = [pytest.mark.flushes_db, pytest.mark.django_db(transaction=True)]


def run_together(*targets):
    """Start the callables at the same moment, each on its own thread and database connection."""
    barrier = threading.Barrier(len(targets))
    results, errors = [], []

    def wrap(target):
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread met
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.fixture
def overdue_requests():
    seed_world()
    grid = User.objects.get(username="grid1").memberships.get().grid
    ids = [request.pk for request in ResidentRequestFactory.create_batch(20, grid=grid)]
    past = timezone.now() - dt.timedelta(hours=1)
    ResidentRequest.objects.filter(pk__in=ids).update(
        status=Status.IN_PROGRESS, stage="handle", stage_started_at=past - dt.timedelta(days=3), stage_deadline=past, level="grid"
    )
    # Some were never accepted: their accepting deadline moves them up too, by the same claim.
    ResidentRequest.objects.filter(pk__in=ids[:10]).update(status=Status.SUBMITTED, stage="accept")
    # Every request the sweeps will find overdue, the world's own overdue ones included.
    late = Q(status__in=HANDLING, stage="handle") | Q(status=Status.SUBMITTED, stage="accept")
    overdue = ResidentRequest.objects.filter(late, stage_deadline__lt=timezone.now()).exclude(level="district")
    overdue.update(escalation_count=0)
    return list(overdue.values_list("pk", flat=True))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database for real concurrency")
def test_two_sweeps_at_once_escalate_each_request_once(overdue_requests):
    results, errors = run_together(lambda: requests_sweep(batch_size=100), lambda: requests_sweep(batch_size=100))
    assert not errors
    assert sum(result["escalated"] for result in results) == len(overdue_requests)
    counts = set(ResidentRequest.objects.filter(pk__in=overdue_requests).values_list("escalation_count", flat=True))
    assert counts == {1}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database for real concurrency")
def test_two_takes_at_once_have_one_winner():
    seed_world()
    grid1 = User.objects.get(username="grid1")
    grid = grid1.memberships.get().grid
    part_timer = grid.memberships.get(role="grid_part_time").user
    request = ResidentRequest.objects.filter(grid=grid).first()
    ResidentRequest.objects.filter(pk=request.pk).update(status=Status.DISPATCHED, handler=None, handler_unit=None, dispatched_at=timezone.now())
    stale = [ResidentRequest.objects.get(pk=request.pk) for _ in range(2)]
    results, errors = run_together(
        lambda: request_take(resident_request=stale[0], actor=grid1), lambda: request_take(resident_request=stale[1], actor=part_timer)
    )
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], Conflict)
    assert ResidentRequest.objects.get(pk=request.pk).handler_id in (grid1.pk, part_timer.pk)
