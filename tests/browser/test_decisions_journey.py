"""A cadre publishes a deliberation decision at the desk; a resident reads it on a 360-px phone without logging in."""

import pytest

from deliberation.models import Topic
from governance.models import User
from tests import factories as f
from tests.browser.conftest import log_in, no_horizontal_scroll, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_published_decision_reaches_the_residents_phone(desk, phone):
    community = User.objects.get(username="community1").memberships.get().community
    topic = f.topic_walk(f.TopicFactory(community=community, title="单元门禁更换方案"), to="decided")
    log_in(desk, "community1")
    desk.goto(f"{desk.base_url}/deliberation/topics/{topic.pk}/")
    shoot(desk, "deliberation-topic-1280")
    desk.get_by_role("button", name="在社区公开页发布").click()
    desk.wait_for_load_state()
    assert Topic.objects.get(pk=topic.pk).published_at is not None

    phone.goto(f"{phone.base_url}/c/{community.code}/decisions/")
    card = phone.locator(f"[data-decision='{topic.pk}']")
    assert "单元门禁更换方案" in card.inner_text() and "统一清理并设立公共储物点" in card.inner_text()
    assert "小区停车位规划" not in phone.content()
    assert no_horizontal_scroll(phone)
    shoot(phone, "public-decisions-360")
