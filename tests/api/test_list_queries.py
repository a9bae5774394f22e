"""The new API lists answer in a constant number of queries: more rows add none."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households.models import Household
from resident_requests.models import Category, ResidentRequest
from resident_requests.services.intake import request_submit

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def grow_requests(grid, count):
    household = Household.objects.filter(grid=grid, status="active").first()
    for number in range(count):
        request_submit(
            source=ResidentRequest.Source.HOTLINE, category=Category.objects.get(code="property-3"), urgency="scheduled",
            description=f"楼道灯坏了第{number}件", grid=grid, building=household.building, household=household,
        )  # fmt: skip


def test_request_lists_do_not_grow_with_rows(api, user):
    grid, client = user("grid1").memberships.get().grid, api("community1")
    urls = ["/api/requests/board/", "/api/requests/overdue/", "/api/requests/queue/"]
    for url in urls:  # the first call warms per-process caches
        queries(client, url)
    before = [queries(client, url) for url in urls]
    grow_requests(grid, 4)
    assert [queries(client, url) for url in urls] == before
