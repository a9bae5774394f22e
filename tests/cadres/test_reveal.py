"""Workers' ID numbers and phones: the street and the district reveal them in their subtree through the one reveal service
(purpose, daily limit, log); outside it the file answers 404, the city never reveals, and the back office never decrypts."""

import pytest
from django.urls import reverse

from core.personal_data import decrypt
from governance.models import PersonalDataLog

pytestmark = pytest.mark.django_db


def _reveal(api, username, profile, **body):
    return api(username).post(reverse("cadre-profile-reveal", kwargs={"pk": profile.pk}), {"purpose": "inspection", **body}, format="json")


def _full(profile) -> dict:
    return {"id_number": decrypt(profile.id_number_enc), "phone": decrypt(profile.phone_enc)}


def test_a_street_cadre_reveals_a_worker_of_its_street_and_the_reveal_is_logged_at_the_workers_community(api, team, user):
    answer = _reveal(api, "street1", team["grid3"])
    assert answer.status_code == 200, answer.content
    assert answer.json() == _full(team["grid3"])
    log = PersonalDataLog.objects.get(user=user("street1"), kind=PersonalDataLog.Kind.REVEAL, object_id=str(team["grid3"].pk))
    assert (log.purpose, log.community_id, sorted(log.fields)) == ("inspection", team["grid3"].community_id, ["id_number", "phone"])


def test_the_district_reveals_a_workers_phone_for_managing_community_workers(api, team, user):
    answer = _reveal(api, "district", team["grid3"], purpose="workforce")
    assert answer.status_code == 200, answer.content
    log = PersonalDataLog.objects.get(user=user("district"), kind=PersonalDataLog.Kind.REVEAL, object_id=str(team["grid3"].pk))
    assert log.purpose == "workforce" and log.get_purpose_display() == "社区工作者管理（审查、两库、联系本人）"


def test_attack_a_street_cadre_cannot_reveal_a_worker_of_another_street(api, login, team, user):
    # cs003 works in 光明社区 of 青园街道; street1 is 建设北街街道.
    assert _reveal(api, "street1", team["cs003"]).status_code == 404
    page = login("street1").post(reverse("cadre-file", kwargs={"pk": team["cs003"].pk}), {"action": "reveal", "purpose": "inspection"})
    assert page.status_code == 404
    assert not PersonalDataLog.objects.filter(user=user("street1")).exists()


def test_the_district_organization_department_reveals_any_worker_of_its_district(api, team):
    assert _reveal(api, "district", team["cs003"]).json() == _full(team["cs003"])


def test_attack_the_city_keeps_no_workers_personal_data_though_it_reads_their_files(api, login, team, user):
    assert api("city1").get(reverse("cadre-profile-detail", kwargs={"pk": team["grid1"].pk})).status_code == 200
    assert _reveal(api, "city1", team["grid1"]).status_code == 403
    page = login("city1").get(reverse("cadre-file", kwargs={"pk": team["grid1"].pk}))
    assert 'value="reveal"' not in page.content.decode()
    assert login("city1").post(reverse("cadre-file", kwargs={"pk": team["grid1"].pk}), {"action": "reveal", "purpose": "inspection"}).status_code == 403
    assert not PersonalDataLog.objects.filter(user=user("city1")).exists()


def test_a_street_cadre_reveals_on_the_workers_page_with_a_purpose(login, team, user):
    client = login("street1")
    url = reverse("cadre-file", kwargs={"pk": team["grid1"].pk})
    assert 'value="reveal"' in client.get(url).content.decode()
    refused = client.post(url, {"action": "reveal", "purpose": "other", "reason": "aaaa"})
    assert "请用文字说明" in refused.content.decode() and _full(team["grid1"])["id_number"] not in refused.content.decode()
    assert not PersonalDataLog.objects.filter(user=user("street1")).exists()
    shown = client.post(url, {"action": "reveal", "purpose": "other", "reason": "核对考核材料"})
    assert _full(team["grid1"])["id_number"] in shown.content.decode()
    assert PersonalDataLog.objects.get(user=user("street1")).reason == "核对考核材料"


def test_a_street_cadres_reveals_count_against_the_daily_limit(api, settings, team):
    settings.PERSONAL_DATA_REVEALS_PER_DAY = 1
    assert _reveal(api, "street1", team["grid1"]).status_code == 200
    refused = _reveal(api, "street1", team["grid3"])
    assert refused.status_code == 429 and "已达每日上限" in refused.json()["message"]


def test_the_back_office_never_shows_a_street_cadre_a_workers_full_values(login, team):
    response = login("street1").get(reverse("admin:cadres_workerprofile_change", args=[team["grid1"].pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert _full(team["grid1"])["id_number"] not in page and _full(team["grid1"])["phone"] not in page
