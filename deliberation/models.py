"""议事协商: topics raised in a community, the meetings that discuss them, the vote or consensus, the published decision
and the tasks that follow it through."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from deliberation.lifecycle import Status
from governance.models import AppendOnly, Community, ResidentUnit
from governance.roles import Level
from governance.scope import ScopedQuerySet
from households.models import Visit
from party_building.models import Project
from resident_requests.models import ResidentRequest

COMMUNITY_SCOPE = {Level.DISTRICT: ["community__district_id"], Level.STREET: ["community__street_id"], Level.COMMUNITY: ["community_id"]}
THROUGH_TOPIC = {level: [f"topic__{path}" for path in paths] for level, paths in COMMUNITY_SCOPE.items()}


class Meeting(models.Model):
    """A deliberation meeting of one community; a date still to come is a meeting scheduled."""

    class Kind(models.TextChoices):
        RESIDENTS = "residents", _("Residents' council (居民议事会)")
        CONSULTATION = "consultation", _("Consultation meeting (协商议事会)")
        THREE_PARTY = "three_party", _("Three-party joint meeting (三方联动联席会)")

    community = models.ForeignKey(Community, models.PROTECT, related_name="deliberation_meetings", verbose_name=_("community"))
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100)
    summary = models.TextField(_("minutes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = COMMUNITY_SCOPE

    class Meta:
        verbose_name = _("deliberation meeting")
        verbose_name_plural = _("deliberation meetings")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["community", "kind", "held_on"], name="delib_meeting_idx")]

    def __str__(self):
        return f"{self.community} {self.get_kind_display()} {self.held_on}"

    def ancestry(self):
        return self.community.ancestry()


class Participant(models.Model):
    """Who took part, by kind: named people and a head count; a contact's personal phone is kept encrypted and masked."""

    class Kind(models.TextChoices):
        REPRESENTATIVES = "representatives", _("Residents' representatives")
        CPPCC = "cppcc", _("CPPCC members (政协委员)")
        PROPERTY = "property", _("Property company")
        OWNERS = "owners", _("Owners' committee")
        CONCERNED = "concerned", _("People concerned")
        CADRES = "cadres", _("Cadres")

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="participants", verbose_name=_("meeting"))
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    names = models.CharField(_("names"), max_length=300)
    count = models.PositiveSmallIntegerField(_("number of people"))
    phone_enc = models.TextField(editable=False, blank=True)
    phone_hash = models.CharField(max_length=64, editable=False, blank=True, db_index=True)
    phone_masked = models.CharField(_("contact phone"), max_length=11, editable=False, blank=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = {level: [f"meeting__{path}" for path in paths] for level, paths in COMMUNITY_SCOPE.items()}

    class Meta:
        verbose_name = _("participants")
        verbose_name_plural = _("participants")
        ordering = ["meeting_id", "kind", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} × {self.count}"

    def ancestry(self):
        return self.meeting.ancestry()


class Topic(models.Model):
    """议题: raised by a resident request, a need found on a visit, a resident unit or a cadre; decided at a meeting."""

    class Source(models.TextChoices):
        REQUEST = "request", _("A resident request")
        VISIT = "visit", _("A need found on a visit")
        UNIT = "unit", _("A resident unit")
        CADRE = "cadre", _("A cadre")

    class Outcome(models.TextChoices):
        VOTE = "vote", _("Vote")
        CONSENSUS = "consensus", _("Consensus")

    community = models.ForeignKey(Community, models.PROTECT, related_name="deliberation_topics", verbose_name=_("community"))
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"))
    source = models.CharField(_("raised by"), max_length=10, choices=Source.choices)
    request = models.ForeignKey(ResidentRequest, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("request"))
    # Visits are partitioned by month: PostgreSQL allows no foreign key to them that leaves out visited_at.
    visit = models.ForeignKey(Visit, models.PROTECT, null=True, blank=True, db_constraint=False, related_name="+", verbose_name=_("visit"))
    unit = models.ForeignKey(ResidentUnit, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("resident unit"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    meeting = models.ForeignKey(Meeting, models.PROTECT, null=True, blank=True, related_name="topics", verbose_name=_("meeting"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    consensus = models.TextField(_("consensus reached"), blank=True)
    decision = models.TextField(_("decision"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    drop_reason = models.TextField(_("reason for dropping"), blank=True)
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = COMMUNITY_SCOPE

    class Meta:
        verbose_name = _("deliberation topic")
        verbose_name_plural = _("deliberation topics")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["community", "status"], name="delib_topic_status_idx"),
            models.Index(fields=["community", "published_at"], name="delib_topic_published_idx"),
        ]

    def __str__(self):
        return self.title

    def ancestry(self):
        return self.community.ancestry()


class TopicEvent(AppendOnly):
    """The topic's append-only history: every move of its status, by whom, when, with a note."""

    topic = models.ForeignKey(Topic, models.CASCADE, related_name="history", verbose_name=_("topic"))
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("by"))
    from_status = models.CharField(_("from"), max_length=10, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=Status.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("topic history entry")
        verbose_name_plural = _("topic history")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.to_status}"


class Option(models.Model):
    """An option put to the meeting, with its recorded vote."""

    topic = models.ForeignKey(Topic, models.CASCADE, related_name="options", verbose_name=_("topic"))
    text = models.CharField(_("option"), max_length=200)
    votes_for = models.PositiveIntegerField(_("for"), default=0)
    votes_against = models.PositiveIntegerField(_("against"), default=0)
    votes_abstain = models.PositiveIntegerField(_("abstain"), default=0)
    adopted = models.BooleanField(_("adopted"), default=False)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = THROUGH_TOPIC

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["topic_id", "id"]

    def __str__(self):
        return self.text

    def ancestry(self):
        return self.topic.ancestry()


class Task(models.Model):
    """A follow-through task of a decision, with a responsible person and a due date; it may be a request or a project."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    topic = models.ForeignKey(Topic, models.CASCADE, related_name="tasks", verbose_name=_("topic"))
    title = models.CharField(_("task"), max_length=200)
    responsible = models.CharField(_("responsible person"), max_length=50)
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=5, choices=Status.choices, default=Status.OPEN)
    result = models.TextField(_("result"), blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    request = models.OneToOneField(ResidentRequest, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("request"))
    project = models.OneToOneField(Project, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("project"))
    # Set by the overdue sweep when it claims the task, so each overdue task is reminded once.
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = THROUGH_TOPIC

    class Meta:
        verbose_name = _("follow-through task")
        verbose_name_plural = _("follow-through tasks")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="delib_task_due_idx")]

    def __str__(self):
        return self.title

    def ancestry(self):
        return self.topic.ancestry()
