"""考核: scores from the records with the year's weights, and the minimum-volume rule."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import Community
from households.models import Household
from oversight import assessment
from oversight.models import Indicator

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
