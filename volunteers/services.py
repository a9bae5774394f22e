"""Writes of the volunteer module: double reporting, 1+10 links, the points ledger, activities and check-in."""

import datetime as dt
import hashlib
import hmac
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F as models_F
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import audit_record
from governance.models import AuditEntry
from governance.personal_data import encrypt, keyed_hash, mask_phone
from governance.roles import Capability
from governance.scope import scope_for
from governance.validators import normalize_mobile
from households.models import Household
from volunteers.models import Activity, HouseholdLink, LedgerEntry, PointsRule, ReportingUnit, ReviewStatus, Signup, Skill, Volunteer
from volunteers.uscc import uscc_normalize

CODE_WINDOW_SECONDS = 30
# The previous window's code still works this long into the next one: the scan opens a page and the tap comes after.
CODE_GRACE_SECONDS = 20
LINKS_PER_MEMBER = 10


def _require_manager(actor, ancestry: dict) -> None:
    if actor is None or not scope_for(actor, Capability.MANAGE_VOLUNTEERS).contains(ancestry):
        raise PermissionDenied(_("Only the community's cadres can do this."))


@transaction.atomic
def unit_register(*, community, name: str, credit_code: str, party_org_name: str, contact_name: str, contact_phone: str, resources: str) -> ReportingUnit:
    code = uscc_normalize(credit_code)
    if ReportingUnit.objects.filter(credit_code=code).exists():
        raise ValidationError({"credit_code": _("This unit has already reported.")})
    unit = ReportingUnit(
        community=community,
        name=name.strip(),
        credit_code=code,
        party_org_name=party_org_name.strip(),
        contact_name=contact_name.strip(),
        contact_phone=normalize_mobile(contact_phone),
        resources=resources.strip(),
    )
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def unit_review(*, actor, unit: ReportingUnit, approve: bool) -> ReportingUnit:
    _require_manager(actor, unit.ancestry())
    status = ReviewStatus.CONFIRMED if approve else ReviewStatus.REFUSED
    if ReportingUnit.objects.filter(pk=unit.pk, status=ReviewStatus.PENDING).update(status=status, reviewed_by=actor) != 1:
        raise ValidationError(_("This registration was already reviewed."))
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=unit, changes={"status": [ReviewStatus.PENDING, status]})
    unit.refresh_from_db()
    return unit


@transaction.atomic
def volunteer_register(
    *,
    community,
    name: str,
    phone: str,
    user=None,
    is_party_member: bool = True,
    work_unit=None,
    work_unit_name: str = "",
    party_branch: str = "",
    skills=(),
    availability: str = "",
    household=None,
) -> Volunteer:
    unknown = set(skills) - set(Skill.values)
    if unknown:
        raise ValidationError({"skills": _("Unknown skills.")})
    number = normalize_mobile(phone)
    if Volunteer.objects.filter(phone_hash=keyed_hash(number), community=community).exists():
        raise ValidationError({"phone": _("Someone with this phone has already registered in this community.")})
    volunteer = Volunteer(
        user=user, community=community, name=name.strip(), phone_enc=encrypt(number), phone_hash=keyed_hash(number), phone_masked=mask_phone(number),
        is_party_member=is_party_member, work_unit=work_unit, work_unit_name=work_unit_name.strip(), party_branch=party_branch.strip(),
        skills=sorted(set(skills)), availability=availability.strip(), household=household,
    )  # fmt: skip
    volunteer.full_clean(exclude=["phone_enc", "phone_hash", "phone_masked"])
    volunteer.save()
    return volunteer


@transaction.atomic
def volunteer_confirm(*, actor, volunteer: Volunteer, grid) -> Volunteer:
    """The community confirms and places the member in a grid party organisation of the community."""
    _require_manager(actor, volunteer.ancestry())
    if grid.community_id != volunteer.community_id:
        raise ValidationError({"grid": _("Choose a grid of the volunteer's community.")})
    if Volunteer.objects.filter(pk=volunteer.pk, status=ReviewStatus.PENDING).update(status=ReviewStatus.CONFIRMED, grid=grid, reviewed_by=actor) != 1:
        raise ValidationError(_("This registration was already reviewed."))
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        instance=volunteer,
        changes={"status": [ReviewStatus.PENDING, ReviewStatus.CONFIRMED], "grid": [None, grid.pk]},
    )
    volunteer.refresh_from_db()
    return volunteer


def links_propose(volunteer: Volunteer, *, count: int = LINKS_PER_MEMBER):
    """Households of the member's grid with no member yet, the member's own building first."""
    if volunteer.grid_id is None:
        return Household.objects.none()
    free = Household.objects.filter(grid_id=volunteer.grid_id, status=Household.Status.ACTIVE, volunteer_links__isnull=True).select_related("building")
    own_building = volunteer.household.building_id if volunteer.household_id else None
    ordered = sorted(
        free.only("id", "building_id", "unit", "floor", "room", "building__name")[:500],
        key=lambda h: (h.building_id != own_building, h.building_id, h.unit, h.floor, h.room),
    )
    return ordered[:count]


@transaction.atomic
def links_set(*, actor, volunteer: Volunteer, households) -> list[HouseholdLink]:
    _require_manager(actor, volunteer.ancestry())
    if volunteer.status != ReviewStatus.CONFIRMED:
        raise ValidationError(_("Confirm the volunteer before linking households."))
    households = list(households)
    if any(h.grid_id != volunteer.grid_id for h in households):
        raise ValidationError(_("Link households of the member's own grid."))
    try:
        with transaction.atomic():
            links = HouseholdLink.objects.bulk_create([HouseholdLink(volunteer=volunteer, household=h, created_by=actor) for h in households])
    except IntegrityError as exc:
        raise ValidationError(_("One of these households is already linked to a member.")) from exc
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=volunteer, changes={"links": [None, [h.pk for h in households]]})
    return links


def balance(volunteer: Volunteer) -> Decimal:
    return LedgerEntry.objects.filter(volunteer=volunteer).aggregate(total=Sum("points"))["total"] or Decimal(0)


@transaction.atomic
def ledger_add(
    *, volunteer: Volunteer, kind: str, points: Decimal, note: str, hours: Decimal = Decimal(0), actor=None, signup=None, reverses=None
) -> LedgerEntry:
    """Append an entry; the balance (sum of the ledger) may never go below zero.

    The volunteer's row is locked first, so concurrent debits are checked one after the other.
    """
    Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if points < 0 and balance(volunteer) + points < 0:
        raise ValidationError(_("Not enough points: the balance cannot go below zero."))
    return LedgerEntry.objects.create(
        volunteer=volunteer, kind=kind, points=points, hours=hours, note=note[:200], created_by=actor, signup=signup, reverses=reverses
    )


@transaction.atomic
def ledger_reverse(*, actor, entry: LedgerEntry, note: str) -> LedgerEntry:
    """A correction is a new entry of the opposite amount, never an edit or a deletion."""
    _require_manager(actor, entry.volunteer.ancestry())
    if entry.kind == LedgerEntry.Kind.REVERSAL or hasattr(entry, "reversed_by"):
        raise ValidationError(_("This entry is a correction or was already corrected."))
    if len(note.strip()) < 2:
        raise ValidationError({"note": _("Say why the entry is corrected.")})
    return ledger_add(
        volunteer=entry.volunteer, kind=LedgerEntry.Kind.REVERSAL, points=-entry.points, hours=-entry.hours, note=note, actor=actor, reverses=entry
    )


@transaction.atomic
def activity_publish(
    *,
    actor,
    community,
    title: str,
    place: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    places: int,
    skills=(),
    description: str = "",
    signup_closes_at: dt.datetime | None = None,
    organiser_unit=None,
) -> Activity:
    _require_manager(actor, community.ancestry())
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The activity must end after it starts.")})
    if places < 1:
        raise ValidationError({"places": _("At least one place.")})
    activity = Activity(
        community=community,
        title=title.strip(),
        place=place.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        places=places,
        skills=sorted(set(skills)),
        description=description,
        signup_closes_at=signup_closes_at or starts_at,
        organiser_unit=organiser_unit,
        created_by=actor,
    )
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def signup_create(*, volunteer: Volunteer, activity: Activity) -> Signup:
    if volunteer.status != ReviewStatus.CONFIRMED or volunteer.community_id != activity.community_id:
        raise PermissionDenied(_("Only confirmed volunteers of this community can sign up."))
    if timezone.now() > activity.signup_closes_at or activity.status != Activity.Status.PUBLISHED:
        raise ValidationError(_("Sign-up for this activity is closed."))
    # Locking the activity makes the places count exact when many sign up at once.
    Activity.objects.select_for_update().get(pk=activity.pk)
    taken = activity.signups.exclude(status=Signup.Status.CANCELLED).count()
    existing = activity.signups.filter(volunteer=volunteer).first()
    if existing is not None and existing.status != Signup.Status.CANCELLED:
        return existing
    if taken >= activity.places:
        raise ValidationError(_("The activity is full."))
    if existing is not None:
        Signup.objects.filter(pk=existing.pk).update(status=Signup.Status.SIGNED_UP)
        existing.refresh_from_db()
        return existing
    return Signup.objects.create(activity=activity, volunteer=volunteer)


@transaction.atomic
def signup_cancel(*, volunteer: Volunteer, activity: Activity) -> None:
    if timezone.now() > activity.signup_closes_at:
        raise ValidationError(_("It is too late to cancel; tell the organiser."))
    if Signup.objects.filter(activity=activity, volunteer=volunteer, status=Signup.Status.SIGNED_UP).update(status=Signup.Status.CANCELLED) != 1:
        raise ValidationError(_("You are not signed up."))


def code_window(moment: dt.datetime | None = None) -> int:
    return int((moment or timezone.now()).timestamp()) // CODE_WINDOW_SECONDS


def code_seconds_left(moment: dt.datetime | None = None) -> int:
    """Seconds until the code changes: the organiser's screen reloads then, so it always shows the current code."""
    return CODE_WINDOW_SECONDS - int((moment or timezone.now()).timestamp()) % CODE_WINDOW_SECONDS


def _code_for_window(activity: Activity, window: int) -> str:
    return hmac.new(activity.secret.encode(), f"{activity.pk}:{window}".encode(), hashlib.sha256).hexdigest()[:16]


def checkin_code(activity: Activity, moment: dt.datetime | None = None) -> str:
    """The code shown as a QR on site; it changes every 30 seconds and cannot be made without the activity's secret."""
    return _code_for_window(activity, code_window(moment))


def _code_window_of(activity: Activity, code: str, now: dt.datetime) -> int | None:
    """The window whose code this is: the current one, or the previous one during the grace seconds; None otherwise."""
    current = code_window(now)
    windows = [current, current - 1] if code_window(now - dt.timedelta(seconds=CODE_GRACE_SECONDS)) < current else [current]
    return next((window for window in windows if hmac.compare_digest(code or "", _code_for_window(activity, window))), None)


@transaction.atomic
def signup_scan(*, volunteer: Volunteer, activity: Activity, code: str) -> Signup:
    """Check in with the first scan, out with the second; expired, forged or replayed codes are refused.

    A code is valid for its 30 seconds (and 20 more if it was the previous one), and check-out needs a code of a
    later window than the check-in's: a forwarded code works off-site for under a minute, and never twice.
    """
    now = timezone.now()
    window = _code_window_of(activity, code, now)
    if window is None:
        raise ValidationError(_("This code has expired or is not valid; scan the code on site again."))
    if now < activity.starts_at - dt.timedelta(minutes=30) or now > activity.ends_at + dt.timedelta(hours=1):
        raise ValidationError(_("Check-in is open from 30 minutes before the start to an hour after the end."))
    signup = Signup.objects.select_for_update().filter(activity=activity, volunteer=volunteer).exclude(status=Signup.Status.CANCELLED).first()
    if signup is None:
        raise ValidationError(_("Sign up for the activity first."))
    if signup.status == Signup.Status.SIGNED_UP:
        Signup.objects.filter(pk=signup.pk).update(status=Signup.Status.CHECKED_IN, checked_in_at=now, checkin_window=window)
    elif signup.status == Signup.Status.CHECKED_IN:
        if signup.checkin_window is not None and window <= signup.checkin_window:
            raise ValidationError(_("This code was used to check in; scan the code on site again when you leave."))
        if now - signup.checked_in_at < dt.timedelta(minutes=1):
            raise ValidationError(_("You have just checked in; scan again when you leave."))
        Signup.objects.filter(pk=signup.pk).update(status=Signup.Status.CHECKED_OUT, checked_out_at=now)
    else:
        raise ValidationError(_("You have already checked out of this activity."))
    signup.refresh_from_db()
    return signup


def hours_of(signup: Signup) -> Decimal:
    """From check-in to check-out, capped by the activity's own length."""
    activity = signup.activity
    start = max(signup.checked_in_at, activity.starts_at)
    end = min(signup.checked_out_at, activity.ends_at)
    seconds = max((end - start).total_seconds(), 0)
    return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@transaction.atomic
def signup_confirm(*, actor, signup: Signup) -> LedgerEntry:
    """The organiser confirms the hours; they and their points go into the ledger once."""
    _require_manager(actor, signup.activity.ancestry())
    if Signup.objects.filter(pk=signup.pk, status=Signup.Status.CHECKED_OUT).update(status=Signup.Status.CONFIRMED) != 1:
        raise ValidationError(_("Only a checked-out sign-up can be confirmed, once."))
    signup.refresh_from_db()
    hours = hours_of(signup)
    Signup.objects.filter(pk=signup.pk).update(hours=hours)
    rule = PointsRule.objects.get(kind=LedgerEntry.Kind.ACTIVITY)
    points = (hours * rule.points_per_hour + rule.points_per_service).quantize(Decimal("0.1"))
    return ledger_add(
        volunteer=signup.volunteer, kind=LedgerEntry.Kind.ACTIVITY, points=points, hours=hours, note=signup.activity.title, actor=actor, signup=signup
    )


@transaction.atomic
def gift_list(*, actor, merchant, name: str, points: int, stock: int):
    """The community lists a merchant's gift (the merchant has no account of its own)."""
    from volunteers.models import Gift

    _require_manager(actor, merchant.ancestry())
    if points < 1 or stock < 0:
        raise ValidationError(_("A gift costs at least one point and its stock cannot be negative."))
    return Gift.objects.create(merchant=merchant, name=name.strip()[:100], points=points, stock=stock)


@transaction.atomic
def gift_redeem(*, volunteer: Volunteer, gift):
    """Take one from stock and debit the points, together: a conditional UPDATE keeps stock >= 0 when
    many redeem the last one at once, and the ledger refuses a negative balance (both roll back)."""
    from volunteers.models import Gift, Redemption

    if volunteer.status != ReviewStatus.CONFIRMED or gift.merchant.community_id != volunteer.community_id:
        raise PermissionDenied(_("Gifts are for confirmed volunteers of the merchant's community."))
    if Gift.objects.filter(pk=gift.pk, active=True, stock__gt=0).update(stock=models_F("stock") - 1) != 1:
        raise ValidationError(_("This gift is out of stock."))
    entry = ledger_add(volunteer=volunteer, kind=LedgerEntry.Kind.REDEEM, points=-Decimal(gift.points), note=f"{gift.merchant.name} · {gift.name}")
    return Redemption.objects.create(gift=gift, volunteer=volunteer, entry=entry)


@transaction.atomic
def redemption_hand_over(*, actor, redemption):
    """The merchant hands the gift over; a cadre records it on the merchant's behalf."""
    from volunteers.models import Redemption

    _require_manager(actor, redemption.gift.ancestry())
    if (
        Redemption.objects.filter(pk=redemption.pk, status=Redemption.Status.WAITING).update(
            status=Redemption.Status.HANDED_OVER, handed_over_at=timezone.now(), confirmed_by=actor
        )
        != 1
    ):
        raise ValidationError(_("This gift was already handed over."))
    redemption.refresh_from_db()
    return redemption


WISH_REMIND_AFTER_DAYS = 14


@transaction.atomic
def wish_post(*, community, resident_name: str, content: str, household=None, actor=None):
    """A resident (behind the card) or a cadre on their behalf posts a wish; it waits for the community's review."""
    from volunteers.models import Wish

    if actor is not None:
        _require_manager(actor, community.ancestry())
    content = (content or "").strip()
    if len(content) < 4:
        raise ValidationError({"content": _("Describe the wish in a few words (at least 4 characters).")})
    return Wish.objects.create(community=community, household=household, resident_name=(resident_name or "").strip()[:50], content=content[:1000])


def _wish_move(wish, *, frm: str, to: str, **fields):
    from volunteers.models import Wish

    # The conditional UPDATE is the lock: two volunteers claiming at once give one winner.
    if Wish.objects.filter(pk=wish.pk, status=frm).update(status=to, **fields) != 1:
        raise ValidationError(_("Someone else has just changed this wish; reload the page."))
    wish.refresh_from_db()
    return wish


@transaction.atomic
def wish_review(*, actor, wish, publish: bool, note: str = ""):
    from volunteers.models import Wish

    _require_manager(actor, wish.ancestry())
    if publish:
        return _wish_move(wish, frm=Wish.Status.SUBMITTED, to=Wish.Status.PUBLISHED, published_at=timezone.now(), review_note=note[:200])
    return _wish_move(wish, frm=Wish.Status.SUBMITTED, to=Wish.Status.REFUSED, review_note=note[:200])


@transaction.atomic
def wish_claim(*, wish, volunteer=None, unit=None, actor=None):
    """One volunteer (or a resident unit, recorded by a cadre) claims a published wish of their community."""
    from volunteers.models import Wish

    if volunteer is not None:
        if volunteer.status != ReviewStatus.CONFIRMED or volunteer.community_id != wish.community_id:
            raise PermissionDenied(_("Only confirmed volunteers of this community can claim its wishes."))
    elif unit is not None:
        _require_manager(actor, wish.ancestry())
    return _wish_move(wish, frm=Wish.Status.PUBLISHED, to=Wish.Status.CLAIMED, claimed_by=volunteer, claimed_unit=unit, claimed_at=timezone.now())


@transaction.atomic
def wish_fulfil(*, wish, note: str, volunteer=None, actor=None, photo=None):
    from governance.images import image_clean
    from volunteers.models import Wish

    if volunteer is not None and wish.claimed_by_id != volunteer.pk:
        raise PermissionDenied(_("Only who claimed the wish can report it fulfilled."))
    if volunteer is None:
        _require_manager(actor, wish.ancestry())
    if len((note or "").strip()) < 2:
        raise ValidationError({"note": _("Say how the wish was fulfilled.")})
    fields = {"fulfilment_note": note.strip(), "fulfilled_at": timezone.now()}
    wish = _wish_move(wish, frm=Wish.Status.CLAIMED, to=Wish.Status.FULFILLED, **fields)
    if photo:
        cleaned = image_clean(photo, name_prefix=f"wish-{wish.pk}")
        wish.photo.save(cleaned.name, cleaned, save=False)
        Wish.objects.filter(pk=wish.pk).update(photo=wish.photo.name)
    return wish


@transaction.atomic
def wish_confirm(*, wish, actor=None):
    """Confirmed by the resident (with the wish's code) or a cadre; the volunteer earns the wish's points once."""
    from volunteers.models import Wish

    if actor is not None:
        _require_manager(actor, wish.ancestry())
    wish = _wish_move(wish, frm=Wish.Status.FULFILLED, to=Wish.Status.CONFIRMED, confirmed_at=timezone.now())
    if wish.claimed_by_id:
        rule = PointsRule.objects.get(kind=LedgerEntry.Kind.WISH)
        ledger_add(volunteer=wish.claimed_by, kind=LedgerEntry.Kind.WISH, points=rule.points_per_service, note=wish.content[:60], actor=actor)
    return wish


def wishes_remind_unclaimed(*, now=None, batch_size: int = 200) -> int:
    """Daily: wishes published 14 days ago and still unclaimed remind the community's cadres, once each."""
    from django.urls import reverse

    from governance import notify
    from governance.models import Membership, Notification
    from governance.roles import Role
    from volunteers.models import Wish

    now = now or timezone.now()
    stale = list(
        Wish.objects.filter(
            status=Wish.Status.PUBLISHED, published_at__lte=now - dt.timedelta(days=WISH_REMIND_AFTER_DAYS), reminded_at__isnull=True
        ).values_list("pk", "community_id")[:batch_size]
    )
    reminded = 0
    for pk, community_id in stale:
        with transaction.atomic():
            # Claim the reminder: a second run, or a concurrent one, finds reminded_at set.
            if Wish.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now) != 1:
                continue
            for membership in Membership.objects.filter(community_id=community_id, role__in=[Role.COMMUNITY_SECRETARY, Role.COMMUNITY_CADRE]).select_related(
                "user"
            ):
                notification = Notification.objects.create(
                    user=membership.user, key=f"wish-unclaimed:{pk}", title=_("A micro-wish is still unclaimed after 14 days"), url=reverse("volunteer-wishes")
                )
                transaction.on_commit(lambda n=notification: notify.send(n))
            reminded += 1
    return reminded


@transaction.atomic
def post_publish(*, actor, community, title: str, places: int, description: str = ""):
    from volunteers.models import ServicePost

    _require_manager(actor, community.ancestry())
    if places < 1:
        raise ValidationError({"places": _("At least one place.")})
    return ServicePost.objects.create(community=community, title=title.strip()[:100], places=places, description=description)


@transaction.atomic
def post_claim(*, volunteer: Volunteer, post):
    """A member claims a place; the post's row is locked so that places are never over-claimed."""
    from volunteers.models import PostClaim, ServicePost

    if volunteer.status != ReviewStatus.CONFIRMED or volunteer.community_id != post.community_id:
        raise PermissionDenied(_("Only confirmed volunteers of this community can claim its posts."))
    ServicePost.objects.select_for_update().get(pk=post.pk)
    if not post.active or post.claims.exclude(status=PostClaim.Status.RELEASED).count() >= post.places:
        raise ValidationError(_("This post has no free place."))
    if post.claims.filter(volunteer=volunteer).exclude(status=PostClaim.Status.RELEASED).exists():
        raise ValidationError(_("You already hold or claimed this post."))
    return PostClaim.objects.create(post=post, volunteer=volunteer)


@transaction.atomic
def post_claim_confirm(*, actor, claim):
    from volunteers.models import PostClaim

    _require_manager(actor, claim.post.ancestry())
    if PostClaim.objects.filter(pk=claim.pk, status=PostClaim.Status.CLAIMED).update(status=PostClaim.Status.CONFIRMED) != 1:
        raise ValidationError(_("This claim was already handled."))
    claim.refresh_from_db()
    return claim


@transaction.atomic
def post_claim_release(*, claim, volunteer=None, actor=None):
    from volunteers.models import PostClaim

    if volunteer is not None and claim.volunteer_id != volunteer.pk:
        raise PermissionDenied
    if volunteer is None:
        _require_manager(actor, claim.post.ancestry())
    if PostClaim.objects.filter(pk=claim.pk).exclude(status=PostClaim.Status.RELEASED).update(status=PostClaim.Status.RELEASED) != 1:
        raise ValidationError(_("This post was already released."))


@transaction.atomic
def post_duty_record(*, actor, claim, hours: Decimal, note: str = ""):
    """The community records hours of duty on a held post; they earn points at the post rule's rate."""
    from volunteers.models import PostClaim

    _require_manager(actor, claim.post.ancestry())
    if claim.status != PostClaim.Status.CONFIRMED:
        raise ValidationError(_("Record duty only for a confirmed post holder."))
    if not Decimal(0) < hours <= Decimal(24):
        raise ValidationError({"hours": _("Between 0 and 24 hours.")})
    rule = PointsRule.objects.get(kind=LedgerEntry.Kind.POST)
    points = (hours * rule.points_per_hour + rule.points_per_service).quantize(Decimal("0.1"))
    return ledger_add(volunteer=claim.volunteer, kind=LedgerEntry.Kind.POST, points=points, hours=hours, note=f"{claim.post.title} {note}".strip(), actor=actor)


def member_figures(volunteer: Volunteer, *, start: dt.date, end: dt.date) -> dict:
    """What a member did in a period, each figure one aggregate over the records."""
    from django.db.models import Count, Q

    from volunteers.models import PostClaim, Wish

    tz = timezone.get_current_timezone()
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min), tz)
    until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min), tz)
    ledger = LedgerEntry.objects.filter(volunteer=volunteer, created_at__gte=since, created_at__lt=until).aggregate(
        hours=Sum("hours"), points=Sum("points", filter=Q(points__gt=0)), activities=Count("pk", filter=Q(kind=LedgerEntry.Kind.ACTIVITY))
    )
    return {
        "hours": str(ledger["hours"] or 0),
        "points": str(ledger["points"] or 0),
        "activities": ledger["activities"],
        "posts": PostClaim.objects.filter(volunteer=volunteer, status=PostClaim.Status.CONFIRMED).count(),
        "wishes": Wish.objects.filter(claimed_by=volunteer, status=Wish.Status.CONFIRMED, confirmed_at__gte=since, confirmed_at__lt=until).count(),
        "households": volunteer.links.count(),
    }


@transaction.atomic
def report_generate(*, actor, start: dt.date, end: dt.date, volunteer: Volunteer | None = None, unit: ReportingUnit | None = None):
    """Generate a member's or a unit's report from the records; the community reviews it before it is sent."""
    from volunteers.models import DualReport

    subject = volunteer or unit
    if subject is None or end < start:
        raise ValidationError(_("Choose a member or a unit and a valid period."))
    _require_manager(actor, subject.ancestry())
    if volunteer is not None:
        figures = member_figures(volunteer, start=start, end=end)
        addressed = volunteer.party_branch or (volunteer.work_unit.party_org_name if volunteer.work_unit else "") or volunteer.work_unit_name
        return DualReport.objects.create(
            kind=DualReport.Kind.MEMBER,
            community=volunteer.community,
            volunteer=volunteer,
            period_start=start,
            period_end=end,
            figures=figures,
            addressed_to=addressed[:100],
        )
    members = [member_figures(member, start=start, end=end) for member in unit.members.filter(status=ReviewStatus.CONFIRMED)]
    figures = {
        "members": len(members),
        "hours": str(sum((Decimal(m["hours"]) for m in members), Decimal(0))),
        "activities": sum(m["activities"] for m in members),
        "wishes": sum(m["wishes"] for m in members),
        "households": sum(m["households"] for m in members),
        "resources": unit.resources,
    }
    return DualReport.objects.create(
        kind=DualReport.Kind.UNIT,
        community=unit.community,
        unit=unit,
        period_start=start,
        period_end=end,
        figures=figures,
        addressed_to=unit.party_org_name[:100],
    )


@transaction.atomic
def report_review(*, actor, report, note: str = ""):
    from volunteers.models import DualReport

    _require_manager(actor, report.ancestry())
    if (
        DualReport.objects.filter(pk=report.pk, status=DualReport.Status.DRAFT).update(status=DualReport.Status.REVIEWED, reviewed_by=actor, review_note=note)
        != 1
    ):
        raise ValidationError(_("This report was already reviewed."))
    report.refresh_from_db()
    return report


@transaction.atomic
def signup_mark(*, actor, signup) -> Signup:
    """The organiser checks a volunteer in or out by hand (no phone, no signal): the same steps as the scan."""
    _require_manager(actor, signup.activity.ancestry())
    now = timezone.now()
    if signup.status == Signup.Status.SIGNED_UP:
        moved = Signup.objects.filter(pk=signup.pk, status=Signup.Status.SIGNED_UP).update(status=Signup.Status.CHECKED_IN, checked_in_at=now)
    elif signup.status == Signup.Status.CHECKED_IN:
        moved = Signup.objects.filter(pk=signup.pk, status=Signup.Status.CHECKED_IN).update(status=Signup.Status.CHECKED_OUT, checked_out_at=now)
    else:
        moved = 0
    if moved != 1:
        raise ValidationError(_("This volunteer has already checked out."))
    signup.refresh_from_db()
    return signup
