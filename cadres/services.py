"""Writes of the workers' files: profiles, vetting, scores, the ladder, promotions and the pools' three-step review."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import GradeStep, PoolCheck, PoolEntry, PoolEntryEvent, PoolRule, Promotion, PromotionEvent, Review, WorkerProfile, YearlyScore
from cadres.permissions import acting_level, can_edit_rules, can_manage, can_reveal, can_see_vetting
from core.idcard import parse_id_number
from core.personal_data import id_number_fields, phone_fields
from governance.audit import audit_record, diff, snapshot
from governance.models import AuditEntry
from governance.roles import Level
from governance.services import personal_data_reveal_for_duty
from governance.validators import normalize_mobile

# Who takes each step of a review: the community proposes, the street checks, the district approves (备案) or removes.
REVIEW_STEPS = {
    (Review.PROPOSED, Review.CHECKED): Level.STREET,
    (Review.PROPOSED, Review.REFUSED): Level.STREET,
    (Review.CHECKED, Review.APPROVED): Level.DISTRICT,
    (Review.CHECKED, Review.REFUSED): Level.DISTRICT,
    (Review.APPROVED, Review.REMOVED): Level.DISTRICT,
}
STEP_REFUSALS = {
    Level.STREET: _("The street checks this step."),
    Level.DISTRICT: _("The district decides this step."),
}


def _require(actor, ancestry) -> None:
    if not can_manage(actor, ancestry):
        raise PermissionDenied(_("Your role does not allow keeping community workers' files here."))


def _id_and_phone(id_number: str, phone: str) -> dict:
    values = {}
    if id_number:
        try:
            info = parse_id_number(id_number)
        except ValidationError as exc:
            raise ValidationError({"id_number": exc.messages}) from exc
        # First-generation (15-digit) cards stopped being valid in 2013: a worker vetted on entry holds an 18-digit one.
        if info.legacy:
            raise ValidationError({"id_number": _("Enter the 18-character ID number (17 digits and a digit or X).")})
        values |= id_number_fields(info.number)
    if phone:
        values |= phone_fields(normalize_mobile(phone))
    return values


@transaction.atomic
def profile_create(
    *, actor, user, community, post: str, entry_date: dt.date, grid=None, grade: int = 1, exam_record: str = "", id_number: str = "", phone: str = ""
) -> WorkerProfile:
    """The community opens a worker's file; the ID number and phone are stored encrypted, hashed and masked."""
    _require(actor, community.ancestry())
    if grid is not None and grid.community_id != community.pk:
        raise ValidationError({"grid": _("Choose a grid of the worker's community.")})
    if WorkerProfile.objects.filter(user=user).exists():
        raise ValidationError({"user": _("This person already has a file.")})
    if entry_date > timezone.localdate():
        raise ValidationError({"entry_date": _("The date cannot be in the future.")})
    profile = WorkerProfile(
        user=user,
        community=community,
        grid=grid,
        post=post,
        grade=grade,
        entry_date=entry_date,
        exam_record=exam_record.strip(),
        **_id_and_phone(id_number, phone),
    )
    profile.full_clean()
    profile.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=profile, changes=diff({}, snapshot(profile)))
    return profile


def _profile_update(*, actor, profile: WorkerProfile, **values) -> WorkerProfile:
    before = snapshot(profile)
    for name, value in values.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save(update_fields=list(values))
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=profile, changes=diff(before, snapshot(profile)))
    return profile


@transaction.atomic
def profile_update(*, actor, profile: WorkerProfile, training_hours: Decimal, resources: str = "", needs: str = "", id_number: str = "", phone: str = ""):
    """Training hours, the mentoring lists and, when given, a new ID number or phone."""
    _require(actor, profile.ancestry())
    return _profile_update(
        actor=actor, profile=profile, training_hours=training_hours, resources=resources.strip(), needs=needs.strip(), **_id_and_phone(id_number, phone)
    )


def profile_reveal(*, actor, profile: WorkerProfile, purpose: str, reason: str = "") -> dict[str, str]:
    """The worker's full ID number and phone for whoever may reveal them (cadres.permissions.can_reveal), through the one
    reveal service: a purpose, the daily limit, the log at the worker's community and the district's alert."""
    if not can_reveal(actor, profile.ancestry()):
        raise PermissionDenied(_("Your role does not allow revealing personal data."))
    return personal_data_reveal_for_duty(actor=actor, instance=profile, purpose=purpose, reason=reason)


@transaction.atomic
def vetting_record(*, actor, profile: WorkerProfile, vetting: str, vetted_on: dt.date, note: str = "") -> WorkerProfile:
    """背景联审联查: only those who may read the result record it; the audit log keeps that it changed, not what it says."""
    if not can_see_vetting(actor, profile.ancestry()):
        raise PermissionDenied(_("Your role does not allow seeing vetting results."))
    if vetting == WorkerProfile.Vetting.PENDING or vetting not in WorkerProfile.Vetting.values:
        raise ValidationError({"vetting": _("Choose the result of the vetting.")})
    if vetted_on > timezone.localdate():
        raise ValidationError({"vetted_on": _("The date cannot be in the future.")})
    return _profile_update(actor=actor, profile=profile, vetting=vetting, vetted_on=vetted_on, vetting_note=note.strip())


@transaction.atomic
def yearly_score_record(*, actor, profile: WorkerProfile, year: int, score, rank: int | None = None) -> YearlyScore:
    """The yearly assessment writes a worker's score; a second run of the same year replaces it."""
    if not Decimal(0) <= Decimal(str(score)) <= Decimal(100):
        raise ValidationError({"score": _("A score is from 0 to 100.")})
    row, created = YearlyScore.objects.update_or_create(
        profile=profile, year=year, defaults={"score": Decimal(str(score)).quantize(Decimal("0.1")), "rank": rank}
    )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        instance=profile,
        changes={f"score {year}": [None, str(row.score)]},
    )
    return row


@transaction.atomic
def grade_step_save(*, actor, district, post: str, grade: int, pay_step: int, min_years: int, min_score: Decimal) -> GradeStep:
    """The district adds a rung to its ladder or changes one."""
    if not can_edit_rules(actor, district.pk):
        raise PermissionDenied(_("The district keeps the grade ladder."))
    step = GradeStep.objects.filter(district=district, post=post, grade=grade).first() or GradeStep(district=district, post=post, grade=grade)
    before = snapshot(step) if step.pk else {}
    step.pay_step, step.min_years, step.min_score = pay_step, min_years, min_score
    step.full_clean()
    step.save()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE, instance=step, changes=diff(before, snapshot(step)))
    return step


def promotion_check(profile: WorkerProfile, *, today: dt.date | None = None) -> tuple[GradeStep | None, list[str]]:
    """The next rung of the worker's ladder and what the worker lacks to reach it (nothing: eligible)."""
    today = today or timezone.localdate()
    step = GradeStep.objects.filter(district_id=profile.community.district_id, post=profile.post, grade=profile.grade + 1).first()
    if step is None:
        return None, [_("The ladder has no higher grade for this post.")]
    lacking = []
    years = (today - profile.entry_date).days // 365
    if years < step.min_years:
        lacking.append(_("%(years)d years of service; the grade needs %(min)d.") % {"years": years, "min": step.min_years})
    last = profile.scores.filter(year=today.year - 1).first()
    if last is None or last.score < step.min_score:
        lacking.append(_("Last year's score is below %(min)s.") % {"min": step.min_score})
    return step, lacking


@transaction.atomic
def promotion_propose(*, actor, profile: WorkerProfile, reason: str) -> Promotion:
    """The community proposes a worker for the next grade, if the ladder's conditions are met."""
    _require(actor, profile.ancestry())
    if acting_level(actor, profile.ancestry()) != Level.COMMUNITY:
        raise PermissionDenied(_("The worker's community proposes promotions."))
    if len(reason.strip()) < 2:
        raise ValidationError({"reason": _("Say why the worker is proposed.")})
    step, lacking = promotion_check(profile)
    if lacking:
        raise ValidationError(lacking)
    try:
        with transaction.atomic():
            promotion = Promotion.objects.create(profile=profile, from_grade=profile.grade, to_grade=step.grade, reason=reason.strip(), proposed_by=actor)
    except IntegrityError as exc:
        raise ValidationError(_("The worker already has a promotion under review.")) from exc
    PromotionEvent.objects.create(promotion=promotion, to_status=Review.PROPOSED, actor=actor, note=promotion.reason[:500])
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=promotion, changes={"status": [None, Review.PROPOSED]})
    return promotion


def _review_step(*, actor, item, history, to: str, note: str):
    """Move a promotion or pool entry one step: the actor's level must be the step's; a step taken meanwhile is refused."""
    _require(actor, item.ancestry())
    level = REVIEW_STEPS.get((item.status, to))
    if level is None:
        raise ValidationError(_("This step is not possible from “%(status)s”.") % {"status": item.get_status_display()})
    if acting_level(actor, item.ancestry()) != level:
        raise PermissionDenied(STEP_REFUSALS[level])
    if to in (Review.REFUSED, Review.REMOVED) and len(note.strip()) < 2:
        raise ValidationError({"note": _("Give the reason.")})
    # Claim the step with a conditional UPDATE so that two reviewers acting at once cannot both take it.
    if not type(item).objects.filter(pk=item.pk, status=item.status).update(status=to):
        raise ValidationError(_("Someone else has just taken this step; reload the page."))
    history.objects.create(**{history.OWNER: item}, from_status=item.status, to_status=to, actor=actor, note=note.strip()[:500])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=item, changes={"status": [item.status, to]})
    item.status = to
    return item


@transaction.atomic
def promotion_review(*, actor, promotion: Promotion, to: str, note: str = "") -> Promotion:
    """The street checks or refuses; the district approves (the grade goes up) or refuses."""
    _review_step(actor=actor, item=promotion, history=PromotionEvent, to=to, note=note)
    if to == Review.APPROVED:
        _profile_update(actor=actor, profile=promotion.profile, grade=promotion.to_grade)
    return promotion


@transaction.atomic
def pool_rule_save(*, actor, district, pool: str, kind: str, text: str, rule: PoolRule | None = None, active: bool = True) -> PoolRule:
    """The district words its pools' criteria; a changed rule keeps the wording each past checklist was answered with."""
    if not can_edit_rules(actor, district.pk):
        raise PermissionDenied(_("The district keeps the pools' rules."))
    if len(text.strip()) < 2:
        raise ValidationError({"text": _("Write the rule.")})
    rule = rule or PoolRule(district=district)
    before = snapshot(rule) if rule.pk else {}
    rule.pool, rule.kind, rule.text, rule.active = pool, kind, text.strip(), active
    rule.full_clean()
    rule.save()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE, instance=rule, changes=diff(before, snapshot(rule)))
    return rule


@transaction.atomic
def pool_entry_propose(*, actor, profile: WorkerProfile, pool: str, reason: str, satisfied: set[int]) -> PoolEntry:
    """社区推荐: the community proposes a worker with every rule of the pool answered; all must be satisfied.

    `satisfied` holds the ids of the rules the candidate satisfies (for an excluding rule: is not in that case)."""
    _require(actor, profile.ancestry())
    if acting_level(actor, profile.ancestry()) != Level.COMMUNITY:
        raise PermissionDenied(_("The worker's community proposes entries."))
    if len(reason.strip()) < 2:
        raise ValidationError({"reason": _("Say why the worker is proposed.")})
    rules = list(PoolRule.objects.filter(district_id=profile.community.district_id, pool=pool, active=True))
    unmet = [rule.text for rule in rules if rule.pk not in satisfied]
    if unmet:
        raise ValidationError(_("Not every criterion is satisfied: %(rules)s") % {"rules": "；".join(unmet)})
    try:
        with transaction.atomic():
            entry = PoolEntry.objects.create(profile=profile, pool=pool, reason=reason.strip(), proposed_by=actor)
    except IntegrityError as exc:
        raise ValidationError(_("The worker is already in this pool or proposed for it.")) from exc
    PoolCheck.objects.bulk_create([PoolCheck(entry=entry, rule=rule, kind=rule.kind, text=rule.text, satisfied=True) for rule in rules])
    PoolEntryEvent.objects.create(entry=entry, to_status=Review.PROPOSED, actor=actor, note=entry.reason[:500])
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=entry, changes={"status": [None, Review.PROPOSED]})
    return entry


@transaction.atomic
def pool_entry_review(*, actor, entry: PoolEntry, to: str, note: str = "") -> PoolEntry:
    """街道把关 (checked or refused), 区级备案 (approved or refused), or removal from the pool with a reason."""
    _review_step(actor=actor, item=entry, history=PoolEntryEvent, to=to, note=note)
    if to == Review.REMOVED:
        PoolEntry.objects.filter(pk=entry.pk).update(removed_reason=note.strip()[:500])
        entry.removed_reason = note.strip()[:500]
    return entry
