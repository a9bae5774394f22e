"""三张清单 (resources, demands, projects) and 包联 (linkage duties and their records); the tables keep their governance names."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.models import Community, ResidentUnit, User
from governance.roles import Level
from governance.scope import ScopedQuerySet


class ListCategory(models.TextChoices):
    VENUE = "venue", _("Venue")
    EQUIPMENT = "equipment", _("Equipment and materials")
    SKILLS = "skills", _("Skills and volunteers")
    FUNDS = "funds", _("Funds")
    SERVICES = "services", _("Services (medical, legal, education…)")
    OTHER = "other", _("Other")


class ResourceItem(models.Model):
    """资源清单: what a resident unit offers."""

    unit = models.ForeignKey(ResidentUnit, models.CASCADE, related_name="resources", verbose_name=_("resident unit"))
    category = models.CharField(_("category"), max_length=10, choices=ListCategory.choices)
    description = models.CharField(_("resource"), max_length=200)
    created_at = models.DateTimeField(_("listed at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = {Level.DISTRICT: ["unit__community__district_id"], Level.STREET: ["unit__community__street_id"], Level.COMMUNITY: ["unit__community_id"]}

    class Meta:
        db_table = "governance_resourceitem"
        verbose_name = _("resource")
        verbose_name_plural = _("resource list")
        ordering = ["category", "id"]

    def __str__(self):
        return f"{self.unit} · {self.description}"

    def ancestry(self):
        return self.unit.ancestry()


class DemandItem(models.Model):
    """需求清单: what the community needs."""

    community = models.ForeignKey(Community, models.CASCADE, related_name="demands", verbose_name=_("community"))
    category = models.CharField(_("category"), max_length=10, choices=ListCategory.choices)
    description = models.CharField(_("demand"), max_length=200)
    created_at = models.DateTimeField(_("listed at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = {Level.DISTRICT: ["community__district_id"], Level.STREET: ["community__street_id"], Level.COMMUNITY: ["community_id"]}

    class Meta:
        db_table = "governance_demanditem"
        verbose_name = _("demand")
        verbose_name_plural = _("demand list")
        ordering = ["category", "id"]

    def __str__(self):
        return self.description

    def ancestry(self):
        return self.community.ancestry()


class Project(models.Model):
    """项目清单: a resource matched with a demand, with an owner, a plan, a status and a result."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        UNDER_WAY = "under_way", _("Under way")
        DONE = "done", _("Done")

    community = models.ForeignKey(Community, models.CASCADE, related_name="projects", verbose_name=_("community"))
    demand = models.OneToOneField(DemandItem, models.PROTECT, related_name="project", verbose_name=_("demand"))
    resource = models.ForeignKey(ResourceItem, models.PROTECT, related_name="projects", verbose_name=_("resource"))
    owner = models.CharField(_("owner"), max_length=50)
    plan = models.TextField(_("plan"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    result = models.TextField(_("result"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = DemandItem.SCOPE_PATHS

    class Meta:
        db_table = "governance_project"
        verbose_name = _("project")
        verbose_name_plural = _("project list")
        ordering = ["status", "-id"]

    def __str__(self):
        return f"{self.demand} ← {self.resource}"

    def ancestry(self):
        return self.community.ancestry()


class LinkageDuty(models.Model):
    """包联: a leader linked to a community, with the duty of their kind."""

    class Kind(models.TextChoices):
        DISTRICT_LEADER = "district_leader", _("District leader (visit at least once a quarter)")
        STREET_LEADER = "street_leader", _("Street leader (contact weekly, visit every two weeks)")
        FIRST_SECRETARY = "first_secretary", _("First secretary (from a district department)")

    user = models.ForeignKey(User, models.PROTECT, related_name="linkage_duties", verbose_name=_("leader"))
    community = models.ForeignKey(Community, models.PROTECT, related_name="linkage_duties", verbose_name=_("community"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    department = models.CharField(_("department"), max_length=100, blank=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = {Level.DISTRICT: ["community__district_id"], Level.STREET: ["community__street_id"], Level.COMMUNITY: ["community_id"]}

    class Meta:
        db_table = "governance_linkageduty"
        verbose_name = _("linkage duty")
        verbose_name_plural = _("linkage duties")
        constraints = [models.UniqueConstraint(fields=["user", "community", "kind"], name="linkage_duty_unique")]

    def __str__(self):
        return f"{self.user} · {self.community} · {self.get_kind_display()}"

    def ancestry(self):
        return self.community.ancestry()


class LinkageRecord(models.Model):
    """A leader's visit or contact, or a community's party-building joint meeting (党建联席会)."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("Visit")
        CONTACT = "contact", _("Contact (phone, message)")
        JOINT_MEETING = "joint_meeting", _("Party-building joint meeting")

    community = models.ForeignKey(Community, models.PROTECT, related_name="linkage_records", verbose_name=_("community"))
    duty = models.ForeignKey(LinkageDuty, models.PROTECT, null=True, blank=True, related_name="records", verbose_name=_("duty"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    people = models.CharField(_("people"), max_length=200)
    topics = models.TextField(_("topics"))
    problems = models.TextField(_("problems raised"), blank=True, help_text=_("One per line; each can become a request in one step."))
    units = models.ManyToManyField(ResidentUnit, blank=True, related_name="joint_meetings", verbose_name=_("resident units present"))
    recorded_by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = LinkageDuty.SCOPE_PATHS

    class Meta:
        db_table = "governance_linkagerecord"
        verbose_name = _("linkage record")
        verbose_name_plural = _("linkage records")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["community", "kind", "held_on"], name="linkage_record_idx")]

    def __str__(self):
        return f"{self.community} {self.get_kind_display()} {self.held_on}"

    def ancestry(self):
        return self.community.ancestry()
