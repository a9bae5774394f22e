"""Which community a cadre acts for, and the audit row every person's volunteer action leaves."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from governance.models import AuditEntry
from volunteers import selectors, services
from volunteers.models import Activity, ServicePost, Signup, Volunteer

pytestmark = pytest.mark.django_db


def _activity_post(community=None) -> dict:
    start = timezone.localtime() + dt.timedelta(days=3)
    data = {
        "title": "街道志愿日",
        "place": "街道广场",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "places": 5,
    }
    return {**data, "community": community.pk} if community is not None else data


def test_a_street_cadre_chooses_any_community_of_its_street(login, user):
    street = user("street1").memberships.get().street
    communities = list(selectors.communities_managed_by(user("street1")))
    assert len(communities) > 1 and {c.street_id for c in communities} == {street.pk}
    client = login("street1")
    form = client.get(reverse("volunteer-activities")).context["form"]
    assert set(form.fields["community"].queryset) == set(communities)
    second = communities[1]
    assert client.post(reverse("volunteer-activities"), _activity_post(second)).status_code == 302
    assert Activity.objects.filter(title="街道志愿日", community=second).exists()
    # Without a choice the cadre is asked, nothing is published in an arbitrary community.
    answer = client.post(reverse("volunteer-activities"), {**_activity_post(), "title": "没选社区"})
    assert answer.status_code == 200 and "community" in answer.context["form"].errors
    assert not Activity.objects.filter(title="没选社区").exists()
    client.post(reverse("volunteer-posts"), {"community": second.pk, "title": "街道岗位", "places": 2})
    assert ServicePost.objects.filter(title="街道岗位", community=second).exists()
    client.post(reverse("volunteer-desk"), {"community": second.pk, "name": "街道登记", "phone": "13755554444"})
    assert Volunteer.objects.filter(name="街道登记", community=second).exists()


def test_a_community_cadre_acts_for_its_own_community_without_choosing(login, user):
    community = user("community1").memberships.get().community
    client = login("community1")
    assert "community" not in client.get(reverse("volunteer-activities")).context["form"].fields
    client.post(reverse("volunteer-activities"), _activity_post(community=None))
    assert Activity.objects.get(title="街道志愿日").community == community
    # Another community's id is not a choice: the community cadre still acts for its own.
    other = user("community2").memberships.get().community
    client.post(reverse("volunteer-activities"), {**_activity_post(other), "title": "越权"})
    assert Activity.objects.get(title="越权").community == community


def _audited(instance, actor) -> bool:
    content_type = ContentType.objects.get_for_model(instance)
    return AuditEntry.objects.filter(content_type=content_type, object_id=str(instance.pk), actor=actor).exists()


def test_every_person_s_volunteer_action_leaves_an_audit_row(member, user):
    cadre = user("community1")
    start = timezone.now() - dt.timedelta(minutes=5)
    activity = services.activity_publish(
        actor=cadre, community=member.community, title="审计活动", place="x", starts_at=start, ends_at=start + dt.timedelta(hours=1), places=2,
        signup_closes_at=start + dt.timedelta(minutes=30),
    )  # fmt: skip
    signup = services.signup_create(volunteer=member, activity=activity)
    services.signup_mark(actor=cadre, signup=signup)
    Signup.objects.filter(pk=signup.pk).update(checked_in_at=start)
    services.signup_mark(actor=cadre, signup=Signup.objects.get(pk=signup.pk))
    entry = services.signup_confirm(actor=cadre, signup=Signup.objects.get(pk=signup.pk))
    reversal = services.points_reverse(actor=cadre, entry=entry, note="重复记录")
    post = services.post_publish(actor=cadre, community=member.community, title="审计岗位", places=1)
    claim = services.post_claim(volunteer=member, post=post)
    services.post_claim_confirm(actor=cadre, claim=claim)
    wish = services.wish_post(actor=cadre, community=member.community, resident_name="张", content="需要修水龙头")
    services.wish_review(actor=cadre, wish=wish, publish=True)
    services.wish_claim(wish=wish, volunteer=member)
    for instance, actor in [
        (activity, cadre),
        (signup, member.user),
        (signup, cadre),
        (reversal, cadre),
        (post, cadre),
        (claim, member.user),
        (claim, cadre),
        (wish, cadre),
        (wish, member.user),
    ]:
        assert _audited(instance, actor), (instance, actor)
