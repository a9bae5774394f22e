"""The lifecycle of a deliberation topic as tables: its statuses and the allowed moves. Pure data, no database."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    SCHEDULED = "scheduled", _("Scheduled for a meeting")
    DECIDED = "decided", _("Decided")
    FOLLOWING = "following", _("In follow-through")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


TRANSITIONS: dict[str, set[str]] = {
    Status.PROPOSED: {Status.SCHEDULED, Status.DROPPED},
    # A scheduled topic may be put on a later meeting again when the first one did not reach it.
    Status.SCHEDULED: {Status.SCHEDULED, Status.DECIDED, Status.DROPPED},
    Status.DECIDED: {Status.FOLLOWING, Status.DONE, Status.DROPPED},
    Status.FOLLOWING: {Status.DONE},
}
# A decision exists from these statuses on, so it may be published.
DECIDED = [Status.DECIDED, Status.FOLLOWING, Status.DONE]
OPEN = [Status.PROPOSED, Status.SCHEDULED, Status.DECIDED, Status.FOLLOWING]
