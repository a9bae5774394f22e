"""The lifecycle tables: every status is open or ended, the stages and the sets agree, the timeline speaks one enum."""

import pytest
from django.core.exceptions import ValidationError

from resident_requests.lifecycle import ENDED, HANDLING, LADDER, OPEN, STAGE_OF, TRANSITIONS, HandlingLevel, Status, TimelineAction, next_level
from resident_requests.models import TimelineEntry
from resident_requests.services.escalation import request_escalate
from resident_requests.services.workflow import request_accept, request_long_term

pytestmark = pytest.mark.django_db


def test_every_status_is_either_open_or_ended():
    assert set(OPEN) | set(ENDED) == set(Status.values)
    assert not set(OPEN) & set(ENDED)


def test_an_ended_request_moves_nowhere_and_every_open_one_somewhere():
    assert not set(ENDED) & set(TRANSITIONS)
    assert set(OPEN) == set(TRANSITIONS)


def test_a_deadline_runs_in_every_open_status_but_long_term():
    assert set(STAGE_OF) == set(OPEN) - {Status.LONG_TERM}
    assert set(HANDLING) <= set(STAGE_OF)


def test_the_ladder_ends_at_the_district():
    assert [next_level(level) for level in LADDER] == [*LADDER[1:], None]
    assert next_level(HandlingLevel.DISTRICT) is None


def test_a_long_term_request_cannot_be_escalated(new_request, user):
    community1 = user("community1")
    request = request_long_term(
        resident_request=request_accept(resident_request=new_request(), actor=community1), actor=community1, explanation="纳入明年改造计划，已向居民说明"
    )
    with pytest.raises(ValidationError):
        request_escalate(resident_request=request, actor=community1, reason="试试上报")
    assert request.timeline.filter(action=TimelineAction.ESCALATE).count() == 0


def test_the_services_write_only_timeline_actions_with_a_label():
    # The world's requests were walked through every workflow service; the demo's own are checked in tests/demo.
    written = set(TimelineEntry.objects.values_list("action", flat=True).distinct())
    assert written and written <= set(TimelineAction.values)
