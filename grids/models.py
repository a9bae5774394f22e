from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.models import Area, Community, District, Node, Street
from governance.roles import Level
from governance.scope import ScopedQuerySet
from governance.validators import digits_validator


class Grid(Area, Node):
    """One grid, one responsible worker (多网合一): every household, request, visit and volunteer
    belongs to exactly one grid, so later models scope themselves with a grid foreign key."""

    community = models.ForeignKey(Community, models.PROTECT, related_name="grids", verbose_name=_("community"))
    # Derived from the community at creation so that scope filters on any grid-keyed row need one join.
    street = models.ForeignKey(Street, models.PROTECT, related_name="grids", verbose_name=_("street"), editable=False)
    district = models.ForeignKey(District, models.PROTECT, related_name="grids", verbose_name=_("district"), editable=False)
    sequence = models.PositiveSmallIntegerField(
        _("sequence in community"), help_text=_("1-999; the grid code is the community code followed by this number on 3 digits.")
    )
    code = models.CharField(_("grid code"), max_length=15, unique=True, editable=False, validators=[digits_validator(15)])
    boundary = models.CharField(_("boundary"), max_length=200, blank=True, help_text=_("Streets or courtyards that delimit the grid."))

    LEVEL = Level.GRID
    PARENT_FIELD = "community"
    SCOPE_PATHS = {Level.DISTRICT: ["district_id"], Level.STREET: ["street_id"], Level.COMMUNITY: ["community_id"], Level.GRID: ["id"]}
    # An Excel import of the ledger is recorded on its grid (households/imports.py).
    AUDIT_LABELS = {**Node.AUDIT_LABELS, "excel_import": _("Excel import"), "residents": _("residents")}

    class Meta(Area.Meta):
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["community", "sequence"], name="grid_unique_sequence"),
            models.CheckConstraint(condition=models.Q(sequence__gte=1, sequence__lte=999), name="grid_sequence_range"),
        ]

    @property
    def full_name(self) -> str:
        return f"{self.community.name} {self.name}"

    def ancestry(self):
        return {Level.DISTRICT: self.district_id, Level.STREET: self.street_id, Level.COMMUNITY: self.community_id, Level.GRID: self.pk}


class Building(Node):
    """A building or courtyard (楼栋/楼院) with its party group (楼栋党小组)."""

    grid = models.ForeignKey(Grid, models.PROTECT, related_name="buildings", verbose_name=_("grid"))
    number = models.PositiveSmallIntegerField(_("number in grid"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    units = models.PositiveSmallIntegerField(_("units (单元)"), default=1)
    floors = models.PositiveSmallIntegerField(_("floors"), default=6)
    # Where the building stands (WGS84, which CGCS2000 and 天地图 match to within centimetres); set by the places import.
    lon = models.FloatField(_("longitude"), null=True, blank=True, editable=False)
    lat = models.FloatField(_("latitude"), null=True, blank=True, editable=False)

    LEVEL = Level.BUILDING
    PARENT_FIELD = "grid"
    SCOPE_PATHS = {
        Level.DISTRICT: ["grid__district_id"],
        Level.STREET: ["grid__street_id"],
        Level.COMMUNITY: ["grid__community_id"],
        Level.GRID: ["grid_id"],
        Level.BUILDING: ["id"],
    }

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["grid_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "number"], name="building_unique_number"),
            models.CheckConstraint(
                condition=models.Q(lon__isnull=True, lat__isnull=True) | models.Q(lon__gte=-180, lon__lte=180, lat__gte=-90, lat__lte=90),
                name="building_point_valid",
            ),
        ]

    def ancestry(self):
        return {**self.grid.ancestry(), Level.BUILDING: self.pk}

    def clean(self):
        if self.units is not None and self.units < 1:
            raise ValidationError({"units": _("A building has at least one unit.")})


class CentralHousehold(models.Model):
    """A party-member central household (党员中心户), the sixth level below the building."""

    building = models.ForeignKey(Building, models.CASCADE, related_name="central_households", verbose_name=_("building"))
    room = models.CharField(_("unit and room"), max_length=30, help_text=_("For example 2-301."))
    member_name = models.CharField(_("party member"), max_length=50)
    households_served = models.PositiveSmallIntegerField(_("households served"), default=10)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    PARENT_FIELD = "building"
    SCOPE_PATHS = {
        Level.DISTRICT: ["building__grid__district_id"],
        Level.STREET: ["building__grid__street_id"],
        Level.COMMUNITY: ["building__grid__community_id"],
        Level.GRID: ["building__grid_id"],
        Level.BUILDING: ["building_id"],
    }

    class Meta:
        verbose_name = _("party-member central household")
        verbose_name_plural = _("party-member central households")
        ordering = ["building_id", "room"]
        constraints = [models.UniqueConstraint(fields=["building", "room"], name="central_household_unique_room")]

    def __str__(self):
        return f"{self.building} {self.room} {self.member_name}"

    def ancestry(self):
        return self.building.ancestry()


class Patrol(models.Model):
    """A grid worker's daily patrol (每日巡查): started and ended on the phone, with what was seen."""

    grid = models.ForeignKey(Grid, models.PROTECT, related_name="patrols", verbose_name=_("grid"))
    worker = models.ForeignKey("governance.User", models.PROTECT, related_name="patrols", verbose_name=_("grid worker"))
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    notes = models.TextField(_("what was seen"), blank=True)
    # Where the worker stood at the start and the end (WGS84), when they let the phone tell.
    start_lon = models.FloatField(_("start longitude"), null=True, blank=True, editable=False)
    start_lat = models.FloatField(_("start latitude"), null=True, blank=True, editable=False)
    end_lon = models.FloatField(_("end longitude"), null=True, blank=True, editable=False)
    end_lat = models.FloatField(_("end latitude"), null=True, blank=True, editable=False)
    # [[ISO time, lon, lat], ...] in time order, at most one point a minute (services.patrol_track_add keeps the bounds).
    track = models.JSONField(_("track"), default=list, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = {Level.DISTRICT: ["grid__district_id"], Level.STREET: ["grid__street_id"], Level.COMMUNITY: ["grid__community_id"], Level.GRID: ["grid_id"]}

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker"],
                condition=models.Q(ended_at__isnull=True),
                name="patrol_one_open_per_worker",
                violation_error_message=_("You already have a patrol under way."),
            ),
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{end}_lon__isnull": True, f"{end}_lat__isnull": True})
                    | models.Q(**{f"{end}_lon__gte": -180, f"{end}_lon__lte": 180, f"{end}_lat__gte": -90, f"{end}_lat__lte": 90}),
                    name=f"patrol_{end}_point_valid",
                )
                for end in ("start", "end")
            ),
        ]

    def __str__(self):
        return f"{self.grid} {self.started_at:%Y-%m-%d %H:%M}"

    def ancestry(self):
        return self.grid.ancestry()
