"""The factories build, from their defaults alone, records the app itself would have written."""

import datetime as dt

import pytest

from core.idcard import parse_id_number
from core.personal_data import decrypt, mask_id_number
from resident_requests.lifecycle import Status
from tests import factories
from volunteers.models import ReviewStatus, Wish

pytestmark = pytest.mark.django_db


def test_a_resident_carries_a_valid_encrypted_id_and_makes_the_household_key_care():
    household = factories.HouseholdFactory()
    assert not household.key_care and household.phone_masked.startswith("199")
    resident = factories.ResidentFactory(household=household, birth=dt.date(1930, 1, 2), tags=["elderly_80"])
    number = decrypt(resident.id_number_enc)
    assert parse_id_number(number).birth_date == resident.birth_date == dt.date(1930, 1, 2)
    assert resident.id_number_masked == mask_id_number(number)
    household.refresh_from_db()
    assert household.head == resident and household.key_care and household.visit_cadence_days == 7
    visit = factories.VisitFactory(household=household)
    household.refresh_from_db()
    assert household.last_visited_at == visit.visited_at and visit.visitor.memberships.get().grid == household.grid


def test_a_request_walks_to_its_status_through_the_workflow_in_a_new_grid():
    request = factories.ResidentRequestFactory(status=Status.CLOSED)
    assert request.status == Status.CLOSED and request.rating and request.handler == factories.worker_of(request.grid)
    assert list(request.timeline.order_by("id").values_list("to_status", flat=True))[-1] == Status.CLOSED


def test_volunteer_records_go_through_the_services():
    volunteer = factories.VolunteerFactory()
    assert volunteer.status == ReviewStatus.CONFIRMED and volunteer.grid.community == volunteer.community
    wish = factories.WishFactory(community=volunteer.community, claimed_by=volunteer, status=Wish.Status.CONFIRMED)
    assert wish.status == Wish.Status.CONFIRMED and volunteer.points_entries.filter(kind="wish").exists()
    past = factories.ActivityFactory(community=volunteer.community, starts_at=dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC))
    [entry] = factories.activity_held(past, [volunteer])
    assert entry.hours == 2
