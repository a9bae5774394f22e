"""The request figures, defined once and computed in the database for any set of requests and period.

Each figure is numerator / denominator, both counted over the period [start, end):

- 受理率 acceptance: accepted / valid submissions (submitted in the period, not merged, not withdrawn before acceptance).
- 办结率 completion: closed / due to close (handling deadline, after approved extensions, in the period).
- 按时办结率 on-time completion: closed and handled on time / due to close.
- 回访率 follow-up: rated / due for follow-up (closed in the period, not anonymous, follow-up not declined).
- 满意率 satisfaction: (very satisfied + satisfied [+ fairly satisfied, REQUESTS_FAIRLY_SATISFIED_COUNTS]) / rated and closed in the period.
- 返工率 rework: reworked at least once / handled in the period.
- 重办率 redo: redone at least once / closed in the period.
- 回退率 return: returned at least once / dispatched in the period.
- 延期率 extension: extended / due to close.
- 环节超时率 late at some stage: valid submissions that missed a stage's deadline (accept, handle, verify, answer,
  follow-up), finished late or still running past it / valid submissions.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resident_requests.lifecycle import OPEN, Status


def _window(field: str, start: dt.datetime, end: dt.datetime) -> Q:
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def figure_counts(*, start: dt.datetime, end: dt.datetime) -> dict:
    """The Count expressions behind every figure, for one aggregate or a grouped annotate."""
    satisfied_floor = 3 if getattr(settings, "REQUESTS_FAIRLY_SATISFIED_COUNTS", True) else 4
    submitted = _window("created_at", start, end) & ~Q(status=Status.MERGED) & ~Q(status=Status.WITHDRAWN, accepted_at__isnull=True)
    due = _window("handle_deadline", start, end)
    closed = Q(status=Status.CLOSED)
    closed_in = closed & _window("closed_at", start, end)
    follow_up_due = closed_in & Q(anonymous=False, follow_up_declined=False)
    late = (
        Q(accepted_on_time=False) | Q(handled_on_time=False) | Q(verified_on_time=False) | Q(answered_on_time=False) | Q(followed_up_on_time=False)
        | Q(status__in=OPEN, stage_deadline__lt=timezone.now())
    )  # fmt: skip
    return {
        "late": Count("pk", filter=submitted & late),
        "accepted": Count("pk", filter=submitted & Q(accepted_at__isnull=False)),
        "submitted": Count("pk", filter=submitted),
        "due": Count("pk", filter=due),
        "completed": Count("pk", filter=due & closed),
        "on_time": Count("pk", filter=due & closed & Q(handled_on_time=True)),
        "extended": Count("pk", filter=due & Q(extension_days__gt=0)),
        "follow_up_due": Count("pk", filter=follow_up_due),
        "followed_up": Count("pk", filter=follow_up_due & Q(rating__isnull=False)),
        "rated": Count("pk", filter=closed_in & Q(rating__isnull=False)),
        "satisfied": Count("pk", filter=closed_in & Q(rating__gte=satisfied_floor)),
        "handled": Count("pk", filter=_window("handled_at", start, end)),
        "reworked": Count("pk", filter=_window("handled_at", start, end) & Q(rework_count__gt=0)),
        "closed": Count("pk", filter=closed_in),
        "redone": Count("pk", filter=closed_in & Q(redo_count__gt=0)),
        "dispatched": Count("pk", filter=_window("dispatched_at", start, end)),
        "returned": Count("pk", filter=_window("dispatched_at", start, end) & Q(returned_count__gt=0)),
    }


def request_figures(requests, *, start: dt.datetime, end: dt.datetime) -> list[dict]:
    """One aggregate query; returns rows of (key, label, numerator, denominator, rate or None)."""
    counts = requests.aggregate(**figure_counts(start=start, end=end))
    definitions = [
        ("acceptance", _("Acceptance rate"), "accepted", "submitted"),
        ("completion", _("Completion rate"), "completed", "due"),
        ("on_time", _("On-time completion rate"), "on_time", "due"),
        ("follow_up", _("Follow-up rate"), "followed_up", "follow_up_due"),
        ("satisfaction", _("Satisfaction rate"), "satisfied", "rated"),
        ("rework", _("Rework rate"), "reworked", "handled"),
        ("redo", _("Redo rate"), "redone", "closed"),
        ("return", _("Return rate"), "returned", "dispatched"),
        ("extension", _("Extension rate"), "extended", "due"),
        ("late", _("Late at some stage"), "late", "submitted"),
    ]
    return [
        {
            "key": key,
            "label": label,
            "numerator": counts[top],
            "denominator": counts[bottom],
            "rate": round(100 * counts[top] / counts[bottom], 1) if counts[bottom] else None,
        }
        for key, label, top, bottom in definitions
    ]
