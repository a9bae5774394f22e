"""Where a patrol started and ended and its sparse track: one service for the today page and the API."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from grids import services
from grids.models import Patrol

pytestmark = pytest.mark.django_db

LON, LAT = 114.5213, 38.0511


def grid_of(user, name):
    return user(name).memberships.get().grid


@pytest.fixture
def open_patrol(user):
    """grid1's patrol, started an hour ago and still under way."""
    return Patrol.objects.create(grid=grid_of(user, "grid1"), worker=user("grid1"), started_at=timezone.now() - dt.timedelta(hours=1))


def point(patrol, minutes: float, lon=LON, lat=LAT) -> dict:
    return {"at": patrol.started_at + dt.timedelta(minutes=minutes), "lon": lon, "lat": lat}


def test_points_closer_than_a_minute_to_the_last_kept_one_are_dropped(user, open_patrol):
    grid1 = user("grid1")
    sent = [point(open_patrol, 0), point(open_patrol, 0.5), point(open_patrol, 1), point(open_patrol, 1.9), point(open_patrol, 3)]
    assert services.patrol_track_add(actor=grid1, patrol=open_patrol, points=sent) == 3
    # A later post is thinned against what is already stored, whatever order the phone sends it in.
    later = [point(open_patrol, 3.5), point(open_patrol, 2.5), point(open_patrol, 4)]
    assert services.patrol_track_add(actor=grid1, patrol=open_patrol, points=later) == 1
    open_patrol.refresh_from_db()
    times = [dt.datetime.fromisoformat(at) for at, _lon, _lat in open_patrol.track]
    assert [round((at - open_patrol.started_at.replace(microsecond=0)).total_seconds() / 60) for at in times] == [0, 1, 3, 4]
    assert open_patrol.track[0][1:] == [LON, LAT]


def test_the_track_stops_at_a_day_of_points(user):
    start = (timezone.now() - dt.timedelta(days=2)).replace(microsecond=0)
    full = [[(start + dt.timedelta(minutes=i)).isoformat(), LON, LAT] for i in range(services.TRACK_MAX_POINTS - 1)]
    patrol = Patrol.objects.create(grid=grid_of(user, "grid1"), worker=user("grid1"), started_at=start, track=full)
    sent = [point(patrol, services.TRACK_MAX_POINTS + i) for i in range(3)]
    assert services.patrol_track_add(actor=user("grid1"), patrol=patrol, points=sent) == 1
    patrol.refresh_from_db()
    assert len(patrol.track) == services.TRACK_MAX_POINTS


@pytest.mark.parametrize(
    "bad",
    [
        {"lon": 181},
        {"lat": -90.5},
        {"lon": float("nan")},
        {"lat": True},
        {"lon": "114.5"},
        {"at": None},
        {"at": dt.datetime(2026, 5, 1, 8, 0)},
        {"minutes": -30},
        {"minutes": 24 * 60},
    ],
)
def test_a_point_out_of_range_refuses_the_whole_post(user, open_patrol, bad):
    minutes = bad.pop("minutes", 5)
    sent = [point(open_patrol, 0), {**point(open_patrol, minutes), **bad}]
    with pytest.raises(ValidationError):
        services.patrol_track_add(actor=user("grid1"), patrol=open_patrol, points=sent)
    open_patrol.refresh_from_db()
    assert open_patrol.track == []


def test_an_ended_patrol_takes_no_more_points(user, open_patrol):
    services.patrol_end(actor=user("grid1"), patrol=open_patrol, notes="")
    with pytest.raises(ValidationError, match="已结束"):
        services.patrol_track_add(actor=user("grid1"), patrol=open_patrol, points=[point(open_patrol, 1)])


@pytest.mark.parametrize("other", ["community1", "grid2"])
def test_another_persons_patrol_is_not_found(user, open_patrol, other):
    with pytest.raises(Http404):
        services.patrol_track_add(actor=user(other), patrol=open_patrol, points=[point(open_patrol, 1)])
    open_patrol.refresh_from_db()
    assert open_patrol.track == []


def test_start_and_end_keep_where_the_worker_stood(user):
    grid1 = user("grid1")
    patrol = services.patrol_start(actor=grid1, grid=grid_of(user, "grid1"), position=(LON, LAT))
    patrol = services.patrol_end(actor=grid1, patrol=patrol, notes="", position=(LON + 0.001, LAT))
    assert (patrol.start_lon, patrol.start_lat, patrol.end_lon, patrol.end_lat) == (LON, LAT, LON + 0.001, LAT)


def test_the_api_adds_points_and_answers_the_track_size(api, open_patrol):
    at = (open_patrol.started_at + dt.timedelta(minutes=5)).isoformat()
    answer = api("grid1").post(f"/api/patrols/{open_patrol.pk}/track/", {"points": [{"at": at, "lon": LON, "lat": "38.0511"}]}, format="json")
    assert answer.status_code == 200 and answer.json() == {"added": 1, "points": 1}
    detail = api("grid1").get(f"/api/patrols/{open_patrol.pk}/").json()
    assert detail["track"][0][1:] == [LON, LAT]


@pytest.mark.parametrize(
    "body",
    [
        {"points": []},
        {"points": [{"at": "yesterday", "lon": LON, "lat": LAT}]},
        {"points": [{"at": "２０２６-05-01T08:00:00+08:00", "lon": LON, "lat": LAT}]},
        {"points": [{"at": "2026-05-01T08:00:00+08:00", "lon": "1e2", "lat": LAT}]},
        {"points": "x"},
        [1, 2],
    ],
)
def test_the_api_refuses_junk_with_a_400(api, open_patrol, body):
    answer = api("grid1").post(f"/api/patrols/{open_patrol.pk}/track/", body, format="json")
    assert answer.status_code == 400 and answer.json()["message"]


def test_the_api_answers_404_for_another_workers_patrol_and_400_once_ended(api, user, open_patrol):
    at = (open_patrol.started_at + dt.timedelta(minutes=5)).isoformat()
    body = {"points": [{"at": at, "lon": LON, "lat": LAT}]}
    assert api("community1").post(f"/api/patrols/{open_patrol.pk}/track/", body, format="json").status_code == 404
    assert api("grid3").post(f"/api/patrols/{open_patrol.pk}/track/", body, format="json").status_code == 404
    api("grid1").post(f"/api/patrols/{open_patrol.pk}/end/", {"lon": LON, "lat": LAT}, format="json")
    assert api("grid1").post(f"/api/patrols/{open_patrol.pk}/track/", body, format="json").status_code == 400


def test_the_api_start_takes_a_position_and_refuses_half_of_one(api, user):
    grid = grid_of(user, "grid1").pk
    half = api("grid1").post("/api/patrols/", {"grid": grid, "lon": LON}, format="json")
    assert half.status_code == 400 and not Patrol.objects.filter(worker=user("grid1"), ended_at__isnull=True).exists()
    started = api("grid1").post("/api/patrols/", {"grid": grid, "lon": LON, "lat": LAT}, format="json")
    assert started.status_code == 201 and (started.json()["start_lon"], started.json()["start_lat"]) == (LON, LAT)


def test_the_today_page_posts_a_point_and_starts_and_ends_with_positions(login, user):
    client = login("grid1")
    client.post("/today/patrol/start/", {"grid": grid_of(user, "grid1").pk, "lon": str(LON), "lat": str(LAT)})
    patrol = Patrol.objects.get(worker=user("grid1"), ended_at__isnull=True)
    assert (patrol.start_lon, patrol.start_lat) == (LON, LAT)
    at = timezone.now().isoformat()
    answer = client.post(f"/today/patrol/{patrol.pk}/track/", {"points": [{"at": at, "lon": LON, "lat": LAT}]}, content_type="application/json")
    assert answer.status_code == 200 and answer.json() == {"added": 1, "points": 1}
    assert client.post(f"/today/patrol/{patrol.pk}/track/", "{not json", content_type="application/json").status_code == 400
    client.post(f"/today/patrol/{patrol.pk}/end/", {"notes": "", "lon": str(LON), "lat": "999"})
    patrol.refresh_from_db()
    # A position out of range is refused with a message; the patrol stays open.
    assert patrol.ended_at is None
    client.post(f"/today/patrol/{patrol.pk}/end/", {"notes": ""})
    patrol.refresh_from_db()
    assert patrol.ended_at is not None and patrol.end_lon is None
    ended = client.post(f"/today/patrol/{patrol.pk}/track/", {"points": [{"at": at, "lon": LON, "lat": LAT}]}, content_type="application/json")
    assert ended.status_code == 400 and "结束" in ended.json()["message"]


def test_the_today_page_track_of_another_worker_is_404(login, open_patrol):
    body = {"points": [{"at": timezone.now().isoformat(), "lon": LON, "lat": LAT}]}
    assert login("grid2").post(f"/today/patrol/{open_patrol.pk}/track/", body, content_type="application/json").status_code == 404
