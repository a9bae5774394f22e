"""The team: files scoped to the area, vetting hidden without VIEW_VETTING, personal data masked and revealed with a purpose."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cadres import services
from cadres.models import Post, Promotion, PromotionEvent, WorkerProfile
from governance.models import AuditEntry, PersonalDataLog
from oversight.cadre_scores import worker_scores_record
from tests import factories as f

pytestmark = pytest.mark.django_db


def _names(client, **query):
    return {row["name"] for row in client.get(reverse("cadre-profile-list"), query).json()["results"]}


def test_a_community_sees_only_its_team_a_street_its_communities_and_the_district_all(api, team, user):
    assert _names(api("community1")) == {str(user("community1")), str(user("grid1"))}
    assert _names(api("street1")) == {str(user(name)) for name in ("community1", "grid1", "grid3")}
    assert _names(api("district")) == {str(user(name)) for name in ("community1", "grid1", "grid3", "cs003")}
    assert api("outsider").get(reverse("cadre-profile-detail", kwargs={"pk": team["grid1"].pk})).status_code == 404
    assert api("grid1").get(reverse("cadre-profile-list")).status_code == 403


def test_the_team_page_filters_and_answers_404_outside(login, team):
    client = login("street1")
    page = client.get(reverse("cadre-team"), {"post": Post.GRID_WORKER})
    assert [p.pk for p in page.context["page"]] == [team["grid1"].pk, team["grid3"].pk]
    assert client.get(reverse("cadre-team"), {"post": "boss"}).status_code == 400
    assert login("community2").get(reverse("cadre-file", kwargs={"pk": team["grid1"].pk})).status_code == 404
    assert login("grid1").get(reverse("cadre-team")).status_code == 403


def test_the_vetting_result_is_shown_only_to_those_who_may_see_vetting(api, login, team, user):
    # cc001 is a community cadre: they keep the files but do not see vetting results.
    url = reverse("cadre-profile-detail", kwargs={"pk": team["grid1"].pk})
    assert api("cc001").get(url).json()["vetting"] == "checked"
    assert api("cc001").get(url).json()["vetting_note"] is None
    assert api("community1").get(url).json()["vetting"] == "passed"
    page = login("cc001").get(reverse("cadre-file", kwargs={"pk": team["grid1"].pk})).content.decode()
    assert "已审查" in page and "无违法违纪记录" not in page
    assert "无违法违纪记录" in login("community1").get(reverse("cadre-file", kwargs={"pk": team["grid1"].pk})).content.decode()
    with pytest.raises(PermissionDenied):
        services.vetting_record(actor=user("cc001"), profile=team["grid1"], vetting="failed", vetted_on=timezone.localdate())


def test_a_file_is_opened_with_the_id_number_and_phone_masked_and_revealed_with_a_purpose_logged(api, user):
    community = user("community1").memberships.get().community
    account = f.UserFactory(role="community_cadre", node=community, full_name="钱社工")
    answer = api("community1").post(
        reverse("cadre-profile-list"),
        {
            "user": account.pk,
            "community": community.pk,
            "post": "worker",
            "entry_date": "2021-03-01",
            "id_number": "130102199005011234",
            "phone": "13912345678",
        },
        format="json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["id_number_masked"] == "13***************4" and answer.json()["phone_masked"] == "139****5678"
    profile = WorkerProfile.objects.get(user=account)
    assert "13912345678" not in profile.phone_enc
    revealed = api("community1").post(reverse("cadre-profile-reveal", kwargs={"pk": profile.pk}), {"purpose": "correction"}, format="json")
    assert revealed.json() == {"id_number": "130102199005011234", "phone": "13912345678"}
    assert PersonalDataLog.objects.filter(user=user("community1"), object_id=str(profile.pk), kind="reveal").count() == 1
    assert api("cc001").post(reverse("cadre-profile-reveal", kwargs={"pk": profile.pk}), {"purpose": "bogus"}, format="json").status_code == 400
    bad = api("community1").post(
        reverse("cadre-profile-list"), {"user": account.pk, "community": community.pk, "post": "worker", "entry_date": "2021-03-01"}, format="json"
    )
    assert bad.status_code == 400


def test_the_vetting_change_is_audited_without_its_value(team, user):
    services.vetting_record(actor=user("community1"), profile=team["grid1"], vetting="noted", vetted_on=timezone.localdate(), note="曾有交通违章")
    entry = AuditEntry.objects.filter(object_id=str(team["grid1"].pk), content_type__app_label="cadres").latest("pk")
    assert "曾有交通违章" not in str(entry.changes) and "noted" not in str(entry.changes)


def test_the_assessment_records_the_years_scores_into_the_files_once(team, user):
    year = timezone.localdate().year
    district = team["grid1"].community.district
    first = worker_scores_record(actor=None, district=district, year=year)
    assert first >= 2
    assert worker_scores_record(actor=None, district=district, year=year) == first
    assert team["grid1"].scores.filter(year=year).count() == 1
    with pytest.raises(ValidationError):
        services.yearly_score_record(actor=None, profile=team["grid1"], year=year, score=101)


def test_the_team_page_keeps_a_constant_number_of_queries(login, team):
    client = login("district")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("cadre-team")).status_code == 200
        return len(ctx)

    before = count()
    community = team["grid1"].community
    for _index in range(5):
        f.WorkerProfileFactory(community=community)
    assert count() == before


def test_the_api_lists_keep_a_constant_number_of_queries(api, team, user):
    client = api("district")
    urls = [reverse(name) for name in ("cadre-profile-list", "cadre-pool-entry-list", "cadre-promotion-list", "cadre-pair-list", "cadre-meeting-list")]

    def counts():
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            found.append(len(ctx))
        return found

    def grow(count):
        for profile in [f.WorkerProfileFactory(community=team["grid3"].community) for _index in range(count)]:
            f.pool_filed(profile)
            promotion = Promotion.objects.create(profile=profile, from_grade=1, to_grade=2, reason="考核优秀", proposed_by=profile.user)
            PromotionEvent.objects.create(promotion=promotion, to_status="proposed", actor=profile.user)

    grow(1)
    counts()  # the first call warms per-process caches
    before = counts()
    grow(4)
    assert counts() == before


def test_the_back_office_hides_the_vetting_result_from_those_who_may_not_see_it(login, team):
    url = reverse("admin:cadres_workerprofile_change", args=[team["grid1"].pk])
    page = login("cc001").get(url)
    assert page.status_code == 200 and "张" in page.content.decode()
    assert "无违法违纪记录" not in page.content.decode()
    assert "无违法违纪记录" in login("community1").get(url).content.decode()


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("130102199005011235", "校验位不正确"),
        ("130102199002301234", "出生日期不存在"),
        ("130102900501123", "18位身份证号码"),
        ("１３０１０２１９９００５０１１２３４", "身份证号应为 18 位"),
    ],
)
def test_a_workers_id_number_is_checked_like_a_residents(api, team, number, message):
    # The same GB 11643 check as the household ledger (core.idcard); a worker's file also refuses the old 15-digit cards.
    answer = api("community1").post(
        reverse("cadre-profile-edit", kwargs={"pk": team["grid1"].pk}), {"training_hours": "10", "id_number": number}, format="json"
    )
    assert answer.status_code == 400
    assert message in " ".join(answer.json()["extra"]["fields"]["id_number"])
    team["grid1"].refresh_from_db()
    assert team["grid1"].training_hours != 10
