"""社区工作者队伍: worker profiles, the grade ladder, promotions, the two pools (两库) and mentoring (一对一帮带, "四个一")."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.models import Community, District, User
from governance.roles import Level
from governance.scope import ScopedQuerySet
from grids.models import Grid

# How every row of the app reaches the tree: through the worker's community.
COMMUNITY_PATHS = {Level.DISTRICT: ["community__district_id"], Level.STREET: ["community__street_id"], Level.COMMUNITY: ["community_id"]}


class Post(models.TextChoices):
    SECRETARY = "secretary", _("Community party secretary")
    COMMITTEE = "committee", _("Member of the two committees")
    WORKER = "worker", _("Community worker")
    GRID_WORKER = "grid_worker", _("Full-time grid worker")


class Review(models.TextChoices):
    """社区推荐 → 街道把关 → 区级备案: the three steps of a promotion or a pool entry."""

    PROPOSED = "proposed", _("Proposed by the community")
    CHECKED = "checked", _("Checked by the street")
    APPROVED = "approved", _("Approved by the district")
    REFUSED = "refused", _("Refused")
    REMOVED = "removed", _("Removed from the pool")


OPEN_REVIEW = (Review.PROPOSED, Review.CHECKED, Review.APPROVED)


class WorkerProfile(models.Model):
    """A community worker's file: post, grade, entry, exam (考聘), vetting (背景联审联查), training; ID and phone encrypted."""

    class Vetting(models.TextChoices):
        PENDING = "pending", _("Not vetted yet")
        PASSED = "passed", _("Passed")
        NOTED = "noted", _("Passed with remarks")
        FAILED = "failed", _("Not passed")

    user = models.OneToOneField(User, models.PROTECT, related_name="worker_profile", verbose_name=_("account"))
    community = models.ForeignKey(Community, models.PROTECT, related_name="worker_profiles", verbose_name=_("community"))
    grid = models.ForeignKey(Grid, models.PROTECT, null=True, blank=True, related_name="worker_profiles", verbose_name=_("grid"))
    post = models.CharField(_("post"), max_length=20, choices=Post.choices)
    grade = models.PositiveSmallIntegerField(_("grade"), default=1)
    entry_date = models.DateField(_("entry date"))
    exam_record = models.CharField(_("entry exam"), max_length=200, blank=True, help_text=_("考聘: the exam, its date and the score."))
    vetting = models.CharField(_("vetting"), max_length=10, choices=Vetting.choices, default=Vetting.PENDING)
    vetting_note = models.CharField(_("vetting remarks"), max_length=500, blank=True)
    vetted_on = models.DateField(_("vetted on"), null=True, blank=True)
    training_hours = models.DecimalField(_("training hours"), max_digits=6, decimal_places=1, default=0)
    resources = models.TextField(_("what they can offer"), blank=True, help_text=_("For mentoring: experience and strengths, one per line."))
    needs = models.TextField(_("what they need"), blank=True, help_text=_("For mentoring: what they want to learn, one per line."))
    id_number_enc = models.TextField(editable=False, blank=True)
    id_number_hash = models.CharField(max_length=64, editable=False, blank=True, db_index=True)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False, blank=True)
    phone_enc = models.TextField(editable=False, blank=True)
    phone_hash = models.CharField(max_length=64, editable=False, blank=True, db_index=True)
    phone_masked = models.CharField(_("phone"), max_length=11, editable=False, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = COMMUNITY_PATHS
    # The vetting result is for VIEW_VETTING holders only: the log records that it changed, never what it became.
    AUDIT_CHANGED_ONLY = ("vetting", "vetting_note")

    class Meta:
        verbose_name = _("community worker")
        verbose_name_plural = _("community workers")
        ordering = ["community_id", "post", "id"]

    def __str__(self):
        return str(self.user)

    def ancestry(self):
        return self.community.ancestry()


class YearlyScore(models.Model):
    """The yearly assessment's score of a worker, written by the assessment."""

    profile = models.ForeignKey(WorkerProfile, models.CASCADE, related_name="scores", verbose_name=_("community worker"))
    year = models.PositiveSmallIntegerField(_("year"))
    score = models.DecimalField(_("assessment score"), max_digits=5, decimal_places=1)
    rank = models.PositiveIntegerField(_("assessment rank"), null=True, blank=True)

    class Meta:
        verbose_name = _("yearly score")
        verbose_name_plural = _("yearly scores")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["profile", "year"], name="cadres_score_unique_year")]

    def __str__(self):
        return f"{self.profile} {self.year}: {self.score}"


class GradeStep(models.Model):
    """One rung of the district's ladder (岗位等级序列): a post's grade, its pay step and what reaching it takes."""

    district = models.ForeignKey(District, models.CASCADE, related_name="grade_steps", verbose_name=_("district"))
    post = models.CharField(_("post"), max_length=20, choices=Post.choices)
    grade = models.PositiveSmallIntegerField(_("grade"))
    pay_step = models.PositiveIntegerField(_("monthly pay step (yuan)"))
    min_years = models.PositiveSmallIntegerField(_("minimum years at the previous grade"))
    min_score = models.DecimalField(_("minimum score last year"), max_digits=5, decimal_places=1)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = {Level.DISTRICT: ["district_id"]}

    class Meta:
        verbose_name = _("grade step")
        verbose_name_plural = _("grade ladder")
        ordering = ["post", "grade"]
        constraints = [models.UniqueConstraint(fields=["district", "post", "grade"], name="cadres_grade_step_unique")]

    def __str__(self):
        return f"{self.get_post_display()} {self.grade}"

    def ancestry(self):
        return {Level.DISTRICT: self.district_id}


class Reviewed(models.Model):
    """A proposal that goes community → street → district, with its status and who proposed it."""

    status = models.CharField(_("status"), max_length=10, choices=Review.choices, default=Review.PROPOSED)
    reason = models.TextField(_("reason"))
    proposed_by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("proposed by"))
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = {
        Level.DISTRICT: ["profile__community__district_id"],
        Level.STREET: ["profile__community__street_id"],
        Level.COMMUNITY: ["profile__community_id"],
    }

    class Meta:
        abstract = True

    def ancestry(self):
        return self.profile.ancestry()


class ReviewEvent(models.Model):
    """One step of a proposal's history (append-only)."""

    from_status = models.CharField(_("from"), max_length=10, choices=Review.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=Review.choices)
    actor = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("by"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    at = models.DateTimeField(_("step taken at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class Promotion(Reviewed):
    """职级晋升: a proposal to move a worker up one grade."""

    profile = models.ForeignKey(WorkerProfile, models.PROTECT, related_name="promotions", verbose_name=_("community worker"))
    from_grade = models.PositiveSmallIntegerField(_("from grade"))
    to_grade = models.PositiveSmallIntegerField(_("to grade"))

    class Meta:
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["profile"], condition=Q(status__in=["proposed", "checked"]), name="cadres_promotion_one_open"),
        ]

    def __str__(self):
        return f"{self.profile} {self.from_grade} → {self.to_grade}"


class PromotionEvent(ReviewEvent):
    promotion = models.ForeignKey(Promotion, models.CASCADE, related_name="events")

    OWNER = "promotion"

    class Meta(ReviewEvent.Meta):
        verbose_name = _("promotion step")
        verbose_name_plural = _("promotion history")


class Pool(models.TextChoices):
    MENTOR = "mentor", _("Mentor pool")
    RESERVE = "reserve", _("Reserve talent pool")
    BRANCH_SECRETARY = "branch_secretary", _("Reserve grid party-branch secretaries")


class PoolRule(models.Model):
    """An entry criterion of a pool, as the district words it ("八选九不选": eight to select by, nine to exclude)."""

    class Kind(models.TextChoices):
        SELECT = "select", _("Must meet")
        EXCLUDE = "exclude", _("Must not be the case")

    district = models.ForeignKey(District, models.CASCADE, related_name="pool_rules", verbose_name=_("district"))
    pool = models.CharField(_("worker pool"), max_length=20, choices=Pool.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("entry rule"), max_length=200)
    active = models.BooleanField(_("in force"), default=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = GradeStep.SCOPE_PATHS

    class Meta:
        verbose_name = _("pool rule")
        verbose_name_plural = _("pool rules")
        ordering = ["pool", "kind", "id"]

    def __str__(self):
        return self.text

    def ancestry(self):
        return {Level.DISTRICT: self.district_id}


class PoolEntry(Reviewed):
    """社区推荐、街道把关、区级备案: a worker entered in a pool, with the criteria checklist as it was answered."""

    profile = models.ForeignKey(WorkerProfile, models.PROTECT, related_name="pool_entries", verbose_name=_("community worker"))
    pool = models.CharField(_("worker pool"), max_length=20, choices=Pool.choices)
    removed_reason = models.CharField(_("reason for removal"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("pool entry")
        verbose_name_plural = _("pool entries")
        ordering = ["pool", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "pool"], condition=Q(status__in=["proposed", "checked", "approved"]), name="cadres_pool_entry_one_open"),
        ]

    def __str__(self):
        return f"{self.get_pool_display()} · {self.profile}"


class PoolEntryEvent(ReviewEvent):
    entry = models.ForeignKey(PoolEntry, models.CASCADE, related_name="events")

    OWNER = "entry"

    class Meta(ReviewEvent.Meta):
        verbose_name = _("pool entry step")
        verbose_name_plural = _("pool entry history")


class PoolCheck(models.Model):
    """One line of an entry's checklist: the rule's text as it stood when answered, and whether the candidate satisfies it."""

    entry = models.ForeignKey(PoolEntry, models.CASCADE, related_name="checks")
    rule = models.ForeignKey(PoolRule, models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=PoolRule.Kind.choices)
    text = models.CharField(_("entry rule"), max_length=200)
    satisfied = models.BooleanField(_("satisfied"))

    class Meta:
        verbose_name = _("pool entry criterion")
        verbose_name_plural = _("pool entry checklist")
        ordering = ["kind", "id"]

    def __str__(self):
        return self.text


class MentorPair(models.Model):
    """一对一帮带: a mentor and a trainee, each having chosen the other from the other's offers and needs."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Chosen by one side")
        ACTIVE = "active", _("Mentoring under way")
        ENDED = "ended", _("Pair ended")

    mentor = models.ForeignKey(WorkerProfile, models.PROTECT, related_name="trainee_pairs", verbose_name=_("mentor"))
    trainee = models.ForeignKey(WorkerProfile, models.PROTECT, related_name="mentor_pairs", verbose_name=_("trainee"))
    community = models.ForeignKey(Community, models.PROTECT, related_name="mentor_pairs", verbose_name=_("trainee's community"))
    mentor_chose = models.BooleanField(_("mentor chose"), default=False)
    trainee_chose = models.BooleanField(_("trainee chose"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = COMMUNITY_PATHS

    class Meta:
        verbose_name = _("mentoring pair")
        verbose_name_plural = _("mentoring pairs")
        ordering = ["status", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["mentor", "trainee"], condition=~Q(status="ended"), name="cadres_pair_one_open"),
            models.CheckConstraint(condition=~Q(mentor=models.F("trainee")), name="cadres_pair_two_people"),
        ]

    def __str__(self):
        return f"{self.mentor} → {self.trainee}"

    def ancestry(self):
        return self.community.ancestry()


class PlanMeasure(models.Model):
    """A concrete measure of the pair's 帮带 plan."""

    pair = models.ForeignKey(MentorPair, models.CASCADE, related_name="measures")
    text = models.CharField(_("measure"), max_length=200)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("mentoring plan measure")
        verbose_name_plural = _("mentoring plan")
        ordering = ["done_on", "due_on", "id"]

    def __str__(self):
        return self.text


class GrowthEntry(models.Model):
    """A line of the trainee's growth file (成长档案)."""

    class Kind(models.TextChoices):
        DAILY = "daily", _("Day shadowed (daily performance)")
        HARD_TASK = "hard_task", _("Hard task taken on")
        TALK = "talk", _("Heart-to-heart talk")
        YEARLY = "yearly", _("Yearly evaluation")

    pair = models.ForeignKey(MentorPair, models.CASCADE, related_name="growth")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    on = models.DateField(_("date"))
    text = models.TextField(_("what happened"))
    solved = models.BooleanField(_("problem solved"), default=False, help_text=_("For a hard task: whether the problem was solved."))
    recorded_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("growth file entry")
        verbose_name_plural = _("growth file")
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["pair", "kind", "on"], name="cadres_growth_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.on}"


class RoutineMeeting(models.Model):
    """ "四个一" meetings of a community's pairs: scheduled, then recorded; reminded once when the date passes unrecorded."""

    class Kind(models.TextChoices):
        EXCHANGE = "exchange", _("Monthly trainees' exchange")
        SEMINAR = "seminar", _("Quarterly mentors' seminar")
        RESULTS = "results", _("Half-yearly results meeting")

    community = models.ForeignKey(Community, models.PROTECT, related_name="mentoring_meetings", verbose_name=_("community"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period = models.CharField(_("period"), max_length=7, help_text=_("2026-11, 2026-Q4 or 2026-H2."))
    scheduled_on = models.DateField(_("scheduled on"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    minutes = models.TextField(_("meeting minutes"), blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = COMMUNITY_PATHS

    class Meta:
        verbose_name = _("mentoring meeting")
        verbose_name_plural = _("mentoring meetings")
        ordering = ["scheduled_on", "id"]
        constraints = [models.UniqueConstraint(fields=["community", "kind", "period"], name="cadres_meeting_unique_period")]
        indexes = [models.Index(fields=["scheduled_on"], condition=Q(held_on__isnull=True, reminded_at__isnull=True), name="cadres_meeting_missed_idx")]

    def __str__(self):
        return f"{self.community} {self.get_kind_display()} {self.period}"

    def ancestry(self):
        return self.community.ancestry()
