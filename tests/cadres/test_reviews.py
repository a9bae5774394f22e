"""Promotions and pool entries: 社区推荐 → 街道把关 → 区级备案, each step by its own level, with history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cadres import services
from cadres.models import Pool, PoolCheck, PoolRule, Promotion, Review

pytestmark = pytest.mark.django_db


def test_a_promotion_goes_community_street_district_and_raises_the_grade(login, team, user):
    profile = team["grid1"]
    login("community1").post(reverse("cadre-file", kwargs={"pk": profile.pk}), {"action": "promote", "reason": "连续三年考核优秀"})
    promotion = Promotion.objects.get(profile=profile)
    assert (promotion.from_grade, promotion.to_grade, promotion.status) == (1, 2, Review.PROPOSED)
    # The street's queue holds it as waiting; the district's does not yet.
    assert [p.pk for p in login("street1").get(reverse("cadre-promotions")).context["waiting"]] == [promotion.pk]
    assert login("district").get(reverse("cadre-promotions")).context["waiting"] == []
    login("street1").post(reverse("cadre-promotions"), {"item": promotion.pk, "to": "checked", "note": ""})
    login("district").post(reverse("cadre-promotions"), {"item": promotion.pk, "to": "approved", "note": "同意"})
    profile.refresh_from_db()
    assert profile.grade == 2
    assert list(promotion.events.values_list("to_status", "actor__username")) == [
        ("proposed", "community1"),
        ("checked", "street1"),
        ("approved", "district"),
    ]


def test_each_level_takes_only_its_own_step(team, user):
    promotion = services.promotion_propose(actor=user("community1"), profile=team["grid1"], reason="表现突出")
    with pytest.raises(PermissionDenied):
        services.promotion_review(actor=user("district"), promotion=promotion, to=Review.CHECKED)
    with pytest.raises(PermissionDenied):
        services.promotion_review(actor=user("community1"), promotion=promotion, to=Review.CHECKED)
    with pytest.raises(ValidationError):
        services.promotion_review(actor=user("street1"), promotion=promotion, to=Review.APPROVED)
    with pytest.raises(ValidationError):
        services.promotion_review(actor=user("street1"), promotion=promotion, to=Review.REFUSED, note="")
    services.promotion_review(actor=user("street1"), promotion=promotion, to=Review.REFUSED, note="群众满意度偏低")
    assert Promotion.objects.get(pk=promotion.pk).status == Review.REFUSED
    # Another street may not even see it.
    with pytest.raises(PermissionDenied):
        services.promotion_review(actor=user("street02"), promotion=promotion, to=Review.CHECKED)


def test_a_promotion_is_refused_without_the_ladders_conditions_or_twice(team, user):
    with pytest.raises(ValidationError, match="低于"):
        # grid3 has no score last year.
        services.promotion_propose(actor=user("community2"), profile=team["grid3"], reason="表现突出")
    with pytest.raises(ValidationError):
        # The secretary's post has no rung above grade 1.
        services.promotion_propose(actor=user("community1"), profile=team["community1"], reason="表现突出")
    services.promotion_propose(actor=user("community1"), profile=team["grid1"], reason="表现突出")
    with pytest.raises(ValidationError):
        services.promotion_propose(actor=user("community1"), profile=team["grid1"], reason="再次推荐")


def test_a_street_cannot_propose_and_the_api_refuses_like_the_page(api, team):
    answer = api("street1").post(reverse("cadre-profile-promote", kwargs={"pk": team["grid1"].pk}), {"reason": "表现突出"}, format="json")
    assert answer.status_code == 403
    answer = api("community1").post(reverse("cadre-profile-promote", kwargs={"pk": team["grid1"].pk}), {"reason": "表现突出"}, format="json")
    assert answer.status_code == 201
    review = reverse("cadre-promotion-review", kwargs={"pk": answer.json()["id"]})
    assert api("district").post(review, {"to": "checked"}, format="json").status_code == 403
    assert api("street1").post(review, {"to": "checked"}, format="json").json()["status"] == "checked"
    assert api("street1").post(review, {"to": "sideways"}, format="json").status_code == 400


def test_a_pool_entry_needs_every_rule_satisfied_and_keeps_the_rules_wording(login, team, user):
    district = team["grid3"].community.district
    select = services.pool_rule_save(actor=user("district"), district=district, pool=Pool.RESERVE, kind=PoolRule.Kind.SELECT, text="年龄35岁以下")
    exclude = services.pool_rule_save(actor=user("district"), district=district, pool=Pool.RESERVE, kind=PoolRule.Kind.EXCLUDE, text="受过党纪处分")
    with pytest.raises(PermissionDenied):
        services.pool_rule_save(actor=user("street1"), district=district, pool=Pool.RESERVE, kind=PoolRule.Kind.SELECT, text="本科以上学历")
    with pytest.raises(ValidationError, match="受过党纪处分"):
        services.pool_entry_propose(actor=user("community2"), profile=team["grid3"], pool=Pool.RESERVE, reason="年轻有为", satisfied={select.pk})
    client = login("community2")
    client.post(
        reverse("cadre-pools"),
        {"action": "propose", "profile": team["grid3"].pk, "pool": Pool.RESERVE, "reason": "年轻有为", "satisfied": [select.pk, exclude.pk]},
    )
    entry = team["grid3"].pool_entries.get()
    services.pool_rule_save(actor=user("district"), district=district, pool=Pool.RESERVE, kind=PoolRule.Kind.SELECT, text="年龄40岁以下", rule=select)
    assert set(PoolCheck.objects.filter(entry=entry).values_list("text", flat=True)) == {"年龄35岁以下", "受过党纪处分"}
    login("street1").post(reverse("cadre-pools"), {"action": "review", "item": entry.pk, "to": "checked"})
    login("district").post(reverse("cadre-pools"), {"action": "review", "item": entry.pk, "to": "approved"})
    entry.refresh_from_db()
    assert entry.status == Review.APPROVED
    login("district").post(reverse("cadre-pools"), {"action": "review", "item": entry.pk, "to": "removed", "note": ""})
    entry.refresh_from_db()
    assert entry.status == Review.APPROVED
    login("district").post(reverse("cadre-pools"), {"action": "review", "item": entry.pk, "to": "removed", "note": "调离社区工作岗位"})
    entry.refresh_from_db()
    assert (entry.status, entry.removed_reason) == (Review.REMOVED, "调离社区工作岗位")
    assert list(entry.events.values_list("to_status", flat=True)) == ["proposed", "checked", "approved", "removed"]
    # Once removed, the worker may be proposed again.
    services.pool_entry_propose(actor=user("community2"), profile=team["grid3"], pool=Pool.RESERVE, reason="重新推荐", satisfied={select.pk, exclude.pk})


def test_the_pools_are_scoped(login, team, user):
    services.pool_entry_propose(actor=user("community2"), profile=team["grid3"], pool=Pool.BRANCH_SECRETARY, reason="经验丰富", satisfied=set())
    assert "经验丰富" not in login("community1").get(reverse("cadre-pools")).content.decode()
    assert "经验丰富" in login("street1").get(reverse("cadre-pools")).content.decode()
    assert "经验丰富" not in login("street02").get(reverse("cadre-pools")).content.decode()
