"""Review row 7 and the reveal rules: every export and reveal reaches the district's access log, with a real purpose, within a daily limit."""

import pytest
from django.urls import reverse

from governance.models import PersonalDataLog, User
from governance.selectors import access_log_for
from households.models import Resident

pytestmark = pytest.mark.django_db

LOG = reverse("admin:governance_personaldatalog_changelist")


def node_of(username):
    return User.objects.get(username=username).memberships.get().node


def residents_of(username, count: int) -> list[Resident]:
    return list(Resident.objects.filter(household__grid=node_of(username), moved_out_on__isnull=True).exclude(id_number_enc="").order_by("id")[:count])


def test_attack_exports_are_invisible_to_the_district_and_the_street(login, user):
    grid = node_of("grid1")
    export = reverse("ledger-export")
    assert login("community1").get(f"{export}?grid={grid.pk}").status_code == 200
    assert login("community1").post(f"{export}?grid={grid.pk}", {"purpose": "correction", "reason": "年度核对"}).status_code == 200
    # An export that matched nothing is an export all the same, placed at the exporter's own node.
    assert login("community1").get(f"{export}?q=没有这个人").status_code == 200
    entries = list(PersonalDataLog.objects.filter(kind=PersonalDataLog.Kind.EXPORT, user__username="community1").order_by("id"))
    assert [entry.unmasked for entry in entries] == [False, True, False]
    assert entries[1].purpose == "correction" and entries[1].community_id == entries[2].community_id == grid.community_id
    for reader in ("district", "street1"):
        assert set(access_log_for(user(reader)).filter(kind="export")) >= set(entries)
        page = login(reader).get(f"{LOG}?kind__exact=export")
        assert page.status_code == 200 and page.context["cl"].result_count >= 3
        for entry in entries:
            assert login(reader).get(reverse("admin:governance_personaldatalog_change", args=[entry.pk])).status_code == 200
    assert not access_log_for(user("community2")).exists()
    assert login("community2").get(LOG).status_code == 403


@pytest.mark.parametrize("payload", [{"reason": "0000"}, {"purpose": "other", "reason": "0000"}, {"purpose": "other", "reason": "aaaa"}, {"purpose": "other"}])
def test_attack_reveal_with_a_meaningless_reason_is_refused(api, login, payload):
    resident = residents_of("grid1", 1)[0]
    response = api("community1").post(f"/api/residents/{resident.pk}/reveal/", payload, format="json")
    assert response.status_code == 400 and "id_number" not in response.json()
    page = login("community1").post(reverse("resident-reveal", args=[resident.pk]), payload)
    assert page.context["values"] is None
    full = login("community1").post(reverse("ledger-export") + f"?grid={node_of('grid1').pk}", payload)
    assert full.status_code == 200 and full.context["form"].errors
    assert not PersonalDataLog.objects.filter(user__username="community1").exists()


def test_a_reveal_names_its_purpose_from_the_list(api):
    resident = residents_of("grid1", 1)[0]
    response = api("community1").post(f"/api/residents/{resident.pk}/reveal/", {"purpose": "handle_request"}, format="json")
    assert response.status_code == 200 and response.json()["id_number"]
    log = PersonalDataLog.objects.get(user__username="community1", kind=PersonalDataLog.Kind.REVEAL)
    assert (log.purpose, log.community_id) == ("handle_request", node_of("community1").pk)
    schema = api("community1").get("/api/schema/", {"format": "json"}).json()
    reveal = schema["paths"]["/api/residents/{id}/reveal/"]["post"]
    assert {"400", "403", "404", "429"} <= set(reveal["responses"])
    body = reveal["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert schema["components"]["schemas"][body]["required"] == ["purpose"]


def test_attack_mass_reveal_is_capped_per_day_and_alerts_the_district_and_city_once(api, login, settings, outbox, django_capture_on_commit_callbacks):
    settings.PERSONAL_DATA_REVEALS_PER_DAY = 3
    settings.PERSONAL_DATA_REVEALS_ALERT = 2
    residents = residents_of("grid1", 5)
    client = api("community1")
    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post(f"/api/residents/{resident.pk}/reveal/", {"purpose": "visit"}, format="json") for resident in residents[:4]]
        page = login("community1").post(reverse("resident-reveal", args=[residents[4].pk]), {"purpose": "visit"})
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert "上限" in answers[3].json()["message"]
    assert page.context["values"] is None and "上限" in page.content.decode()
    assert PersonalDataLog.objects.filter(user__username="community1", kind=PersonalDataLog.Kind.REVEAL).count() == 3
    overseers = User.objects.filter(username__in=["district", "city1"])
    alerted = [n.user_id for n in outbox if n.key.startswith(f"reveals:{User.objects.get(username='community1').pk}:")]
    # Reveals 3 and beyond were above the alert threshold: still one alert sent to the district's and the city's accounts.
    assert sorted(alerted) == sorted(overseers.values_list("pk", flat=True))
