"""限时办结: which time limit applies, the deadline of a stage, when the reminder falls, whether a stage ended in time."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from resident_requests import calendar
from resident_requests.lifecycle import Stage
from resident_requests.models import ResidentRequest, TimeLimit

# The share of a stage's time after which the handler is reminded (催办).
REMIND_AT = Decimal("0.8")


def reminder_time(start: dt.datetime, due: dt.datetime) -> dt.datetime:
    return start + (due - start) * float(REMIND_AT)


@dataclass(frozen=True)
class CategoryKey:
    """What the time-limit lookup needs of a category, without loading it."""

    pk: int
    parent_id: int | None


def best_limit(limits: list[TimeLimit], category, urgency: str) -> TimeLimit:
    """The most specific limit: the category, then its parent, then any category; the urgency, then any."""
    order = [category.pk, category.parent_id, None]
    candidates = [limit for limit in limits if limit.category_id in order and limit.urgency in (urgency, "")]
    if not candidates:
        raise ValidationError(_("No time limit is set for this stage; ask the district to complete the time-limit table."))
    return min(candidates, key=lambda limit: (order.index(limit.category_id), limit.urgency != urgency))


def time_limit_for(category, urgency: str, stage: str) -> TimeLimit:
    categories = [c for c in (category.pk, category.parent_id) if c]
    limits = TimeLimit.objects.filter(Q(category_id__in=categories) | Q(category__isnull=True), urgency__in=[urgency, ""], stage=stage)
    return best_limit(list(limits), category, urgency)


def stage_deadline(resident_request: ResidentRequest, stage: str, start: dt.datetime) -> dt.datetime:
    limit = time_limit_for(resident_request.category, resident_request.urgency, stage)
    due = calendar.deadline(start, limit.amount, limit.unit)
    if stage == Stage.HANDLE and resident_request.extension_days:
        due = calendar.add_working_days(due, resident_request.extension_days)
    return due


def on_time(resident_request: ResidentRequest) -> bool | None:
    """Whether the current stage ends in time if it ends now; None when no deadline runs."""
    return None if resident_request.stage_deadline is None else timezone.now() <= resident_request.stage_deadline


def accepted_in_time(resident_request: ResidentRequest) -> bool | None:
    """An acceptance that missed a deadline and moved up a level stays late, however soon the level above accepts."""
    return False if resident_request.accepted_on_time is False else on_time(resident_request)
