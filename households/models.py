import secrets
import string

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import connections, models
from django.db.models import Func, Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import ChoiceLabels
from governance.roles import Level
from governance.scope import ScopedQuerySet
from grids.models import Building, Grid

GRID_SCOPE = {
    Level.DISTRICT: ["grid__district_id"],
    Level.STREET: ["grid__street_id"],
    Level.COMMUNITY: ["grid__community_id"],
    Level.GRID: ["grid_id"],
}


def new_public_token() -> str:
    return secrets.token_urlsafe(16)


def _through(prefix: str) -> dict:
    return {level: [f"{prefix}__{lookup}" for lookup in lookups] for level, lookups in GRID_SCOPE.items()}


class CareTag(models.Model):
    """A key-care group (重点人群) or other tag; the district extends the table in the back office."""

    class AppliesTo(models.TextChoices):
        HOUSEHOLD = "household", _("Households")
        RESIDENT = "resident", _("Residents")
        BOTH = "both", _("Households and residents")

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=30, unique=True)
    applies_to = models.CharField(_("applies to"), max_length=10, choices=AppliesTo.choices, default=AppliesTo.BOTH)
    key_care = models.BooleanField(_("key-care group"), default=True, help_text=_("Key-care households are visited by a cadre at the tag's cadence."))
    sensitive = models.BooleanField(
        _("sensitive"), default=False, help_text=_("Reveals health, disability, income or a child's situation: shown only to those who may see sensitive data.")
    )
    visit_cadence_days = models.PositiveSmallIntegerField(_("visit every (days)"), default=7)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("care tag")
        verbose_name_plural = _("care tags")
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name


class Household(ChoiceLabels, models.Model):
    class Tenure(models.TextChoices):
        OWNER = "owner", _("Owner")
        TENANT = "tenant", _("Tenant")
        OTHER = "other", _("Other")

    class Residence(models.TextChoices):
        BOTH = "both", _("Registered and living here (户在人在)")
        LIVES_ONLY = "lives_only", _("Living here, registered elsewhere (人在户不在)")
        REGISTERED_ONLY = "registered_only", _("Registered here, living elsewhere (户在人不在)")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Living here")
        ARCHIVED = "archived", _("Moved out (archived)")

    building = models.ForeignKey(Building, models.PROTECT, related_name="households", verbose_name=_("building"))
    # Derived from the building so that scope and grid figures need no second join.
    grid = models.ForeignKey(Grid, models.PROTECT, related_name="households", verbose_name=_("grid"), editable=False)
    unit = models.PositiveSmallIntegerField(_("unit"), default=1)
    floor = models.SmallIntegerField(_("floor"), default=1)
    room = models.CharField(_("room"), max_length=10)
    phone_enc = models.TextField(editable=False, blank=True)
    phone_hash = models.CharField(max_length=64, editable=False, blank=True, db_index=True)
    phone_masked = models.CharField(_("phone"), max_length=11, editable=False, blank=True)
    tenure = models.CharField(_("tenure"), max_length=10, choices=Tenure.choices, default=Tenure.OWNER)
    residence = models.CharField(_("residence"), max_length=20, choices=Residence.choices, default=Residence.BOTH)
    registered_address = models.CharField(_("registered residence (户籍地)"), max_length=200, blank=True)
    is_party_household = models.BooleanField(_("party-member household"), default=False)
    living_situation = models.TextField(_("living situation"), blank=True)
    moved_in_on = models.DateField(_("moved in on"), null=True, blank=True)
    moved_out_on = models.DateField(_("moved out on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # The stable, unguessable address printed as the QR code on the heart-link card (no personal data in it).
    public_token = models.CharField(_("card code"), max_length=22, unique=True, default=new_public_token, editable=False)
    head = models.ForeignKey("Resident", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("head of household"))
    tags = models.ManyToManyField(CareTag, through="HouseholdTag", related_name="households", verbose_name=_("tags"), blank=True)
    # Denormalised by the services so that "visits due" and coverage are one indexed range query.
    key_care = models.BooleanField(_("key-care household"), default=False, editable=False)
    visit_cadence_days = models.PositiveSmallIntegerField(_("visit cadence (days)"), default=90, editable=False)
    last_visited_at = models.DateTimeField(_("last visited"), null=True, blank=True, editable=False)
    next_visit_due = models.DateField(_("next visit due"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    PARENT_FIELD = "building"
    SCOPE_PATHS = {**GRID_SCOPE, Level.BUILDING: ["building_id"]}
    AUDIT_LABELS = {"sensitive_tags": _("sensitive tags")}

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["building_id", "unit", "floor", "room"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "unit", "room"],
                condition=Q(status="active"),
                name="household_unique_active_room",
                violation_error_message=_("This room already has a household living in it."),
            ),
        ]
        indexes = [
            models.Index(fields=["grid", "status", "next_visit_due"], name="household_due_idx"),
            models.Index(fields=["grid", "status", "last_visited_at"], name="household_visited_idx"),
            # The ledger's natural order; lets a long list stop after one page instead of sorting everything.
            models.Index(fields=["building", "unit", "floor", "room"], name="household_address_idx"),
            # The search's room and unit-room matches, looked up on their own rather than tested against every household.
            models.Index(fields=["room"], name="household_room_idx"),
        ]

    def __str__(self):
        return f"{self.building.name} {self.address_label}"

    @property
    def address_label(self) -> str:
        return f"{self.unit}-{self.room}"

    def ancestry(self):
        return {**self.grid.ancestry(), Level.BUILDING: self.building_id}


# Upper- to lowercase ASCII only: the folding the name-gram index, its Python twin and SQLite's LIKE all agree on.
ASCII_FOLD = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def name_grams(text: str) -> list[str]:
    """The grams a search for `text` looks up in the name-gram index: the character itself, or every bigram of a longer text."""
    folded = text.translate(ASCII_FOLD)
    if len(folded) == 1:
        return [folded]
    return sorted({folded[index : index + 2] for index in range(len(folded) - 1)})


class NameGrams(Func):
    """Every character and bigram of a name, ASCII letters folded: the expression of the GIN index migration 0007 builds on PostgreSQL.

    The SQL function is declared IMMUTABLE; changing what it returns needs a migration that rebuilds the index.
    """

    function = "households_name_grams"
    output_field = ArrayField(models.TextField())


class ResidentQuerySet(ScopedQuerySet):
    def name_contains(self, text: str):
        """Residents whose name contains `text` (not empty), ignoring the case of ASCII letters.

        pg_trgm finds nothing in a two-character name, so on PostgreSQL a GIN index over each name's characters and bigrams
        finds them: exactly for one or two characters, as candidates that a folded LIKE confirms for longer texts. SQLite's
        LIKE ignores ASCII case only: the same match, unindexed.
        """
        if connections[self.db].vendor != "postgresql":
            return self.filter(name__icontains=text)
        found = self.alias(name_grams=NameGrams("name")).filter(name_grams__contains=name_grams(text))
        if len(text) <= 2:
            return found
        folded_name = Func("name", Value(string.ascii_uppercase), Value(string.ascii_lowercase), function="translate", output_field=models.TextField())
        # Its bigrams in another order or apart ("李建国" in "建国李建") are no match.
        return found.alias(name_folded=folded_name).filter(name_folded__contains=text.translate(ASCII_FOLD))


class Resident(ChoiceLabels, models.Model):
    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class Relation(models.TextChoices):
        HEAD = "head", _("Head of household")
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        GRANDCHILD = "grandchild", _("Grandchild")
        SIBLING = "sibling", _("Sibling")
        OTHER = "other", _("Other")

    class Employment(models.TextChoices):
        EMPLOYED = "employed", _("Employed")
        SELF_EMPLOYED = "self_employed", _("Self-employed")
        UNEMPLOYED = "unemployed", _("Unemployed")
        RETIRED = "retired", _("Retired")
        STUDENT = "student", _("Student")
        PRESCHOOL = "preschool", _("Pre-school child")
        OTHER = "other", _("Other")

    class Health(models.TextChoices):
        HEALTHY = "healthy", _("Healthy")
        CHRONIC = "chronic", _("Chronic illness")
        SERIOUS = "serious", _("Serious illness")
        BEDRIDDEN = "bedridden", _("Bedridden")

    class Income(models.TextChoices):
        NORMAL = "normal", _("Normal")
        LOW = "low", _("Low income")
        DIBAO = "dibao", _("Minimum living allowance (低保)")
        TEKUN = "tekun", _("Extreme poverty support (特困)")

    household = models.ForeignKey(Household, models.PROTECT, related_name="residents", verbose_name=_("household"))
    name = models.CharField(_("name"), max_length=50)
    id_number_enc = models.TextField(editable=False, blank=True)
    id_number_hash = models.CharField(max_length=64, editable=False, blank=True, db_index=True)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False, blank=True)
    id_legacy = models.BooleanField(_("old 15-digit ID"), default=False, editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    phone_enc = models.TextField(editable=False, blank=True)
    phone_hash = models.CharField(max_length=64, editable=False, blank=True, db_index=True)
    phone_masked = models.CharField(_("phone"), max_length=11, editable=False, blank=True)
    relation = models.CharField(_("relation to head"), max_length=12, choices=Relation.choices, default=Relation.HEAD)
    employment = models.CharField(_("employment"), max_length=15, choices=Employment.choices, blank=True)
    work_unit = models.CharField(_("work unit"), max_length=100, blank=True)
    health = models.CharField(_("health"), max_length=12, choices=Health.choices, blank=True)
    disability = models.CharField(_("disability"), max_length=100, blank=True, help_text=_("Kind and grade, as on the disability certificate."))
    income = models.CharField(_("income status"), max_length=10, choices=Income.choices, blank=True)
    is_party_member = models.BooleanField(_("party member"), default=False)
    party_branch = models.CharField(_("party branch"), max_length=100, blank=True)
    special_situation = models.TextField(_("special situation"), blank=True)
    tags = models.ManyToManyField(CareTag, through="ResidentTag", related_name="residents", verbose_name=_("tags"), blank=True)
    moved_out_on = models.DateField(_("moved out on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ResidentQuerySet.as_manager()

    PARENT_FIELD = "household"
    SCOPE_PATHS = {**_through("household"), Level.BUILDING: ["household__building_id"]}
    # PIPL sensitive personal information: shown only to those with the sensitive-data capability.
    SENSITIVE_FIELDS = ("health", "disability", "income")
    # With the masked ID number the birth date gives the number back (households.permissions.birth_date_scope); the audit
    # log, read more widely, records only that these changed.
    AUDIT_CHANGED_ONLY = ("birth_date", "id_number_masked")
    AUDIT_LABELS = Household.AUDIT_LABELS

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["household_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=Q(moved_out_on__isnull=True) & ~Q(id_number_hash=""),
                name="resident_unique_active_id_number",
                violation_error_message=_("This ID number is already registered in the district."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def age(self) -> int | None:
        """Age in whole years today: what is shown instead of the birth date to those who may not reveal the ID number."""
        if self.birth_date is None:
            return None
        today = timezone.localdate()
        return today.year - self.birth_date.year - ((today.month, today.day) < (self.birth_date.month, self.birth_date.day))

    def ancestry(self):
        return self.household.ancestry()


class HouseholdTag(models.Model):
    household = models.ForeignKey(Household, models.CASCADE, related_name="tag_links", verbose_name=_("household"))
    tag = models.ForeignKey(CareTag, models.PROTECT, related_name="+", verbose_name=_("tag"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("added by"))
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("household tag")
        verbose_name_plural = _("household tags")
        constraints = [models.UniqueConstraint(fields=["household", "tag"], name="household_tag_unique")]

    def __str__(self):
        return f"{self.household_id}:{self.tag_id}"


class ResidentTag(models.Model):
    resident = models.ForeignKey(Resident, models.CASCADE, related_name="tag_links", verbose_name=_("resident"))
    tag = models.ForeignKey(CareTag, models.PROTECT, related_name="+", verbose_name=_("tag"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("added by"))
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("resident tag")
        verbose_name_plural = _("resident tags")
        constraints = [models.UniqueConstraint(fields=["resident", "tag"], name="resident_tag_unique")]

    def __str__(self):
        return f"{self.resident_id}:{self.tag_id}"


class Visit(ChoiceLabels, models.Model):
    """A line of the household's visit record card (探亲记录卡)."""

    class Method(models.TextChoices):
        DOOR = "door", _("At the door")
        PHONE = "phone", _("By phone")
        WECHAT = "wechat", _("WeChat")
        OTHER = "other", _("Other")

    household = models.ForeignKey(Household, models.PROTECT, related_name="visits", verbose_name=_("household"))
    grid = models.ForeignKey(Grid, models.PROTECT, related_name="visits", verbose_name=_("grid"), editable=False)
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="visits", verbose_name=_("visitor"))
    visited_at = models.DateTimeField(_("time"))
    method = models.CharField(_("how"), max_length=10, choices=Method.choices, default=Method.DOOR)
    met_person = models.CharField(_("who was met"), max_length=50, blank=True)
    findings = models.TextField(_("what was found"), blank=True)
    needs = models.TextField(_("needs"), blank=True, help_text=_("A need noted here can become a resident request in one step."))
    photo = models.ImageField(_("photo"), upload_to="visits/%Y/%m/", blank=True)
    # A visit that reached the server after its household was archived (a phone offline): kept, for the community to review.
    needs_review = models.BooleanField(_("to review (household archived)"), default=False)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = {**GRID_SCOPE, Level.BUILDING: ["household__building_id"]}

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_at", "-id"]
        indexes = [
            models.Index(fields=["grid", "visited_at"], name="visit_grid_time_idx"),
            models.Index(fields=["household", "visited_at"], name="visit_household_time_idx"),
        ]

    def __str__(self):
        return f"{self.household} {self.visited_at:%Y-%m-%d}"

    def ancestry(self):
        return self.household.ancestry()


class ImportRun(models.Model):
    """One Excel import: all rows went in, or none did and `errors` says why, row by row."""

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", _("Imported")
        FAILED = "failed", _("Refused")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("imported by"))
    grid = models.ForeignKey(Grid, models.PROTECT, related_name="+", verbose_name=_("grid"))
    building = models.ForeignKey(Building, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("building"))
    file_name = models.CharField(_("file"), max_length=200)
    status = models.CharField(_("result"), max_length=10, choices=Status.choices)
    households = models.PositiveIntegerField(_("households"), default=0)
    residents = models.PositiveIntegerField(_("residents"), default=0)
    errors = models.JSONField(_("errors"), default=list)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = GRID_SCOPE

    class Meta:
        verbose_name = _("Excel import")
        verbose_name_plural = _("Excel imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"
