"""The lifecycle of a resident request as tables: its statuses, the allowed moves, the stage each status is in, the ladder.

Pure data, no database: models, services, selectors, pages and other apps read the status sets from here only.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted, to dispatch")
    REFUSED = "refused", _("Not accepted")
    DISPATCHED = "dispatched", _("Dispatched")
    TAKEN = "taken", _("Taken")
    IN_PROGRESS = "in_progress", _("In progress")
    HANDLED = "handled", _("Handled, to verify")
    VERIFIED = "verified", _("Verified, to answer")
    ANSWERED = "answered", _("Answered, to follow up")
    CLOSED = "closed", _("Closed")
    LONG_TERM = "long_term", _("Explained, kept open long-term")
    MERGED = "merged", _("Merged as a duplicate")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Stage(models.TextChoices):
    ACCEPT = "accept", _("Accept")
    HANDLE = "handle", _("Handle")
    VERIFY = "verify", _("Verify")
    ANSWER = "answer", _("Answer")
    FOLLOW_UP = "follow_up", _("Follow-up")


class HandlingLevel(models.TextChoices):
    GRID = "grid", _("Grid")
    COMMUNITY = "community", _("Community")
    STREET = "street", _("Street")
    ALLIANCE = "alliance", _("Red-alliance meeting")
    DISTRICT = "district", _("District")


# The escalation ladder, bottom up: an overdue request moves one rung up.
LADDER = [HandlingLevel.GRID, HandlingLevel.COMMUNITY, HandlingLevel.STREET, HandlingLevel.ALLIANCE, HandlingLevel.DISTRICT]

TRANSITIONS: dict[str, set[str]] = {
    # SUBMITTED to itself: not accepted in time, it moves one level up and waits there to be accepted.
    # SUBMITTED to HANDLED: a grid worker's report of what they found and handled on the spot (自行处置).
    Status.SUBMITTED: {Status.SUBMITTED, Status.ACCEPTED, Status.HANDLED, Status.REFUSED, Status.MERGED, Status.WITHDRAWN},
    Status.ACCEPTED: {Status.ACCEPTED, Status.DISPATCHED, Status.LONG_TERM, Status.MERGED, Status.WITHDRAWN},
    Status.DISPATCHED: {Status.ACCEPTED, Status.TAKEN, Status.WITHDRAWN},
    Status.TAKEN: {Status.ACCEPTED, Status.IN_PROGRESS, Status.HANDLED, Status.LONG_TERM, Status.WITHDRAWN},
    Status.IN_PROGRESS: {Status.ACCEPTED, Status.HANDLED, Status.LONG_TERM, Status.WITHDRAWN},
    Status.HANDLED: {Status.VERIFIED, Status.IN_PROGRESS},
    Status.VERIFIED: {Status.ANSWERED},
    Status.ANSWERED: {Status.CLOSED, Status.IN_PROGRESS},
    Status.LONG_TERM: {Status.DISPATCHED, Status.CLOSED},
}
# The stage each status is in, and so which deadline runs; a status not listed has no running deadline.
STAGE_OF = {
    Status.SUBMITTED: Stage.ACCEPT,
    Status.ACCEPTED: Stage.HANDLE,
    Status.DISPATCHED: Stage.HANDLE,
    Status.TAKEN: Stage.HANDLE,
    Status.IN_PROGRESS: Stage.HANDLE,
    Status.HANDLED: Stage.VERIFY,
    Status.VERIFIED: Stage.ANSWER,
    Status.ANSWERED: Stage.FOLLOW_UP,
}
# Every status is either open or ended; Open311 calls the ended ones "closed".
OPEN = [
    Status.SUBMITTED, Status.ACCEPTED, Status.DISPATCHED, Status.TAKEN, Status.IN_PROGRESS, Status.HANDLED, Status.VERIFIED, Status.ANSWERED,
    Status.LONG_TERM,
]  # fmt: skip
ENDED = [Status.CLOSED, Status.REFUSED, Status.MERGED, Status.WITHDRAWN]
# Being handled at a level: the statuses the sweep reminds and escalates, and a person may escalate.
HANDLING = [Status.ACCEPTED, Status.DISPATCHED, Status.TAKEN, Status.IN_PROGRESS]
# A missed deadline of these stages moves the request one level up; of the others it sends the level above a 督办 notice.
ESCALATING_STAGES = {Stage.ACCEPT: [Status.SUBMITTED], Stage.HANDLE: HANDLING}
SUPERVISED_STAGES = [Stage.VERIFY, Stage.ANSWER, Stage.FOLLOW_UP]


def next_level(level: str) -> str | None:
    """The rung above, or None at the district."""
    index = LADDER.index(level)
    return LADDER[index + 1] if index + 1 < len(LADDER) else None


class TimelineAction(models.TextChoices):
    """What a timeline entry records: written by the services, shown by the labels, asserted by the tests."""

    SUBMIT = "submit", _("Submitted")
    ACCEPT = "accept", _("Accept")
    REFUSE = "refuse", _("Not accepted")
    MERGE = "merge", _("Merged as a duplicate")
    WITHDRAW = "withdraw", _("Withdrawn")
    DISPATCH = "dispatch", _("Dispatched")
    TAKE = "take", _("Taken")
    NOTE = "note", _("Progress note")
    START = "start", _("In progress")
    HANDLE = "handle", _("Handled (处置完毕)")
    VERIFY = "verify", _("Verify (核查)")
    REWORK = "rework", _("Sent back for rework (返工)")
    ANSWER = "answer", _("Answer the resident (答复)")
    FOLLOW_UP = "follow_up", _("Follow-up (回访)")
    FOLLOW_UP_DECLINED = "follow_up_declined", _("Follow-up declined or not reached")
    REDO = "redo", _("Reopened for a redo (重办)")
    RETURN = "return", _("Return as misrouted (回退)")
    LONG_TERM = "long_term", _("Explain and keep open long-term (挂账)")
    EXTENSION_ASK = "extension_ask", _("Ask for an extension (延期)")
    EXTENSION_APPROVED = "extension_approved", _("Extension approved")
    EXTENSION_REFUSED = "extension_refused", _("Extension refused")
    ESCALATE = "escalate", _("Escalate to the next level")
    REMIND = "remind", _("Reminder (催办)")
    SUPERVISE = "supervise", _("Overdue notice to the level above (督办)")
    REPORT_HANDLED = "report_handled", _("Found and handled on the spot (自行处置)")
    TO_ALLIANCE = "to_alliance", _("Put to the red-alliance meeting")
    ALLIANCE_DISPATCH = "alliance_dispatch", _("Dispatched by the red-alliance meeting")


class RequestAction(models.TextChoices):
    """What a person may do to a request, on its page and through the API, in the order the page shows them."""

    ACCEPT = "accept", _("Accept (受理)")
    REFUSE = "refuse", _("Not accept, with the reason")
    MERGE = "merge", _("Merge into a duplicate")
    DISPATCH = "dispatch", _("Dispatch (派单)")
    ALLIANCE = "alliance", _("Put to the red-alliance meeting")
    LONG_TERM = "long_term", _("Explain and keep open long-term (挂账)")
    TAKE = "take", _("Take (接单)")
    RETURN = "return", _("Return as misrouted (回退)")
    PROGRESS = "progress", _("Add progress")
    HANDLE = "handle", _("Handled (处置完毕)")
    EXTENSION_ASK = "extension_ask", _("Ask for an extension (延期)")
    ESCALATE = "escalate", _("Escalate to the next level")
    EXTENSION_DECIDE = "extension_decide", _("Decide on the extension")
    VERIFY = "verify", _("Verify (核查)")
    ANSWER = "answer", _("Answer the resident (答复)")
    FOLLOW_UP = "follow_up", _("Follow-up (回访)")
    WITHDRAW = "withdraw", _("Withdrawn by the resident")


# Who a request waits on when no one is named: by the level it is at.
WAITING_AT_LEVEL = {
    HandlingLevel.GRID: _("the community's cadres"),
    HandlingLevel.COMMUNITY: _("the community's cadres"),
    HandlingLevel.STREET: _("the street's cadres"),
    HandlingLevel.ALLIANCE: _("the street's cadres"),
    HandlingLevel.DISTRICT: _("the district organization department"),
}


def waiting_on(*, status: str, level: str, handler: str = "", unit: str = "") -> str:
    """Who must act now, in words: the handler while it is being handled, otherwise the cadres at its level."""
    if status in (Status.DISPATCHED, Status.TAKEN, Status.IN_PROGRESS):
        if handler or unit:
            return handler or unit
        if level == HandlingLevel.GRID:
            return str(_("the grid's workers"))
    return str(WAITING_AT_LEVEL.get(level, ""))
