import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.models import AppendOnly, Community, ResidentUnit
from governance.roles import Level
from governance.scope import ScopedQuerySet
from grids.models import Grid
from households.models import Household

COMMUNITY_SCOPE = {Level.DISTRICT: ["community__district_id"], Level.STREET: ["community__street_id"], Level.COMMUNITY: ["community_id"]}


class Skill(models.TextChoices):
    REPAIRS = "repairs", _("Repairs (水电维修)")
    LEGAL = "legal", _("Legal advice")
    MEDICAL = "medical", _("Medical help")
    TEACHING = "teaching", _("Teaching and tutoring")
    COUNSELLING = "counselling", _("Counselling")
    ARTS = "arts", _("Arts and culture")
    CARE = "care", _("Child and elderly care")
    IT = "it", _("Phones and computers")
    OTHER = "other", _("Other")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the community")
    CONFIRMED = "confirmed", _("Confirmed")
    REFUSED = "refused", _("Refused")


class ReportingUnit(models.Model):
    """A work unit's party organisation that reports to the community where the unit sits (双报到)."""

    community = models.ForeignKey(Community, models.PROTECT, related_name="reporting_units", verbose_name=_("community"))
    resident_unit = models.OneToOneField(ResidentUnit, models.PROTECT, null=True, blank=True, related_name="reporting", verbose_name=_("resident unit"))
    name = models.CharField(_("unit name"), max_length=100)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    party_org_name = models.CharField(_("party organisation"), max_length=100)
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    resources = models.TextField(_("resources offered"), help_text=_("Rooms, equipment, skills, funds… for the resource list."))
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("reviewed by"))
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = COMMUNITY_SCOPE

    class Meta:
        verbose_name = _("reporting unit")
        verbose_name_plural = _("reporting units")
        ordering = ["community_id", "name"]

    def __str__(self):
        return self.name

    def ancestry(self):
        return self.community.ancestry()


class Volunteer(models.Model):
    """An in-service party member or a resident volunteer, registered with the community where they live."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="volunteer", verbose_name=_("account"))
    community = models.ForeignKey(Community, models.PROTECT, related_name="volunteers", verbose_name=_("community"))
    grid = models.ForeignKey(Grid, models.PROTECT, null=True, blank=True, related_name="volunteers", verbose_name=_("grid party organisation"))
    household = models.ForeignKey(Household, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("home"))
    name = models.CharField(_("name"), max_length=50)
    phone_enc = models.TextField(editable=False, blank=True)
    phone_hash = models.CharField(max_length=64, editable=False, blank=True, db_index=True)
    phone_masked = models.CharField(_("phone"), max_length=11, editable=False, blank=True)
    is_party_member = models.BooleanField(_("in-service party member"), default=True)
    work_unit = models.ForeignKey(ReportingUnit, models.SET_NULL, null=True, blank=True, related_name="members", verbose_name=_("work unit"))
    work_unit_name = models.CharField(_("work unit (if not reporting)"), max_length=100, blank=True)
    party_branch = models.CharField(_("own party branch"), max_length=100, blank=True)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    availability = models.CharField(_("when free"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("reviewed by"))
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = COMMUNITY_SCOPE
    AUDIT_LABELS = {"links": _("linked households")}

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["community_id", "name"]

    def __str__(self):
        return self.name

    def ancestry(self):
        return self.community.ancestry()


class HouseholdLink(models.Model):
    """One of the about ten households a member looks after ("1+10")."""

    volunteer = models.ForeignKey(Volunteer, models.CASCADE, related_name="links", verbose_name=_("volunteer"))
    household = models.ForeignKey(Household, models.CASCADE, related_name="volunteer_links", verbose_name=_("household"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("linked by"))
    created_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("household link")
        verbose_name_plural = _("household links (1+10)")
        constraints = [
            models.UniqueConstraint(
                fields=["household"], name="household_link_one_member", violation_error_message=_("This household is already linked to a member.")
            )
        ]

    def __str__(self):
        return f"{self.volunteer} → {self.household_id}"

    def ancestry(self):
        return self.volunteer.ancestry()


class PointsRule(models.Model):
    """How much a confirmed service is worth: points per hour of activity, or per service of a kind."""

    kind = models.CharField(_("kind of service"), max_length=20, unique=True)
    label = models.CharField(_("name"), max_length=50)
    points_per_hour = models.DecimalField(_("points per hour"), max_digits=6, decimal_places=1, default=0)
    points_per_service = models.DecimalField(_("points per service"), max_digits=6, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")
        ordering = ["kind"]

    def __str__(self):
        return self.label


class PointsEntry(AppendOnly):
    """An entry of the points passbook (积分存折): append-only; a correction is a reversal entry, never an edit."""

    class Kind(models.TextChoices):
        ACTIVITY = "activity", _("Activity hours")
        POST = "post", _("Post duty")
        WISH = "wish", _("Micro-wish fulfilled")
        REQUEST = "request", _("Request handled")
        REDEEM = "redeem", _("Gift redeemed")
        REVERSAL = "reversal", _("Correction (reversal)")

    volunteer = models.ForeignKey(Volunteer, models.PROTECT, related_name="points_entries", verbose_name=_("volunteer"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2, default=0)
    points = models.DecimalField(_("points"), max_digits=8, decimal_places=1)
    note = models.CharField(_("for"), max_length=200)
    # The passbook is partitioned by month: PostgreSQL allows no foreign key to it that leaves out created_at.
    reverses = models.OneToOneField("self", models.PROTECT, null=True, blank=True, db_constraint=False, related_name="reversed_by", verbose_name=_("reverses"))
    signup = models.OneToOneField("Signup", models.PROTECT, null=True, blank=True, related_name="points_entry", verbose_name=_("activity sign-up"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = {level: [f"volunteer__{lookup}" for lookup in lookups] for level, lookups in COMMUNITY_SCOPE.items()}
    AUDIT_LABELS = {"post": _("service post")}

    class Meta:
        # The table keeps its first name: "ledger" now means only the household ledger, in code and pages.
        db_table = "volunteers_ledgerentry"
        verbose_name = _("points entry")
        verbose_name_plural = _("points passbook")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.volunteer} {self.points:+}"

    def ancestry(self):
        return self.volunteer.ancestry()


def new_secret() -> str:
    return secrets.token_urlsafe(24)


class Activity(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Open for sign-up")
        CANCELLED = "cancelled", _("Cancelled")

    community = models.ForeignKey(Community, models.PROTECT, related_name="activities", verbose_name=_("community"))
    organiser_unit = models.ForeignKey(
        ResidentUnit, models.PROTECT, null=True, blank=True, related_name="activities", verbose_name=_("organised by a resident unit")
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=100)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    places = models.PositiveSmallIntegerField(_("places"))
    skills = models.JSONField(_("skills wanted"), default=list, blank=True)
    signup_closes_at = models.DateTimeField(_("sign-up and cancellation close"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    # Keys the rotating check-in code; never shown, so codes cannot be forged.
    secret = models.CharField(_("check-in secret"), max_length=40, default=new_secret, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("published by"))
    created_at = models.DateTimeField(_("published at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = COMMUNITY_SCOPE

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["community", "starts_at"], name="activity_community_time_idx")]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="activity_ends_after_start")]

    def __str__(self):
        return self.title

    def ancestry(self):
        return self.community.ancestry()


class Signup(models.Model):
    class Status(models.TextChoices):
        SIGNED_UP = "signed_up", _("Signed up")
        CANCELLED = "cancelled", _("Cancelled")
        CHECKED_IN = "checked_in", _("Checked in")
        CHECKED_OUT = "checked_out", _("Checked out, to confirm")
        CONFIRMED = "confirmed", _("Hours confirmed")

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="signups", verbose_name=_("activity"))
    volunteer = models.ForeignKey(Volunteer, models.PROTECT, related_name="signups", verbose_name=_("volunteer"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SIGNED_UP)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    # The code window of the check-in scan: check-out needs a code of a later window, so one code cannot do both.
    checkin_window = models.PositiveBigIntegerField(_("check-in code window"), null=True, blank=True, editable=False)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(_("signed up at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["activity", "volunteer"], name="signup_once")]

    def __str__(self):
        return f"{self.volunteer} · {self.activity}"

    def ancestry(self):
        return self.activity.ancestry()


class Gift(models.Model):
    """A gift an alliance merchant (联盟商户, a resident unit accepting points) offers for points."""

    merchant = models.ForeignKey(ResidentUnit, models.PROTECT, related_name="gifts", verbose_name=_("alliance merchant"))
    name = models.CharField(_("gift"), max_length=100)
    points = models.PositiveIntegerField(_("points price"))
    stock = models.PositiveIntegerField(_("in stock"))
    active = models.BooleanField(_("offered"), default=True)
    created_at = models.DateTimeField(_("listed at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = {level: [f"merchant__{lookup}" for lookup in lookups] for level, lookups in COMMUNITY_SCOPE.items()}

    class Meta:
        verbose_name = _("gift")
        verbose_name_plural = _("gifts")
        ordering = ["points", "id"]
        constraints = [models.CheckConstraint(condition=Q(stock__gte=0), name="gift_stock_not_negative")]

    def __str__(self):
        return f"{self.name} ({self.points})"

    def ancestry(self):
        return self.merchant.ancestry()


class Redemption(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("To collect at the merchant")
        HANDED_OVER = "handed_over", _("Handed over")

    gift = models.ForeignKey(Gift, models.PROTECT, related_name="redemptions", verbose_name=_("gift"))
    volunteer = models.ForeignKey(Volunteer, models.PROTECT, related_name="redemptions", verbose_name=_("volunteer"))
    # The passbook is partitioned by month: PostgreSQL allows no foreign key to it that leaves out created_at.
    entry = models.OneToOneField(PointsEntry, models.PROTECT, db_constraint=False, related_name="redemption", verbose_name=_("points entry"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.WAITING)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("confirmed by"))
    created_at = models.DateTimeField(_("redeemed at"), auto_now_add=True)

    AUDIT_LABELS = {"points": _("points")}

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.volunteer} · {self.gift}"

    def ancestry(self):
        return self.gift.ancestry()


def new_wish_code() -> str:
    return secrets.token_hex(5).upper()


class Wish(models.Model):
    """A resident's micro-wish (微心愿): reviewed, published with the identity masked, claimed, fulfilled, confirmed."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for review")
        PUBLISHED = "published", _("Published, to claim")
        REFUSED = "refused", _("Not published")
        CLAIMED = "claimed", _("Claimed")
        FULFILLED = "fulfilled", _("Fulfilled, to confirm")
        CONFIRMED = "confirmed", _("Confirmed")

    code = models.CharField(_("tracking code"), max_length=10, unique=True, default=new_wish_code, editable=False)
    community = models.ForeignKey(Community, models.PROTECT, related_name="wishes", verbose_name=_("community"))
    household = models.ForeignKey(Household, models.PROTECT, null=True, blank=True, related_name="wishes", verbose_name=_("household"))
    resident_name = models.CharField(_("resident"), max_length=50)
    content = models.TextField(_("wish"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    review_note = models.CharField(_("review note"), max_length=200, blank=True)
    claimed_by = models.ForeignKey(Volunteer, models.PROTECT, null=True, blank=True, related_name="wishes", verbose_name=_("claimed by"))
    claimed_unit = models.ForeignKey(ResidentUnit, models.PROTECT, null=True, blank=True, related_name="wishes", verbose_name=_("claimed by a unit"))
    fulfilment_note = models.TextField(_("how it was fulfilled"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="wishes/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = COMMUNITY_SCOPE

    class Meta:
        verbose_name = _("micro-wish")
        verbose_name_plural = _("micro-wishes")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["community", "status", "published_at"], name="wish_board_idx")]

    def __str__(self):
        return self.content[:30]

    def ancestry(self):
        return self.community.ancestry()

    @property
    def masked_name(self) -> str:
        """What volunteers see of the resident: the family name only."""
        return (self.resident_name[:1] + "**") if self.resident_name else "**"


class ServicePost(models.Model):
    """A post the community publishes for members to claim (认领岗位): policy publicity, building head, medical help…"""

    community = models.ForeignKey(Community, models.PROTECT, related_name="service_posts", verbose_name=_("community"))
    title = models.CharField(_("post"), max_length=100)
    description = models.TextField(_("duties"), blank=True)
    places = models.PositiveSmallIntegerField(_("places"))
    active = models.BooleanField(_("open"), default=True)
    created_at = models.DateTimeField(_("published at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = COMMUNITY_SCOPE

    class Meta:
        verbose_name = _("service post")
        verbose_name_plural = _("service posts")
        ordering = ["community_id", "title"]

    def __str__(self):
        return self.title

    def ancestry(self):
        return self.community.ancestry()


class PostClaim(models.Model):
    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Claimed, to confirm")
        CONFIRMED = "confirmed", _("Holding the post")
        RELEASED = "released", _("Released")

    post = models.ForeignKey(ServicePost, models.CASCADE, related_name="claims", verbose_name=_("post"))
    volunteer = models.ForeignKey(Volunteer, models.PROTECT, related_name="post_claims", verbose_name=_("volunteer"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CLAIMED)
    created_at = models.DateTimeField(_("claimed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("post claim")
        verbose_name_plural = _("post claims")
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["post", "volunteer"], condition=~Q(status="released"), name="post_claim_once")]

    def __str__(self):
        return f"{self.volunteer} · {self.post}"

    def ancestry(self):
        return self.post.ancestry()


class DualReport(models.Model):
    """双报告: a member's half-year report or a unit's annual report, generated from the records and reviewed by the community."""

    class Kind(models.TextChoices):
        MEMBER = "member", _("Member's half-year report")
        UNIT = "unit", _("Unit's annual report")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Waiting for the community's review")
        REVIEWED = "reviewed", _("Reviewed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    community = models.ForeignKey(Community, models.PROTECT, related_name="dual_reports", verbose_name=_("community"))
    volunteer = models.ForeignKey(Volunteer, models.PROTECT, null=True, blank=True, related_name="reports", verbose_name=_("member"))
    unit = models.ForeignKey(ReportingUnit, models.PROTECT, null=True, blank=True, related_name="reports", verbose_name=_("reporting unit"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    figures = models.JSONField(_("figures"), default=dict)
    addressed_to = models.CharField(_("addressed to"), max_length=100)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    review_note = models.TextField(_("community's comment"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("reviewed by"))
    created_at = models.DateTimeField(_("generated at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = COMMUNITY_SCOPE
    AUDIT_LABELS = {"period": _("period")}

    class Meta:
        verbose_name = _("dual report")
        verbose_name_plural = _("dual reports (双报告)")
        ordering = ["-period_end", "-id"]
        constraints = [models.CheckConstraint(condition=Q(volunteer__isnull=False) | Q(unit__isnull=False), name="dual_report_has_subject")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period_start}–{self.period_end}"

    def ancestry(self):
        return self.community.ancestry()
