import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cadres.models import GradeStep, Post, WorkerProfile, YearlyScore
from tests.browser.conftest import log_in, no_horizontal_scroll, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_community_proposes_the_street_checks_and_the_district_approves_a_promotion(desk):
    profile = WorkerProfile.objects.select_related("user", "community").get(user__username="grid1")
    GradeStep.objects.create(district=profile.community.district, post=Post.GRID_WORKER, grade=2, pay_step=4200, min_years=3, min_score=Decimal(80))
    YearlyScore.objects.create(profile=profile, year=timezone.localdate().year - 1, score=Decimal("91.5"))
    WorkerProfile.objects.filter(pk=profile.pk).update(entry_date=timezone.localdate() - dt.timedelta(days=5 * 366))
    page = desk
    log_in(page, "community1")
    page.get_by_role("button", name="台账").click()
    page.get_by_role("link", name="社区工作者队伍").click()
    page.get_by_role("link", name=str(profile.user)).click()
    page.get_by_placeholder("理由").fill("连续三年考核优秀，群众满意")
    page.get_by_role("button", name="推荐晋升").click()
    assert page.get_by_text("1 → 2 · 社区已推荐").is_visible()
    assert no_horizontal_scroll(page)
    for username, button in (("street1", "把关通过"), ("district", "批准")):
        page.context.clear_cookies()
        log_in(page, username)
        page.goto(page.base_url + "/cadres/promotions/")
        row = page.locator("[data-promotion]", has_text=str(profile.user))
        row.get_by_role("button", name=button, exact=True).click()
        shoot(page, f"promotion-{username}-1280")
    assert page.get_by_text("1 → 2 · 区级已审批备案").is_visible()
    profile.refresh_from_db()
    assert profile.grade == 2
