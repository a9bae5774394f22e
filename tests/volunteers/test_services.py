"""Double reporting, 1+10 links, the points ledger and activity check-in."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from governance.models import User
from volunteers import selectors, services
from volunteers.models import HouseholdLink, PointsEntry, Signup, Volunteer
from volunteers.uscc import ALPHABET, uscc_check_char, uscc_normalize

pytestmark = pytest.mark.django_db


def reference_check(first17: str) -> str:
    """GB 32100 written out: weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28, check = (31 - sum mod 31) mod 31."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    return alphabet[(31 - sum(alphabet.index(c) * w for c, w in zip(first17, weights, strict=True)) % 31) % 31]


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17))
def test_uscc_check_character(first17):
    assert uscc_check_char(first17) == reference_check(first17)
    assert uscc_normalize(first17 + reference_check(first17)) == first17 + reference_check(first17)


def test_known_credit_code_and_refusals():
    assert uscc_normalize("91350100M000100Y43") == "91350100M000100Y43"
    for bad in ("91350100M000100Y44", "91350100M000100Y4", "91350100O000100Y43"):
        with pytest.raises(ValidationError):
            uscc_normalize(bad)


def test_unit_registers_and_the_community_confirms(user):
    community = user("community1").memberships.get().community
    fields = {
        "actor": user("community1"),
        "community": community,
        "name": "长安区税务局",
        "credit_code": "91350100M000100Y43",
        "party_org_name": "机关党支部",
        "contact_name": "刘主任",
        "contact_phone": "13800001111",
        "resources": "会议室、法律咨询",
    }
    unit = services.unit_register(**fields)
    with pytest.raises(PermissionDenied):
        services.unit_review(actor=user("community2"), unit=unit, approve=True)
    assert services.unit_review(actor=user("community1"), unit=unit, approve=True).status == "confirmed"
    with pytest.raises(ValidationError):
        services.unit_register(**{**fields, "name": "重复"})


def test_one_plus_ten_proposal_and_links(fresh_member, user):
    member = fresh_member
    proposal = selectors.links_propose(member)
    assert len(proposal) == 10 and all(h.grid_id == member.grid_id for h in proposal)
    assert not HouseholdLink.objects.filter(household__in=proposal).exists()
    services.links_set(actor=user("community1"), volunteer=member, households=proposal)
    assert HouseholdLink.objects.filter(volunteer=member).count() == 10
    again = selectors.links_propose(member)
    assert not {h.pk for h in again} & {h.pk for h in proposal}
    other = Volunteer.objects.create(community=member.community, grid=member.grid, name="另一位", status="confirmed")
    with pytest.raises(ValidationError):
        services.links_set(actor=user("community1"), volunteer=other, households=proposal[:1])


def test_the_balance_never_goes_negative_and_corrections_are_reversals(fresh_member, user):
    member = fresh_member
    entry = services.points_add(volunteer=member, kind=PointsEntry.Kind.WISH, points=Decimal(20), note="微心愿")
    with pytest.raises(ValidationError):
        services.points_add(volunteer=member, kind=PointsEntry.Kind.REDEEM, points=Decimal(-21), note="兑换")
    reversal = services.points_reverse(actor=user("community1"), entry=entry, note="重复记录")
    assert reversal.points == -20 and selectors.points_balance(member) == 0
    with pytest.raises(ValidationError):
        services.points_reverse(actor=user("community1"), entry=entry, note="再次")
    with pytest.raises(TypeError):
        entry.delete()


class LedgerProperty(TestCase):
    """Any sequence of earn, redeem and reverse keeps balance = sum of the ledger >= 0."""

    @classmethod
    def setUpTestData(cls):
        from governance.models import Community

        cls.community = Community.objects.first()
        cls.cadre = User.objects.get(username="community1") if User.objects.filter(username="community1").exists() else None

    @settings(max_examples=40, deadline=None)
    @given(st.lists(st.tuples(st.sampled_from(["earn", "redeem", "reverse"]), st.integers(1, 50)), max_size=25))
    def test_ledger_invariant(self, steps):
        volunteer = Volunteer.objects.create(community=self.community, name="性质测试", status="confirmed")
        for action, amount in steps:
            try:
                if action == "earn":
                    services.points_add(volunteer=volunteer, kind=PointsEntry.Kind.ACTIVITY, points=Decimal(amount), note="earn")
                elif action == "redeem":
                    services.points_add(volunteer=volunteer, kind=PointsEntry.Kind.REDEEM, points=Decimal(-amount), note="redeem")
                else:
                    last = PointsEntry.objects.filter(volunteer=volunteer).exclude(kind=PointsEntry.Kind.REVERSAL).filter(reversed_by__isnull=True).first()
                    if last is not None:
                        services.points_add(volunteer=volunteer, kind=PointsEntry.Kind.REVERSAL, points=-last.points, note="fix", reverses=last)
            except ValidationError:
                pass
            total = selectors.points_balance(volunteer)
            assert total >= 0
            assert total == sum((e.points for e in PointsEntry.objects.filter(volunteer=volunteer)), Decimal(0))


def make_activity(community, actor, *, starts_in=dt.timedelta(minutes=-10), hours=2, places=5):
    start = timezone.now() + starts_in
    return services.activity_publish(
        actor=actor,
        community=community,
        title="楼道清扫",
        place="幸福里3号楼",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
        places=places,
        signup_closes_at=start + dt.timedelta(minutes=20),
    )


def test_check_in_and_out_with_the_rotating_code_then_confirm_hours(member, user, monkeypatch):
    cadre = user("community1")
    activity = make_activity(member.community, cadre)
    services.signup_create(volunteer=member, activity=activity)
    with pytest.raises(ValidationError):
        services.signup_scan(volunteer=member, activity=activity, code="forged-code-1234")
    stale = services.checkin_code(activity, timezone.now() - dt.timedelta(minutes=5))
    with pytest.raises(ValidationError):
        services.signup_scan(volunteer=member, activity=activity, code=stale)
    signup = services.signup_scan(volunteer=member, activity=activity, code=services.checkin_code(activity))
    assert signup.status == Signup.Status.CHECKED_IN
    # Replaying the same code at once does not check out.
    with pytest.raises(ValidationError):
        services.signup_scan(volunteer=member, activity=activity, code=services.checkin_code(activity))
    later = timezone.now() + dt.timedelta(hours=2, minutes=30)
    monkeypatch.setattr(timezone, "now", lambda: later)
    Signup.objects.filter(pk=signup.pk).update(checked_in_at=activity.starts_at + dt.timedelta(minutes=30))
    signup = services.signup_scan(volunteer=member, activity=activity, code=services.checkin_code(activity, later))
    assert signup.status == Signup.Status.CHECKED_OUT
    with pytest.raises(ValidationError):
        services.signup_scan(volunteer=member, activity=activity, code=services.checkin_code(activity, later))
    entry = services.signup_confirm(actor=cadre, signup=signup)
    # Checked in 30 minutes after the start and out after the end: 1.5 of the activity's 2 hours.
    assert entry.hours == Decimal("1.50") and entry.points == Decimal("15.0")
    with pytest.raises(ValidationError):
        services.signup_confirm(actor=cadre, signup=signup)


def test_sign_up_respects_places_and_the_cut_off(member, user):
    cadre = user("community1")
    full = make_activity(member.community, cadre, places=1)
    other = Volunteer.objects.create(community=member.community, grid=member.grid, name="先报名的", status="confirmed")
    services.signup_create(volunteer=other, activity=full)
    with pytest.raises(ValidationError):
        services.signup_create(volunteer=member, activity=full)
    closed = make_activity(member.community, cadre, starts_in=dt.timedelta(hours=-3))
    with pytest.raises(ValidationError):
        services.signup_create(volunteer=member, activity=closed)


def test_redeeming_debits_points_takes_stock_and_is_handed_over(fresh_member, user):
    from governance.models import ResidentUnit
    from volunteers.models import Gift, Redemption

    cadre = user("community1")
    merchant = ResidentUnit.objects.filter(community=fresh_member.community).first()
    gift = services.gift_list(actor=cadre, merchant=merchant, name="洗衣液", points=30, stock=1)
    with pytest.raises(ValidationError):
        services.gift_redeem(volunteer=fresh_member, gift=gift)
    gift.refresh_from_db()
    assert gift.stock == 1
    services.points_add(volunteer=fresh_member, kind=PointsEntry.Kind.ACTIVITY, points=Decimal(50), note="活动")
    redemption = services.gift_redeem(volunteer=fresh_member, gift=gift)
    gift.refresh_from_db()
    assert gift.stock == 0 and selectors.points_balance(fresh_member) == 20
    with pytest.raises(ValidationError):
        services.gift_redeem(volunteer=fresh_member, gift=gift)
    services.redemption_hand_over(actor=cadre, redemption=redemption)
    assert Redemption.objects.get(pk=redemption.pk).status == "handed_over"
    assert Gift.objects.filter(stock__lt=0).count() == 0
