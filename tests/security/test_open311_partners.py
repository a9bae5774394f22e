"""Open311 partners' keys: what a caller with a key, a stolen page or junk input can and cannot do."""

import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache

from governance.models import AuditEntry
from households.models import Household
from resident_requests.models import Open311Partner, ResidentRequest
from tests.resident_requests import conftest as requests_fixtures

pytestmark = pytest.mark.django_db
partner_key = requests_fixtures.partner_key


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


def _post(client, key: str, **fields):
    card = Household.objects.filter(status="active").order_by("id").first().public_token
    body = {"api_key": key, "service_code": "sanitation-1", "description": "垃圾两天没人清运", "address_id": card, **fields}
    return client.post("/open311/v2/requests.json", body)


def test_attack_a_partner_reads_another_partners_request_with_its_own_key(client, partner_key):
    first, second = partner_key("平台甲"), partner_key("平台乙")
    number = _post(client, first, description="甲平台收到：张先生家漏水").json()[0]["service_request_id"]
    row = client.get(f"/open311/v2/requests/{number}.json", {"api_key": second}).json()[0]
    assert row["description"] is None and row["address_id"] is None
    assert client.get(f"/open311/v2/requests/{number}.json", {"api_key": first}).json()[0]["description"] == "甲平台收到：张先生家漏水"


def test_attack_a_script_link_as_media_url_is_refused(client, partner_key):
    key = partner_key()
    for url in ("javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "ftp://example.cn/x.jpg"):
        response = _post(client, key, media_url=url)
        assert response.status_code == 400 and response.json()[0]["description"].startswith("media_url")
    assert not ResidentRequest.objects.filter(description="垃圾两天没人清运").exists()


def test_attack_the_key_is_nowhere_in_the_database_or_the_audit_log(partner_key):
    key = partner_key("审计平台")
    secret = key[len("o311_") + 4 :]
    assert secret not in str(AuditEntry.objects.filter(object_repr="审计平台").get().changes)
    stored = Open311Partner.objects.filter(name="审计平台").values().get()
    assert not any(secret in str(value) for value in stored.values())


def test_attack_control_characters_in_a_description_keep_the_xml_readable(client, partner_key):
    key = partner_key()
    number = _post(client, key, description="楼道灯\x0b坏了\x01一周").json()[0]["service_request_id"]
    response = client.get(f"/open311/v2/requests/{number}.xml", {"api_key": key})
    assert ET.fromstring(response.content).find("request/description").text == "楼道灯坏了一周"


def test_attack_too_many_ids_or_junk_codes_are_a_400_not_a_scan(client):
    many = ",".join(f"{index:012X}" for index in range(51))
    assert client.get("/open311/v2/requests.json", {"service_request_id": many}).status_code == 400
    assert client.get("/open311/v2/requests.json", {"service_code": "'; drop table --"}).status_code == 400
    assert client.get("/open311/v2/requests/%E2%91%A0.json").status_code == 404
