"""Concurrent redemptions of the last gift, on real database connections."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from governance.models import ResidentUnit, User
from tests.conftest import seed_world
from volunteers import selectors, services
from volunteers.models import Gift, PointsEntry, Volunteer

pytestmark = [pytest.mark.flushes_db, pytest.mark.django_db(transaction=True)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database for real concurrency")
def test_concurrent_redemptions_of_the_last_gift_give_one_success():
    seed_world()
    cadre = User.objects.get(username="community1")
    community = cadre.memberships.get().community
    members = [Volunteer.objects.create(community=community, name=f"抢兑{index}", status="confirmed") for index in range(4)]
    for member in members:
        services.points_add(volunteer=member, kind=PointsEntry.Kind.ACTIVITY, points=Decimal(100), note="活动")
    gift = services.gift_list(actor=cadre, merchant=ResidentUnit.objects.filter(community=community).first(), name="最后一桶油", points=50, stock=1)
    barrier = threading.Barrier(len(members))
    outcomes = []

    def redeem(member):
        try:
            barrier.wait()
            services.gift_redeem(volunteer=member, gift=Gift.objects.get(pk=gift.pk))
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001 - the test counts what each thread met
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=redeem, args=(member,)) for member in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1 and outcomes.count("ValidationError") == 3
    assert Gift.objects.get(pk=gift.pk).stock == 0
    assert sum(selectors.points_balance(member) for member in members) == Decimal(350)
