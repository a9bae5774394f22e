"""The patrol page: times, what was seen, what was reported on it, and the map data; the walker and the grid's overseers only."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from grids.models import Patrol
from resident_requests.models import Category, ResidentRequest, Urgency
from resident_requests.services.intake import request_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def walked(user):
    """grid1's patrol of an hour with a start, an end and a three-point track, and one problem reported on it."""
    grid = user("grid1").memberships.get().grid
    start = timezone.now() - dt.timedelta(hours=2)
    track = [[(start + dt.timedelta(minutes=i)).isoformat(), lon, 38.05] for i, lon in enumerate([114.52, 114.521, 114.522])]
    patrol = Patrol.objects.create(
        grid=grid,
        worker=user("grid1"),
        started_at=start,
        notes="3号楼楼道堆放杂物",
        start_lon=114.52,
        start_lat=38.05,
        end_lon=114.522,
        end_lat=38.05,
        track=track,
    )
    request_submit(
        actor=user("grid1"),
        source=ResidentRequest.Source.PATROL,
        category=Category.objects.get(code="hazard-1"),
        urgency=Urgency.IMMEDIATE,
        description="消防通道堵塞",
        grid=grid,
        building=None,
        reporter_name="",
        phone="",
        anonymous=False,
        photos=[],
    )
    Patrol.objects.filter(pk=patrol.pk).update(ended_at=start + dt.timedelta(hours=1))
    return patrol


@pytest.mark.parametrize("viewer", ["grid1", "community1", "street1", "district"])
def test_the_walker_and_the_grids_overseers_see_the_patrol(login, walked, viewer):
    answer = login(viewer).get(f"/patrols/{walked.pk}/")
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "3号楼楼道堆放杂物" in page and "消防通道堵塞" in page and "上报 1 件，其中自行处置 0 件" in page and "历时 1\xa0小时" in page
    drawn = json.loads(page.split('id="patrol-map-data" type="application/json">')[1].split("</script>")[0])
    assert drawn["track"] == [[114.52, 38.05], [114.521, 38.05], [114.522, 38.05]]
    assert drawn["points"] == {"start": [114.52, 38.05], "end": [114.522, 38.05]} and drawn["outline"]["type"] == "Polygon"


@pytest.mark.parametrize("outsider", ["grid2", "grid3", "community2", "outsider", "volunteer1"])
def test_anyone_else_gets_404(login, walked, outsider):
    assert login(outsider).get(f"/patrols/{walked.pk}/").status_code == 404


def test_the_today_page_links_its_patrols(login, user):
    patrol = Patrol.objects.create(grid=user("grid1").memberships.get().grid, worker=user("grid1"), started_at=timezone.now())
    assert f'href="/patrols/{patrol.pk}/"' in login("grid1").get("/today/").content.decode()
