import hashlib
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.choices import ChoiceLabels
from core.idempotency import IdempotencyRecord
from governance.models import AppendOnly, ResidentUnit
from governance.roles import Level
from governance.scope import ScopedQuerySet
from grids.models import Building, Grid
from households.models import GRID_SCOPE, Household
from resident_requests.lifecycle import ENDED, HandlingLevel, Stage, Status, TimelineAction


class CalendarYear(models.Model):
    """A year whose holidays and make-up working days are entered; other years fall back to Monday-Friday."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    source = models.CharField(_("source"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class CalendarDay(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday (no work)")
        WORKDAY = "workday", _("Make-up working day (调休上班)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("official calendar")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"


class Category(models.Model):
    """The admin-editable tree of request fields (画土分疆)."""

    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent"))
    name = models.CharField(_("name"), max_length=50)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("in use"), default=True)
    max_extension_days = models.PositiveSmallIntegerField(_("longest extension (working days)"), default=10)

    class Meta:
        verbose_name = _("request category")
        verbose_name_plural = _("request categories")
        ordering = ["sort_order", "id"]

    def __str__(self):
        return f"{self.parent.name} / {self.name}" if self.parent_id and self.parent else self.name


class Urgency(models.TextChoices):
    IMMEDIATE = "immediate", _("Handle at once (立即办理)")
    SCHEDULED = "scheduled", _("Handle within a set time (限期办理)")
    LONG_TERM = "long_term", _("Explain and pursue long-term (解释说明并长期推进)")


class TimeLimit(models.Model):
    """限时办结: per category (falling back to its parent, then to any category) and urgency, per stage."""

    class Unit(models.TextChoices):
        WORKING_DAYS = "working_days", _("working days")
        WORKING_HOURS = "working_hours", _("working hours")
        NATURAL_HOURS = "natural_hours", _("natural hours")

    category = models.ForeignKey(
        Category,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="time_limits",
        verbose_name=_("category"),
        help_text=_("Empty: every category without its own limit."),
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, blank=True, help_text=_("Empty: every urgency."))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    amount = models.DecimalField(_("amount"), max_digits=6, decimal_places=1)
    unit = models.CharField(_("unit"), max_length=15, choices=Unit.choices, default=Unit.WORKING_DAYS)

    class Meta:
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")
        constraints = [
            models.UniqueConstraint(fields=["category", "urgency", "stage"], condition=Q(category__isnull=False), name="time_limit_unique"),
            models.UniqueConstraint(fields=["urgency", "stage"], condition=Q(category__isnull=True), name="time_limit_unique_default"),
        ]

    def __str__(self):
        return f"{self.category or '*'} {self.get_urgency_display() or '*'} {self.get_stage_display()}: {self.amount} {self.get_unit_display()}"


# Links shown to staff are web pages only: no javascript:, data: or ftp: behind a click.
WEB_LINK = URLValidator(schemes=["http", "https"])
# The longest description any channel may send (form, API, Open311): longer is refused, never cut.
DESCRIPTION_MAX_LENGTH = 4000


class ServiceAttribute(models.Model):
    """A question a service (category) asks Open311 callers, answered as `attribute[code]` when they post."""

    class Datatype(models.TextChoices):
        STRING = "string", _("Short text")
        TEXT = "text", _("Long text")
        NUMBER = "number", _("Number")
        DATETIME = "datetime", _("Date and time")
        SINGLE = "singlevaluelist", _("One of a list")
        MULTI = "multivaluelist", _("Several of a list")

    LISTS = (Datatype.SINGLE, Datatype.MULTI)

    category = models.ForeignKey(Category, models.CASCADE, related_name="attributes", verbose_name=_("category"))
    code = models.SlugField(_("code"), max_length=40)
    description = models.CharField(_("question"), max_length=200)
    datatype = models.CharField(_("answer type"), max_length=20, choices=Datatype.choices, default=Datatype.STRING)
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    values = models.TextField(
        _("choices"), blank=True, help_text=_("For lists: one choice a line, as key=name (for example 1=电梯停运). Keys are letters, digits, - and _.")
    )

    class Meta:
        verbose_name = _("service attribute")
        verbose_name_plural = _("service attributes")
        ordering = ["category_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="service_attribute_unique_code")]

    def __str__(self):
        return f"{self.code}: {self.description}"

    def choices(self) -> list[tuple[str, str]]:
        """The (key, name) pairs of a list attribute, in the order entered."""
        pairs = [line.split("=", 1) for line in self.values.splitlines() if "=" in line]
        return [(key.strip(), name.strip()) for key, name in pairs if key.strip()]

    def clean(self):
        if self.datatype in self.LISTS and not self.choices():
            raise ValidationError({"values": _("A list needs at least one choice, as key=name.")})
        keys = [key for key, _name in self.choices()]
        if len(keys) != len(set(keys)) or not all(re.fullmatch(r"[A-Za-z0-9_-]{1,40}", key) for key in keys):
            raise ValidationError({"values": _("Each choice needs its own key of letters, digits, - and _.")})


def origins_validator(value: str) -> None:
    """One web origin a line (scheme, host and port only): what a browser sends in its Origin header."""
    check = URLValidator(schemes=["https", "http"])
    for line in value.splitlines():
        origin = line.strip()
        if not origin:
            continue
        check(origin)
        if origin.count("/") != 2 or origin.endswith("/"):
            raise ValidationError(_("%(origin)s is not an origin: write only scheme, host and port, like https://app.example.cn.") % {"origin": origin})


class Open311Partner(models.Model):
    """A system allowed to post Open311 requests (the 12345 platform, a mini-program backend) with its own key."""

    name = models.CharField(_("name"), max_length=50, unique=True, help_text=_("Shown on each request it sends as the channel."))
    # The key is shown once; only its digest is kept, with its first characters to recognise it.
    key_prefix = models.CharField(_("key starts with"), max_length=12, editable=False, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_issued_at = models.DateTimeField(_("key issued"), null=True, editable=False)
    hourly_limit = models.PositiveIntegerField(_("requests per hour"), default=600, validators=[MinValueValidator(1)])
    services = models.ManyToManyField(Category, blank=True, related_name="+", verbose_name=_("allowed services"), help_text=_("Empty: every service in use."))
    cors_origins = models.TextField(
        _("browser origins"),
        blank=True,
        validators=[origins_validator],
        help_text=_("Only if web pages post with this key: one origin a line, like https://app.example.cn. Empty: servers only."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 partner")
        verbose_name_plural = _("Open311 partners")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @staticmethod
    def digest(key: str) -> str:
        # A random 256-bit key needs no slow hash: the digest only keeps a leaked table from being usable.
        return hashlib.sha256(key.encode()).hexdigest()

    def origins(self) -> set[str]:
        return {line.strip().lower() for line in self.cors_origins.splitlines() if line.strip()}


def new_tracking_code() -> str:
    return secrets.token_hex(5).upper()


def new_public_id() -> str:
    """The number staff lists, Open311 and the API show: random like the tracking code, but never the resident's secret."""
    return secrets.token_hex(6).upper()


class ResidentRequest(ChoiceLabels, models.Model):
    class Source(models.TextChoices):
        PUBLIC_FORM = "public_form", _("Resident, online form")
        PATROL = "patrol", _("Grid worker's patrol")
        VISIT = "visit", _("Need found on a visit")
        HOTLINE = "hotline", _("Phone or 12345 hotline")
        VOLUNTEER = "volunteer", _("Volunteer's report")
        API = "api", _("API")
        OPEN311 = "open311", _("Open311 partner")

    class Rating(models.IntegerChoices):
        VERY_SATISFIED = 5, _("Very satisfied")
        SATISFIED = 4, _("Satisfied")
        FAIRLY_SATISFIED = 3, _("Fairly satisfied")
        DISSATISFIED = 2, _("Dissatisfied")
        VERY_DISSATISFIED = 1, _("Very dissatisfied")

    # The resident's secret: it opens the status page and its rating form, so it appears only to the resident
    # (after filing, on their own page) and to the cadre who filed a phone case for them. Everyone else sees public_id.
    tracking_code = models.CharField(_("tracking code"), max_length=10, default=new_tracking_code, editable=False)
    public_id = models.CharField(_("request number"), max_length=12, default=new_public_id, editable=False)
    source = models.CharField(_("source"), max_length=15, choices=Source.choices)
    category = models.ForeignKey(Category, models.PROTECT, related_name="requests", verbose_name=_("category"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.SCHEDULED)
    description = models.TextField(_("description"))
    grid = models.ForeignKey(Grid, models.PROTECT, related_name="requests", verbose_name=_("grid"))
    # Looked up through request_duplicate_idx, which starts with the building.
    building = models.ForeignKey(Building, models.PROTECT, null=True, blank=True, db_index=False, related_name="requests", verbose_name=_("building"))
    household = models.ForeignKey(Household, models.PROTECT, null=True, blank=True, related_name="requests", verbose_name=_("household"))
    partner = models.ForeignKey(Open311Partner, models.PROTECT, null=True, blank=True, related_name="requests", verbose_name=_("channel"))
    # A link the partner sent (a photo on its own server): shown as a link, never fetched by this server.
    media_url = models.URLField(_("media link"), max_length=2000, blank=True, validators=[WEB_LINK])
    email_enc = models.TextField(editable=False, blank=True)
    email_masked = models.CharField(_("reporter's email"), max_length=254, editable=False, blank=True)
    attributes = models.JSONField(_("answers to the service's questions"), default=dict, blank=True)
    # Visits are partitioned by month: PostgreSQL allows no foreign key to them that leaves out visited_at.
    visit = models.OneToOneField(
        "households.Visit", models.PROTECT, null=True, blank=True, db_constraint=False, related_name="request", verbose_name=_("visit")
    )
    reporter_name = models.CharField(_("reporter"), max_length=50, blank=True)
    phone_enc = models.TextField(editable=False, blank=True)
    phone_hash = models.CharField(max_length=64, editable=False, blank=True)
    phone_masked = models.CharField(_("reporter's phone"), max_length=11, editable=False, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    level = models.CharField(_("handling level"), max_length=10, choices=HandlingLevel.choices, default=HandlingLevel.GRID)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="handled_requests", verbose_name=_("handler"))
    handler_unit = models.ForeignKey(ResidentUnit, models.PROTECT, null=True, blank=True, related_name="requests", verbose_name=_("resident unit handling"))
    responsible_person = models.CharField(_("responsible person (分包责任人)"), max_length=50, blank=True)
    meeting = models.ForeignKey("AllianceMeeting", models.PROTECT, null=True, blank=True, related_name="requests", verbose_name=_("red-alliance meeting"))
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    stage = models.CharField(_("current stage"), max_length=10, choices=Stage.choices, blank=True)
    stage_started_at = models.DateTimeField(_("stage started"), null=True, blank=True)
    stage_deadline = models.DateTimeField(_("stage deadline"), null=True, blank=True)
    # The handling deadline (with approved extensions), kept after the stage ends: 办结率 counts by it.
    handle_deadline = models.DateTimeField(_("handling deadline"), null=True, blank=True, db_index=True)
    # 80% of the stage's time: when the handler gets a reminder (催办).
    remind_at = models.DateTimeField(_("remind at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    # When the level above was told that the current stage's deadline passed (督办): once per stage.
    supervised_at = models.DateTimeField(_("overdue notice sent"), null=True, blank=True)
    # Whether each stage finished in time, stored when it finishes so that on-time figures are counts.
    accepted_on_time = models.BooleanField(_("accepted on time"), null=True, editable=False)
    handled_on_time = models.BooleanField(_("handled on time"), null=True, editable=False)
    verified_on_time = models.BooleanField(_("verified on time"), null=True, editable=False)
    answered_on_time = models.BooleanField(_("answered on time"), null=True, editable=False)
    followed_up_on_time = models.BooleanField(_("followed up on time"), null=True, editable=False)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    result_note = models.TextField(_("result"), blank=True)
    answer_note = models.TextField(_("answer to the resident"), blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), choices=Rating.choices, null=True, blank=True)
    rating_note = models.CharField(_("rating comment"), max_length=200, blank=True)
    follow_up_declined = models.BooleanField(_("follow-up declined"), default=False)
    rework_count = models.PositiveSmallIntegerField(_("rework (返工)"), default=0)
    redo_count = models.PositiveSmallIntegerField(_("redo (重办)"), default=0)
    returned_count = models.PositiveSmallIntegerField(_("returned (回退)"), default=0)
    escalation_count = models.PositiveSmallIntegerField(_("escalations"), default=0)
    extension_days = models.PositiveSmallIntegerField(_("extension granted (working days)"), default=0)
    extension_requested_days = models.PositiveSmallIntegerField(_("extension requested (working days)"), default=0)
    extension_reason = models.CharField(_("extension reason"), max_length=200, blank=True)
    merged_into = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="duplicates", verbose_name=_("merged into"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("entered by"))
    # The patrol during which a grid worker reported it: the patrol's record lists what it found and handled.
    patrol = models.ForeignKey("grids.Patrol", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("patrol"))
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = {**GRID_SCOPE, Level.BUILDING: ["building_id"]}

    class Meta:
        verbose_name = _("resident request")
        verbose_name_plural = _("resident requests")
        ordering = ["stage_deadline", "id"]
        # Every index is written again by each move of a request (the sweep moves 100,000 at a time): none repeats
        # the first columns of another, and none is a LIKE index that no query uses.
        constraints = [
            models.UniqueConstraint(fields=["tracking_code"], name="request_tracking_code_unique"),
            models.UniqueConstraint(fields=["public_id"], name="request_public_id_unique"),
        ]
        indexes = [
            models.Index(fields=["grid", "status", "stage_deadline"], name="request_queue_idx"),
            # The default order: a district's or a city's list reads its first page off this index instead of sorting all.
            models.Index(fields=["stage_deadline", "id"], name="request_order_idx"),
            # Lists and figures of a period (Open311's 90 days, a dashboard's month) count by the time of submission.
            models.Index(fields=["created_at", "status"], name="request_created_idx"),
            models.Index(
                fields=["status", "stage_deadline"],
                name="request_sweep_idx",
                condition=~Q(status__in=[*ENDED, Status.LONG_TERM]),
            ),
            models.Index(fields=["building", "category", "created_at"], name="request_duplicate_idx"),
            models.Index(fields=["remind_at"], name="request_remind_idx", condition=Q(reminded_at__isnull=True)),
            models.Index(fields=["phone_hash"], name="request_phone_idx"),
        ]

    def __str__(self):
        return f"{self.public_id} {self.category.name}"

    def ancestry(self):
        return {**self.grid.ancestry(), **({Level.BUILDING: self.building_id} if self.building_id else {})}


class AllianceMeeting(models.Model):
    """A red-alliance joint meeting (红色联盟会议) of the street with its resident units."""

    street = models.ForeignKey("governance.Street", models.PROTECT, related_name="alliance_meetings", verbose_name=_("street"))
    held_on = models.DateField(_("date"))
    units = models.ManyToManyField(ResidentUnit, related_name="alliance_meetings", verbose_name=_("units present"))
    attendees = models.TextField(_("people present"))
    decisions = models.TextField(_("decisions"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = {Level.DISTRICT: ["street__district_id"], Level.STREET: ["street_id"]}

    class Meta:
        verbose_name = _("red-alliance meeting")
        verbose_name_plural = _("red-alliance meetings")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.street} {self.held_on}"


class TimelineEntry(ChoiceLabels, AppendOnly):
    """The request's append-only timeline: every transition, by whom, when, at which level, with a note."""

    request = models.ForeignKey(ResidentRequest, models.CASCADE, related_name="timeline", verbose_name=_("request"))
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("by"))
    action = models.CharField(_("action"), max_length=20, choices=TimelineAction.choices)
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices)
    level = models.CharField(_("level"), max_length=10, choices=HandlingLevel.choices)
    note = models.TextField(_("note"), blank=True)
    public = models.BooleanField(_("shown to the resident"), default=False)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class RequestPhoto(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", _("Reported")
        RESULT = "result", _("Result")

    request = models.ForeignKey(ResidentRequest, models.CASCADE, related_name="photos", verbose_name=_("request"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REPORT)
    image = models.ImageField(_("photo"), upload_to="requests/%Y/%m/")
    thumbnail = models.ImageField(_("thumbnail"), upload_to="requests/%Y/%m/thumbs/")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["id"]

    def __str__(self):
        return self.image.name


class IdempotencyKey(IdempotencyRecord):
    """A retried creation with the same key, caller and payload returns the first request; another payload is refused."""

    request = models.ForeignKey(ResidentRequest, models.CASCADE, related_name="+", verbose_name=_("request"))

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["caller", "key"], name="idempotency_unique")]
