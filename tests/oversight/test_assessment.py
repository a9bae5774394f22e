"""考核: scores from the records with the year's weights, and the minimum-volume rule."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import Community
from grids.models import Grid
from households.models import Household
from oversight import assessment
from oversight.models import Indicator
from resident_requests.lifecycle import Status
from resident_requests.models import ResidentRequest

pytestmark = pytest.mark.django_db


def test_visit_coverage_and_the_weighted_score_follow_the_records(user):
    year = timezone.localdate().year
    community = user("community1").memberships.get().community
    rows = {row["community"].pk: row for row in assessment.community_scores([community], year=year)}
    row = rows[community.pk]
    homes = Household.objects.filter(grid__community=community, status="active")
    visited = homes.filter(last_visited_at__gte=timezone.now() - dt.timedelta(days=90)).count()
    assert row["values"][Indicator.Key.VISIT_COVERAGE] == round(100 * visited / homes.count(), 1)
    weights = {i.key: i.weight for i in assessment.plan_for(year).indicators.all()}
    used = {k: v for k, v in row["values"].items() if v is not None and (row["rates_ok"] or k not in assessment.RATE_KEYS)}
    assert row["score"] == round(sum(v * weights[k] for k, v in used.items()) / sum(weights[k] for k in used), 1)


def test_a_unit_with_too_few_requests_is_not_ranked_on_rates(user):
    year = timezone.localdate().year
    plan = assessment.plan_for(year)
    plan.min_requests = 10_000
    plan.save(update_fields=["min_requests"])
    rows = assessment.community_scores(list(Community.objects.filter(district__code="130102")), year=year)
    assert all(not row["rates_ok"] for row in rows)
    assert [row["rank"] for row in rows if row["score"] is not None] == list(range(1, len([r for r in rows if r["score"] is not None]) + 1))


def test_the_page_is_scoped_and_printable(login, user):
    body = login("street1").get(reverse("assessment"))
    names = {row["community"].name for row in body.context["communities"]}
    street = user("street1").memberships.get().street
    assert names == set(Community.objects.filter(street=street).values_list("name", flat=True))
    assert "window.print()" in body.content.decode()
    assert login("grid1").get(reverse("assessment")).status_code == 403


def worker_row(worker, year: int) -> dict:
    grids = Grid.objects.filter(pk=worker.memberships.get().grid_id)
    return next(row for row in assessment.worker_scores(grids, year=year) if row["worker"] == worker)


def test_open_requests_count_those_open_now_not_those_due_in_the_year(user, login):
    year = timezone.localdate().year
    worker = user("grid1")
    this_year, next_year = (timezone.make_aware(dt.datetime(y, 6, 1)) for y in (year, year + 1))
    before = worker_row(worker, year)
    closed = ResidentRequest.objects.filter(handler=worker, status=Status.CLOSED).first()
    running = ResidentRequest.objects.filter(handler=worker, status=Status.IN_PROGRESS).first()

    # Reopened with next year's deadline: still to do, though not due this year.
    ResidentRequest.objects.filter(pk=closed.pk).update(status=Status.IN_PROGRESS, handle_deadline=next_year)
    reopened = worker_row(worker, year)
    assert reopened["open_requests"] == before["open_requests"] + 1

    # Closed with this year's deadline: due in the year, but nothing left to do.
    ResidentRequest.objects.filter(pk=running.pk).update(status=Status.CLOSED, handle_deadline=this_year)
    after = worker_row(worker, year)
    assert after["open_requests"] == before["open_requests"]
    body = login("street1").get(reverse("assessment")).content.decode()
    assert f'data-open="{worker.pk}">{after["open_requests"]}<' in body


def test_a_grid_workers_score_shows_its_breakdown_like_a_communitys(user, login, api):
    year = timezone.localdate().year
    worker = user("grid1")
    row = worker_row(worker, year)
    used = {key: points for key, points in row["points"].items() if points is not None}
    assert used and set(used) <= assessment.WORKER_KEYS
    assert abs(sum(used.values()) - row["score"]) <= 0.1 * len(used)

    page = login("street1").get(reverse("assessment"))
    body = page.content.decode()
    worker_table = body[body.index(f'data-worker-score="{worker.pk}"') :].split("</tr>", 1)[0]
    for key, points in used.items():
        assert f'data-indicator="{key}">{row["values"][key]}<br><span class="text-muted">+{points} 分</span>' in worker_table
    assert body.count('data-indicator="') == len(page.context["communities"]) * len(page.context["indicators"]) + len(page.context["workers"]) * len(
        page.context["worker_indicators"]
    )

    answer = api("street1").get("/api/assessment/").json()
    mine = next(entry for entry in answer["workers"] if entry["user"] == worker.pk)
    assert mine["points"] == {key: row["points"].get(key) for key in mine["points"]} and mine["open_requests"] == row["open_requests"]
    assert all("points" in entry and "open_requests" in entry for entry in answer["communities"])
