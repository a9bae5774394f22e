import operator
from functools import reduce
from typing import NamedTuple

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q, Subquery
from django.utils.translation import gettext_lazy as _

from governance.roles import ROLE_LEVEL, SINGLE_HOLDER_ROLES, Level, Role
from governance.scope import ScopedQuerySet
from governance.validators import digits_validator, validate_mobile


class User(AbstractUser):
    """A person who logs in; what they may see comes from their memberships, not from this row."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("mobile number"), max_length=11, unique=True, null=True, blank=True, validators=[validate_mobile])
    # Set when someone else chose the password (a reset or a new account); cleared when the person picks their own.
    must_change_password = models.BooleanField(_("must change password"), default=False)

    objects = UserManager()

    # The audit log records that a password was reset or changed, never the password.
    AUDIT_CHOICES = {"password": {"reset": _("reset"), "changed": _("changed by its owner")}}

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username


class Node(models.Model):
    """Common fields of every level of the administrative tree."""

    name = models.CharField(_("name"), max_length=100)
    party_org_name = models.CharField(_("party organisation"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    LEVEL: str = ""
    # The parent is fixed at creation: derived ancestor columns below would otherwise go stale.
    PARENT_FIELD: str | None = None
    # What the places import records on the node it names (grids/places_import.py), besides counts per level.
    AUDIT_LABELS = {"places_import": _("places file"), "gcj02": _("GCJ-02 coordinates"), "derived": _("outlines derived")}

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def full_name(self) -> str:
        """The name that tells the node apart on a printed page (a grid adds its community's)."""
        return self.name

    def ancestry(self) -> dict[str, int | None]:
        raise NotImplementedError


class Area(models.Model):
    """A node's outline on the map: GeoJSON (WGS84 lon/lat) plus its bounding box, so that SQL narrows a point look-up
    to a few rows before the geometry test (grids/places.py); no spatial database is needed."""

    geometry = models.JSONField(
        _("outline"), null=True, blank=True, editable=False, help_text=_("GeoJSON Polygon or MultiPolygon, WGS84 longitude and latitude.")
    )
    # True when the outline is the union of the children's, so that recomputing it never overwrites an imported one.
    geometry_derived = models.BooleanField(_("outline derived from the children"), default=False, editable=False)
    min_lon = models.FloatField(_("west"), null=True, blank=True, editable=False)
    min_lat = models.FloatField(_("south"), null=True, blank=True, editable=False)
    max_lon = models.FloatField(_("east"), null=True, blank=True, editable=False)
    max_lat = models.FloatField(_("north"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"], name="%(class)s_bbox_idx")]


class City(Area, Node):
    """A prefecture-level city (地级市) whose organization department oversees its districts on the same platform."""

    code = models.CharField(_("division code"), max_length=6, unique=True, validators=[digits_validator(6)])

    LEVEL = Level.CITY
    SCOPE_PATHS = {Level.CITY: ["id"]}

    class Meta(Area.Meta):
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["code"]

    def ancestry(self):
        return {Level.CITY: self.pk}

    def clean(self):
        if self.code and self.code[4:] != "00":
            raise ValidationError({"code": _("A city code ends with 00 (the district part).")})


class District(Area, Node):
    # Empty for a district that runs on its own; nothing below stores the city, so linking one later needs no rewrite.
    city = models.ForeignKey(City, models.PROTECT, null=True, blank=True, related_name="districts", verbose_name=_("city"))
    code = models.CharField(_("division code"), max_length=6, unique=True, validators=[digits_validator(6)])

    LEVEL = Level.DISTRICT
    PARENT_FIELD = "city"
    SCOPE_PATHS = {Level.CITY: ["city_id"], Level.DISTRICT: ["id"]}

    class Meta(Area.Meta):
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["code"]

    def ancestry(self):
        return {Level.CITY: self.city_id, Level.DISTRICT: self.pk}

    def clean(self):
        if self.code and self.city_id and self.code[:4] != self.city.code[:4]:
            raise ValidationError({"code": _("A district code starts with the first 4 digits of its city's code.")})


class Street(Area, Node):
    class Kind(models.TextChoices):
        STREET = "street", _("Street (街道)")
        TOWN = "town", _("Town (镇)")

    district = models.ForeignKey(District, models.PROTECT, related_name="streets", verbose_name=_("district"))
    code = models.CharField(_("division code"), max_length=12, unique=True, validators=[digits_validator(12)])
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STREET)

    LEVEL = Level.STREET
    PARENT_FIELD = "district"
    SCOPE_PATHS = {Level.DISTRICT: ["district_id"], Level.STREET: ["id"]}

    class Meta(Area.Meta):
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        ordering = ["code"]

    def ancestry(self):
        return {Level.DISTRICT: self.district_id, Level.STREET: self.pk}

    def clean(self):
        if self.code and self.district_id and not self.code.startswith(self.district.code):
            raise ValidationError({"code": _("A street code starts with its district's 6-digit code.")})
        if self.code and self.code[9:] != "000":
            raise ValidationError({"code": _("A street code ends with 000 (the community part).")})


class Community(Area, Node):
    class PartyOrgKind(models.TextChoices):
        COMMITTEE = "committee", _("Party committee (党委)")
        GENERAL_BRANCH = "general_branch", _("General party branch (党总支)")
        BRANCH = "branch", _("Party branch (党支部)")

    street = models.ForeignKey(Street, models.PROTECT, related_name="communities", verbose_name=_("street"))
    # Derived from the street at creation so that scope filters need no join.
    district = models.ForeignKey(District, models.PROTECT, related_name="communities", verbose_name=_("district"), editable=False)
    code = models.CharField(_("division code"), max_length=12, unique=True, validators=[digits_validator(12)])
    party_org_kind = models.CharField(_("party organisation kind"), max_length=20, choices=PartyOrgKind.choices, default=PartyOrgKind.COMMITTEE)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("office phone"), max_length=20, blank=True)

    LEVEL = Level.COMMUNITY
    PARENT_FIELD = "street"
    SCOPE_PATHS = {Level.DISTRICT: ["district_id"], Level.STREET: ["street_id"], Level.COMMUNITY: ["id"]}

    class Meta(Area.Meta):
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["code"]

    def ancestry(self):
        return {Level.DISTRICT: self.district_id, Level.STREET: self.street_id, Level.COMMUNITY: self.pk}

    def clean(self):
        if self.code and self.street_id and not self.code.startswith(self.street.code[:9]):
            raise ValidationError({"code": _("A community code starts with the first 9 digits of its street's code.")})
        if self.code and self.code[9:] == "000":
            raise ValidationError({"code": _("A community code does not end with 000.")})


class ResidentUnit(models.Model):
    """An agency, company, school or property company in the community's big party committee."""

    class Kind(models.TextChoices):
        AGENCY = "agency", _("Government agency")
        COMPANY = "company", _("Company")
        SCHOOL = "school", _("School")
        HOSPITAL = "hospital", _("Hospital")
        PROPERTY = "property", _("Property company")
        SOCIAL = "social", _("Social organisation")
        OTHER = "other", _("Other")

    community = models.ForeignKey(Community, models.PROTECT, related_name="resident_units", verbose_name=_("community"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    party_org_name = models.CharField(_("party organisation"), max_length=100, blank=True, help_text=_("Leave empty when the unit has no party organisation."))
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    PARENT_FIELD = "community"
    SCOPE_PATHS = {Level.DISTRICT: ["community__district_id"], Level.STREET: ["community__street_id"], Level.COMMUNITY: ["community_id"]}

    class Meta:
        verbose_name = _("resident unit")
        verbose_name_plural = _("resident units")
        ordering = ["community_id", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="resident_unit_unique_name")]

    def __str__(self):
        return self.name

    def ancestry(self):
        return self.community.ancestry()


def _exactly_one_node() -> Q:
    """One of the node columns set, the others empty."""
    return reduce(operator.or_, (Q(**{f"{other}__isnull": other != level for other in Level.values}) for level in Level.values))


class Membership(models.Model):
    """A role held by a user at one node: exactly one of the node columns is set."""

    user = models.ForeignKey(User, models.CASCADE, related_name="memberships", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    city = models.ForeignKey(City, models.CASCADE, null=True, blank=True, related_name="memberships", verbose_name=_("city"))
    district = models.ForeignKey(District, models.CASCADE, null=True, blank=True, related_name="memberships", verbose_name=_("district"))
    street = models.ForeignKey(Street, models.CASCADE, null=True, blank=True, related_name="memberships", verbose_name=_("street"))
    community = models.ForeignKey(Community, models.CASCADE, null=True, blank=True, related_name="memberships", verbose_name=_("community"))
    grid = models.ForeignKey("grids.Grid", models.CASCADE, null=True, blank=True, related_name="memberships", verbose_name=_("grid"))
    building = models.ForeignKey("grids.Building", models.CASCADE, null=True, blank=True, related_name="memberships", verbose_name=_("building"))
    unit_label = models.CharField(_("unit"), max_length=20, blank=True, help_text=_("For unit heads: which unit (单元)."))
    # Capabilities granted explicitly on top of the role's own, e.g. sensitive data for a civil-affairs officer.
    extra_capabilities = models.JSONField(_("extra capabilities"), default=list, blank=True)
    granted_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("granted by"))
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    SCOPE_PATHS = {
        Level.CITY: ["city_id"],
        Level.DISTRICT: ["district_id", "street__district_id", "community__district_id", "grid__district_id", "building__grid__district_id"],
        Level.STREET: ["street_id", "community__street_id", "grid__street_id", "building__grid__street_id"],
        Level.COMMUNITY: ["community_id", "grid__community_id", "building__grid__community_id"],
        Level.GRID: ["grid_id", "building__grid_id"],
        Level.BUILDING: ["building_id"],
    }

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("role membership")
        verbose_name_plural = _("role memberships")
        ordering = ["role", "id"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one_node(),
                name="membership_exactly_one_node",
                violation_error_message=_("A role is held at exactly one place: choose one city, district, street, community, grid or building."),
            ),
            *[
                models.UniqueConstraint(
                    fields=["user", "role", level],
                    condition=Q(**{f"{level}__isnull": False}),
                    name=f"membership_unique_role_at_{level}",
                    violation_error_message=_("This person already holds this role here."),
                )
                for level in Level.values
            ],
            *[
                models.UniqueConstraint(
                    fields=[ROLE_LEVEL[role]],
                    condition=Q(role=role),
                    name=f"membership_single_{role}",
                    violation_error_message=_("This place already has a holder of this role; revoke that role first."),
                )
                for role in sorted(SINGLE_HOLDER_ROLES)
            ],
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.node}"

    @property
    def level(self) -> str:
        return ROLE_LEVEL[self.role]

    @property
    def node(self):
        return getattr(self, self.level)

    def ancestry(self):
        return self.node.ancestry()


class AuditQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit log is append-only.")

    def delete(self):
        raise TypeError("The audit log is append-only.")


class AppendOnly(models.Model):
    """Rows that are written once and never changed or deleted (logs, timelines, ledgers)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError(f"{type(self).__name__} is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} is append-only.")


class PlacedLogEntry(AppendOnly):
    """An append-only log row placed in the tree by its ancestor columns, so the usual scope rule applies.

    The columns are not foreign-key constrained: a log outlives the nodes it mentions.
    """

    city = models.ForeignKey(City, models.DO_NOTHING, null=True, blank=True, db_constraint=False, related_name="+", verbose_name=_("city"))
    district = models.ForeignKey(District, models.DO_NOTHING, null=True, blank=True, db_constraint=False, related_name="+", verbose_name=_("district"))
    street = models.ForeignKey(Street, models.DO_NOTHING, null=True, blank=True, db_constraint=False, related_name="+", verbose_name=_("street"))
    community = models.ForeignKey(Community, models.DO_NOTHING, null=True, blank=True, db_constraint=False, related_name="+", verbose_name=_("community"))
    grid = models.ForeignKey("grids.Grid", models.DO_NOTHING, null=True, blank=True, db_constraint=False, related_name="+", verbose_name=_("grid"))
    building = models.ForeignKey("grids.Building", models.DO_NOTHING, null=True, blank=True, db_constraint=False, related_name="+", verbose_name=_("building"))

    SCOPE_PATHS = {level: [f"{level}_id"] for level in Level.values}

    objects = AuditQuerySet.as_manager()

    class Meta:
        abstract = True

    @staticmethod
    def placed(ancestry: dict) -> dict:
        """The ancestor columns of an entry placed at `ancestry` (level -> id).

        Nodes below a district do not carry their city: the INSERT reads it from the district itself (a subquery, no
        extra round trip), so the saved instance holds an expression there until it is read back.
        """
        columns = {f"{level}_id": node_id for level, node_id in ancestry.items()}
        if columns.get("city_id") is None and columns.get("district_id") is not None:
            columns["city_id"] = Subquery(District.objects.filter(pk=columns["district_id"]).values("city_id")[:1])
        return columns


# What the audit log shows for a value it records only as changed.
SENSITIVE_MARK = "●"


def audit_changed_only(model) -> frozenset[str]:
    """Fields of `model` whose values never enter the audit log, only the fact that they changed.

    PIPL sensitive data (SENSITIVE_FIELDS) and values that complete a masked one (AUDIT_CHANGED_ONLY): the log is read
    by roles that may not see them.
    """
    return frozenset((*getattr(model, "SENSITIVE_FIELDS", ()), *getattr(model, "AUDIT_CHANGED_ONLY", ())))


class AuditChange(NamedTuple):
    """One change of an audit entry in the reader's words."""

    label: str
    before: str | None
    after: str | None
    # Recorded only as changed: a reader is told that it changed, never a value.
    changed_only: bool


def _audit_field(model, key: str):
    try:
        return model._meta.get_field(key) if model is not None else None
    except FieldDoesNotExist:
        return None


def audit_label(model, key: str) -> str:
    """A change's key as its record names it: the model's AUDIT_LABELS, the field's name, a level, else the key itself.

    Keys are stored as written (field names, or what a service counted), so a relabelled field relabels old entries too.
    """
    labels = getattr(model, "AUDIT_LABELS", {})
    # An encrypted value (a reveal names "phone") is named by the masked field that shows it.
    field = _audit_field(model, key) or _audit_field(model, f"{key}_masked")
    if key in labels:
        return str(labels[key])
    if hasattr(field, "verbose_name"):
        return str(field.verbose_name)
    if field is not None:
        return str(field.related_model._meta.verbose_name_plural)
    return str(Level(key).label) if key in Level.values else key


def audit_value(model, key: str, value) -> str | None:
    """A stored value as a reader reads it: choice codes as their labels, flags as yes or no, lists joined."""
    if value is None or value == SENSITIVE_MARK:
        return value
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return "、".join(str(audit_value(model, key, item)) for item in value)
    choices = getattr(model, "AUDIT_CHOICES", {}).get(key)
    if choices is None:
        field = _audit_field(model, key)
        choices = dict(field.flatchoices) if getattr(field, "choices", None) else {}
    return str(choices.get(value, value))


class AuditEntry(PlacedLogEntry):
    """Append-only record of a write: who, when, what, before and after.

    The ancestor columns place the entry in the tree so that the usual scope rule applies to it.
    On PostgreSQL a trigger also refuses UPDATE and DELETE.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        DELETE = "delete", _("Deleted")
        GRANT = "grant", _("Role granted")
        REVOKE = "revoke", _("Role revoked")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("actor"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, models.PROTECT, verbose_name=_("record type"))
    object_id = models.CharField(_("record id"), max_length=40)
    object_repr = models.CharField(_("record"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict, help_text=_("Field → [before, after]."))

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_object_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.get_action_display()} {self.object_repr}"

    @property
    def shown_changes(self) -> dict:
        """The changes as every reader sees them (page, API, back office).

        Rows written before a field was recorded as changed-only (a digest, a birth date, an older mask) stay as they
        are, append-only, and are hidden here the same way.
        """
        hidden = audit_changed_only(self.content_type.model_class())
        return {key: [None if value is None else SENSITIVE_MARK for value in values] if key in hidden else values for key, values in self.changes.items()}

    @property
    def labelled_changes(self) -> list[AuditChange]:
        """The shown changes as pages and the back office show them; the API keeps the stored keys and codes."""
        model = self.content_type.model_class()
        return [
            AuditChange(audit_label(model, key), audit_value(model, key, before), audit_value(model, key, after), SENSITIVE_MARK in (before, after))
            for key, (before, after) in self.shown_changes.items()
        ]


class PersonalDataLog(PlacedLogEntry):
    """Every reveal of a masked value and every export of personal data (PIPL): who, when, what, why.

    Append-only like the audit log; the district organization department reads it.
    """

    class Kind(models.TextChoices):
        REVEAL = "reveal", _("Reveal")
        EXPORT = "export", _("Export")
        # Someone was told that an ID number they entered is registered outside their area.
        ID_CONFLICT = "id_conflict", _("ID number registered elsewhere")

    class Purpose(models.TextChoices):
        HANDLE_REQUEST = "handle_request", _("Handling a resident request")
        HANDLE_BOOKING = "handle_booking", _("Handling a resident's booking or 代办")
        VISIT = "visit", _("Checking on a visit")
        INSPECTION = "inspection", _("Inspection by a higher level")
        CORRECTION = "correction", _("Correcting the record")
        WORKFORCE = "workforce", _("Managing community workers (vetting, pools, contacting them)")
        OTHER = "other", _("Other (say what)")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=11, choices=Kind.choices)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, blank=True)
    content_type = models.ForeignKey(ContentType, models.PROTECT, null=True, blank=True, verbose_name=_("record type"))
    object_id = models.CharField(_("record id"), max_length=40, blank=True)
    object_repr = models.CharField(_("record"), max_length=200)
    fields = models.JSONField(_("fields"), default=list)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    unmasked = models.BooleanField(_("unmasked"), default=False)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.get_kind_display()} {self.object_repr}"

    @property
    def field_labels(self) -> str:
        """The fields revealed or exported, named as their record names them."""
        model = self.content_type.model_class() if self.content_type_id else None
        return "、".join(audit_label(model, name) for name in self.fields)


class HeldPhoto(models.Model):
    """A photo chosen on a form that came back with errors, kept (already cleaned) so the sender need not choose it again.

    It belongs to the browser session that sent it (the session lists its tokens); used or not, it is deleted within a day.
    """

    token = models.CharField(max_length=32, unique=True)
    image = models.ImageField(_("photo"), upload_to="held/%Y/%m/")
    thumbnail = models.ImageField(_("thumbnail"), upload_to="held/%Y/%m/")
    created_at = models.DateTimeField(_("kept at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("photo kept for a form")
        verbose_name_plural = _("photos kept for forms")

    def __str__(self):
        return self.image.name


class IdempotentPost(models.Model):
    """A page form sent with an Idempotency-Key (the phone's offline queue) and where it led: a replay gets the same answer."""

    user = models.ForeignKey(User, models.CASCADE, related_name="+", verbose_name=_("user"))
    key = models.CharField(_("Idempotency-Key"), max_length=100)
    path = models.CharField(_("form address"), max_length=300)
    location = models.CharField(_("led to"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("replayable form post")
        verbose_name_plural = _("replayable form posts")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotent_post_unique_key")]

    def __str__(self):
        return f"{self.user_id} {self.key}"
