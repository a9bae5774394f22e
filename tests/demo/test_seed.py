"""The demo seeder itself, on a database holding the small demo district instead of the test world."""

import datetime as dt

import pytest
import shapely
from django.core.management import call_command
from django.db.models import Min
from django.utils import timezone
from shapely.geometry import shape

from cadres.models import GrowthEntry, MentorPair, PoolEntry, Review, RoutineMeeting, WorkerProfile
from community_services.models import Booking, Leave, ServiceItem
from deliberation.lifecycle import Status
from deliberation.models import Meeting, Task, Topic
from demo.hierarchy import CITY_CODE, CITY_DISTRICTS
from demo.seed import city_seed, demo_seed
from duties.lifecycle import TaskStatus
from duties.models import DutyKind, IncomingTask, TaskHistory
from governance.models import City, Community, District, Membership, ResidentUnit, Street, User
from governance.roles import Role
from grids.models import Building, Grid
from households.models import Household, Resident, Visit
from resident_requests import calendar
from resident_requests.lifecycle import ENDED, TimelineAction
from resident_requests.models import ResidentRequest, TimelineEntry
from resident_requests.services.deadlines import stage_deadline
from tests.conftest import PASSWORD, seed_world
from volunteers.models import Activity, PointsEntry, Volunteer

pytestmark = [pytest.mark.django_db, pytest.mark.flushes_db]


@pytest.fixture(scope="module", autouse=True)
def demo_district(django_db_setup, django_db_blocker):
    """The demo's accounts have the world's persona names: the world goes for this module and comes back after it.

    Yields the moment the seed started: nothing the demo tells of happened after it.
    """
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        started = timezone.now()
        demo_seed(scale="small", password=PASSWORD, seed=1, log=lambda *_args: None)
        yield started
        call_command("flush", interactive=False, verbosity=0)
        seed_world()


def test_small_demo_district_has_the_promised_shape():
    district_streets = Street.objects.filter(district__code="130102")
    assert district_streets.count() == 2
    assert Community.objects.filter(district__code="130102").count() == 4
    assert Grid.objects.filter(district__code="130102").count() == 12
    assert Building.objects.filter(grid__district__code="130102").count() == 60
    assert ResidentUnit.objects.filter(community__district__code="130102").exists()
    # Codes nest: street = county + street + 000, community = street prefix + 3, grid = community + 3.
    for grid in Grid.objects.filter(district__code="130102").select_related("community__street"):
        assert grid.code.startswith(grid.community.code) and len(grid.code) == 15
        assert grid.community.code[:9] == grid.community.street.code[:9]


def test_demo_accounts_hold_the_roles_readme_lists():
    def only(username):
        return Membership.objects.select_related("community", "grid__community", "street").get(user__username=username)

    street1 = only("street1").street
    community1, community2 = only("community1").community, only("community2").community
    assert [c.pk for c in Community.objects.filter(street=street1).order_by("code")[:2]] == [community1.pk, community2.pk]
    grids1 = list(Grid.objects.filter(community=community1).order_by("code"))
    assert only("grid1").grid == grids1[0] and only("grid2").grid == grids1[1]
    assert only("grid3").grid == Grid.objects.filter(community=community2).order_by("code").first()
    assert only("grid1").role == Role.GRID_WORKER
    assert only("volunteer1").role == Role.VOLUNTEER and only("volunteer1").community == community1
    assert only("district").role == Role.DISTRICT_ORG


def test_a_second_run_adds_nothing(capsys):
    def counts():
        return [model.objects.count() for model in (Building, Membership, Household, ResidentRequest, Volunteer)]

    before = counts()
    call_command("seed_demo", "--scale", "small", "--password", "x")
    assert "nothing added" in capsys.readouterr().out
    assert counts() == before


def test_password_is_required_when_debug_is_off(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")


def test_the_demo_writes_only_timeline_actions_with_a_label():
    written = set(TimelineEntry.objects.values_list("action", flat=True).distinct())
    assert written and written <= set(TimelineAction.values)


# What the sweep writes on its own; every other step is a person's.
SWEEP_ACTIONS = {TimelineAction.REMIND, TimelineAction.ESCALATE, TimelineAction.SUPERVISE}


def office_calendar() -> calendar.Calendar:
    return calendar.calendar_for(timezone.localdate() - dt.timedelta(days=740), timezone.localdate() + dt.timedelta(days=10))


def in_working_hours(moment: dt.datetime, cal: calendar.Calendar, *, opens=dt.time(8, 30), closes=dt.time(18, 0)) -> bool:
    local = timezone.localtime(moment)
    return cal.is_working_day(local.date()) and opens <= local.time() <= closes


def test_request_timelines_tell_their_history_not_the_seed(demo_district):
    assert not TimelineEntry.objects.filter(at__gte=demo_district).exists()
    assert not ResidentRequest.objects.filter(created_at__gte=demo_district).exists()
    assert not ResidentRequest.objects.filter(updated_at__gte=demo_district).exists()
    # Two years of requests, not one afternoon's.
    assert TimelineEntry.objects.aggregate(first=Min("at"))["first"] < demo_district - dt.timedelta(days=600)


def test_each_step_is_by_the_person_who_took_it_in_office_hours():
    cal = office_calendar()
    requests = ResidentRequest.objects.prefetch_related("timeline")
    assert requests.exists()
    for request in requests:
        for entry in request.timeline.all():
            if entry.action in SWEEP_ACTIONS:
                assert entry.actor_id is None
            elif entry.action == TimelineAction.SUBMIT:
                assert entry.actor_id == request.created_by_id
            else:
                assert entry.actor_id is not None, (request.pk, entry.action)
                assert in_working_hours(entry.at, cal), (request.pk, entry.action, timezone.localtime(entry.at))
            # The handler takes, starts and handles (an escalation since has left the request without one).
            if request.handler_id and entry.action in (TimelineAction.TAKE, TimelineAction.START, TimelineAction.HANDLE):
                assert entry.actor_id == request.handler_id
    # Residents file from home at any hour; staff file what they found on their rounds or took on the office phone.
    sources = set(ResidentRequest.objects.filter(created_by__isnull=False).values_list("source", flat=True))
    assert sources == {ResidentRequest.Source.PATROL, ResidentRequest.Source.VISIT, ResidentRequest.Source.HOTLINE}
    # Escalations come from the sweep, not from people giving up.
    assert TimelineEntry.objects.filter(action=TimelineAction.ESCALATE).exists()


def last_at(entries, action) -> dt.datetime | None:
    return max((entry.at for entry in entries if entry.action == action), default=None)


def test_request_time_fields_and_deadlines_agree_with_the_timeline():
    for request in ResidentRequest.objects.select_related("category").prefetch_related("timeline"):
        entries = list(request.timeline.all())
        times = [entry.at for entry in entries]
        assert times == sorted(times), request.pk
        assert entries[0].action == TimelineAction.SUBMIT and entries[0].at == request.created_at
        assert request.accepted_at == last_at(entries, TimelineAction.ACCEPT)
        assert request.dispatched_at == last_at(entries, TimelineAction.DISPATCH)
        assert request.handled_at == last_at(entries, TimelineAction.HANDLE)
        assert request.answered_at == last_at(entries, TimelineAction.ANSWER)
        moves = [entry for entry in entries if entry.action not in (TimelineAction.REMIND, TimelineAction.SUPERVISE)]
        assert request.status == moves[-1].to_status and request.updated_at == moves[-1].at
        assert request.closed_at == (moves[-1].at if request.status in ENDED else None)
        if request.stage:
            assert request.stage_started_at in times
            assert request.stage_deadline == stage_deadline(request, request.stage, request.stage_started_at)
        if request.handled_at and request.handled_on_time is not None:
            assert request.handled_on_time == (request.handled_at <= request.handle_deadline)


def test_visits_are_made_in_working_hours_on_working_days():
    cal = office_calendar()
    visits = list(Visit.objects.values_list("visited_at", "created_at"))
    assert len(visits) > 1000
    for visited_at, recorded_at in visits:
        assert in_working_hours(visited_at, cal, opens=dt.time(8), closes=dt.time(18, 30)), timezone.localtime(visited_at)
        assert visited_at <= recorded_at < visited_at + dt.timedelta(hours=1)


def test_volunteer_activities_are_mostly_weekend_mornings_with_their_service_records():
    starts = [timezone.localtime(moment) for moment in Activity.objects.values_list("starts_at", flat=True)]
    weekend = [moment for moment in starts if moment.weekday() >= 5]
    assert len(weekend) >= 0.8 * len(starts)
    assert all(moment.hour < 12 for moment in weekend)
    entries = PointsEntry.objects.filter(kind=PointsEntry.Kind.ACTIVITY).select_related("signup__activity")
    assert entries.exists()
    for entry in entries:
        signup, activity = entry.signup, entry.signup.activity
        assert signup.created_at < activity.signup_closes_at and activity.created_at < activity.starts_at
        assert signup.checked_in_at <= activity.starts_at < activity.ends_at <= signup.checked_out_at
        assert entry.hours == signup.hours == round((activity.ends_at - activity.starts_at) / dt.timedelta(hours=1), 2)
        assert entry.points == entry.hours * 10 and activity.ends_at < entry.created_at


def test_each_community_has_a_duty_list_of_every_kind_and_tasks_in_every_status(demo_district):
    for community in Community.objects.filter(district__code="130102"):
        duties = community.duties.all()
        assert 30 <= duties.count() <= 60 and set(duties.values_list("kind", flat=True)) == set(DutyKind.values)
    assert set(IncomingTask.objects.values_list("status", flat=True)) == set(TaskStatus.values)
    assert not IncomingTask.objects.filter(registered_at__gt=demo_district).exists()
    assert TaskHistory.objects.filter(from_status="").count() == IncomingTask.objects.count()
    decided = IncomingTask.objects.filter(status__in=[TaskStatus.APPROVED, TaskStatus.REFUSED])
    assert not decided.filter(decided_by=None).exists() and TaskHistory.objects.filter(from_status=TaskStatus.PENDING).count() == decided.count()


def test_every_community_offers_its_services_and_community1s_a_person_is_on_leave_today():
    assert set(ServiceItem.objects.values_list("community", flat=True).distinct()) == set(Community.objects.values_list("pk", flat=True))
    leave = Leave.objects.get(community__name=Community.objects.order_by("code").first().name)
    today = timezone.localdate()
    assert leave.starts_on <= today <= leave.ends_on
    covered = Booking.objects.filter(community=leave.community, day=today, service__needs_ab=True, status=Booking.Status.BOOKED)
    assert not covered.filter(assignee=leave.person).exists()
    assert (
        Booking.objects.filter(status=Booking.Status.NO_SHOW).exists() and Booking.objects.filter(kind=Booking.Kind.PROXY, status=Booking.Status.DONE).exists()
    )
    assert not Booking.objects.filter(created_at__date=today, day__lt=today).exists()


def test_deliberation_has_topics_in_every_state_with_their_history_and_monthly_three_party_meetings():
    assert set(Topic.objects.values_list("status", flat=True)) == set(Status.values)
    for topic in Topic.objects.prefetch_related("history"):
        steps = [event.to_status for event in topic.history.all()]
        assert steps[0] == "proposed" and steps[-1] == topic.status
        assert all(a.at <= b.at for a, b in zip(topic.history.all(), list(topic.history.all())[1:], strict=False))
    assert not Topic.objects.filter(status="proposed", published_at__isnull=False).exists()
    assert Task.objects.filter(status="open", due_on__lt=timezone.localdate()).exists()
    months = Meeting.objects.filter(kind="three_party").dates("held_on", "month")
    assert len(months) >= 5


def test_the_demo_team_has_files_pools_in_every_state_and_pairs_with_records():
    communities = Community.objects.filter(district__code="130102")
    assert WorkerProfile.objects.filter(user__username__in=["community1", "grid1", "cc001"]).count() == 3
    assert WorkerProfile.objects.filter(post="grid_worker").count() == Grid.objects.filter(district__code="130102").count()
    assert set(PoolEntry.objects.values_list("status", flat=True)) == set(Review.values)
    assert MentorPair.objects.filter(status=MentorPair.Status.ACTIVE).count() == communities.count()
    assert GrowthEntry.objects.filter(kind=GrowthEntry.Kind.DAILY).exists()
    assert RoutineMeeting.objects.filter(held_on__isnull=True, scheduled_on__lt=timezone.localdate()).exists()


@pytest.mark.django_db(transaction=True)
def test_city_seeds_nine_more_districts_beside_the_first_and_a_second_run_adds_nothing():
    residents_before = Resident.objects.count()
    result = city_seed(password=PASSWORD, seed=1, jobs=2, scale="small", log=lambda *_args: None)
    assert result["districts"] == 10
    districts = list(District.objects.order_by("code"))
    assert [d.code for d in districts] == [where.code for where in sorted(CITY_DISTRICTS, key=lambda w: w.code)]
    # Each district's own accounts carry its code; the first keeps the names README lists.
    assert User.objects.filter(username="grid1").exists() and User.objects.filter(username="130104-grid1").exists()
    assert Membership.objects.get(user__username="130104-district").district.code == "130104"
    # ID numbers are the district's own: none repeats across the city, and each starts with its district's code.
    assert Resident.objects.count() == residents_before + result["residents"]
    assert Resident.objects.values("id_number_hash").distinct().count() == Resident.objects.count()
    # The districts lie side by side on the map: no two outlines overlap, so a point finds one grid.
    boxes = [(d.min_lon, d.min_lat, d.max_lon, d.max_lat) for d in districts]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
    # The city's outline is the union of all ten, though they were seeded side by side.
    city = City.objects.get(code=CITY_CODE)
    assert city.geometry_derived and shape(city.geometry).equals(shapely.union_all([shape(d.geometry) for d in districts]))
    assert city_seed(password=PASSWORD, seed=1, jobs=2, scale="small", log=lambda *_args: None) is None
    assert District.objects.count() == 10
