"""The district's (and the city's) oversight records: the yearly assessment plan with its indicators, and the monthly report archive.

The tables keep the names they had in governance, where these models lived first.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.models import City, Community, District, Street
from governance.roles import Level
from governance.scope import ScopedQuerySet


class AssessmentPlan(models.Model):
    """考核: one plan a year, with weighted indicators and a minimum volume for the rate indicators."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    min_requests = models.PositiveSmallIntegerField(_("fewest requests to be ranked on rates"), default=10)

    class Meta:
        db_table = "governance_assessmentplan"
        verbose_name = _("assessment plan")
        verbose_name_plural = _("assessment plans")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class Indicator(models.Model):
    class Key(models.TextChoices):
        VISIT_COVERAGE = "visit_coverage", _("Visit coverage (visited in 90 days)")
        KEY_CARE = "key_care", _("Key-care visits on time")
        ACCEPTANCE = "acceptance", _("Acceptance rate")
        ON_TIME = "on_time", _("On-time completion rate")
        SATISFACTION = "satisfaction", _("Satisfaction rate")
        VOLUNTEER_HOURS = "volunteer_hours", _("Volunteer hours per household")
        LINKAGE = "linkage", _("Linkage compliance")

    plan = models.ForeignKey(AssessmentPlan, models.CASCADE, related_name="indicators", verbose_name=_("plan"))
    key = models.CharField(_("indicator"), max_length=20, choices=Key.choices)
    weight = models.PositiveSmallIntegerField(_("weight"))

    class Meta:
        db_table = "governance_indicator"
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="indicator_once_per_plan")]

    def __str__(self):
        return f"{self.get_key_display()} × {self.weight}"


class MonthlyReport(models.Model):
    """The past month's report of a community, a street, a district or a city, as PDF and .xlsx (archive)."""

    # Set on a city's own report only: a district's reports never store its city, which it may join later.
    city = models.ForeignKey(City, models.PROTECT, null=True, blank=True, related_name="monthly_reports", verbose_name=_("city"))
    district = models.ForeignKey(District, models.PROTECT, null=True, blank=True, related_name="monthly_reports", verbose_name=_("district"))
    street = models.ForeignKey(Street, models.PROTECT, null=True, blank=True, related_name="monthly_reports", verbose_name=_("street"))
    community = models.ForeignKey(Community, models.PROTECT, null=True, blank=True, related_name="monthly_reports", verbose_name=_("community"))
    month = models.DateField(_("month"), help_text=_("The first day of the month reported."))
    title = models.CharField(_("title"), max_length=200)
    pdf = models.FileField(_("PDF"), upload_to="reports/%Y/%m/")
    xlsx = models.FileField(_("Excel"), upload_to="reports/%Y/%m/")
    created_at = models.DateTimeField(_("generated at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    # A street's report belongs to the street and the district; a community's also to the community; a city's to the
    # city alone (its districts' reports reach the city through its districts).
    SCOPE_PATHS = {Level.CITY: ["city_id"], Level.DISTRICT: ["district_id"], Level.STREET: ["street_id"], Level.COMMUNITY: ["community_id"]}

    class Meta:
        db_table = "governance_monthlyreport"
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month", "city_id", "district_id", "street_id", "community_id"]
        indexes = [models.Index(fields=["month"], name="monthly_report_month_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(city__isnull=False, district__isnull=True, street__isnull=True, community__isnull=True)
                | Q(city__isnull=True, district__isnull=False),
                name="monthly_report_city_or_district",
            )
        ]

    def __str__(self):
        return self.title


class MonthlyCount(models.Model):
    """A closed month's counts per grid (visits made, requests submitted, requests closed), so that a dashboard's
    twelve-month trend reads a few thousand rows instead of counting a city's millions of visits every time.

    Written only by oversight/rollups.py (the nightly job); the current month is always counted live.
    """

    grid = models.ForeignKey("grids.Grid", models.CASCADE, related_name="+", verbose_name=_("grid"))
    month = models.DateField(_("month"))
    visits = models.PositiveIntegerField(_("visits"), default=0)
    submitted = models.PositiveIntegerField(_("requests submitted"), default=0)
    closed = models.PositiveIntegerField(_("requests closed"), default=0)

    class Meta:
        verbose_name = _("monthly count")
        verbose_name_plural = _("monthly counts")
        constraints = [models.UniqueConstraint(fields=["month", "grid"], name="monthly_count_once")]

    def __str__(self):
        return f"{self.grid_id} {self.month:%Y-%m}"


class RolledMonth(models.Model):
    """A month whose counts are in MonthlyCount for every grid (a grid with nothing that month has no row)."""

    month = models.DateField(_("month"), unique=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("rolled-up month")
        verbose_name_plural = _("rolled-up months")
        ordering = ["month"]

    def __str__(self):
        return f"{self.month:%Y-%m}"
