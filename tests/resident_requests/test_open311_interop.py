"""A live server driven as a city system drives it: raw spec-shaped POSTs, then reads with a third-party client (georeport).

georeport needs the `requests` library, which this project never installs: `make interop` (run by `make test`) builds it
into its own venv, .venv-interop, and the test runs it in a subprocess against the live server.
"""

import io
import json
import os
import subprocess
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.core.management import call_command

from households.models import Household
from resident_requests.models import ResidentRequest
from tests.conftest import seed_world
from tests.resident_requests.conftest import elevator_question_add

pytestmark = [pytest.mark.flushes_db]
ROOT = Path(__file__).resolve().parents[2]
INTEROP_PYTHON = ROOT / ".venv-interop" / "bin" / "python"


@pytest.fixture
def interop_python() -> Path:
    if not INTEROP_PYTHON.exists():
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("CI=true needs the Open311 client venv: run `make interop` (pip needs PyPI).")
        pytest.skip("No .venv-interop: `make interop` could not install georeport from PyPI; the Open311 client test needs it.")
    return INTEROP_PYTHON


def raw_post(url: str, fields: dict) -> tuple[int, bytes]:
    """A POST as the spec shows it: application/x-www-form-urlencoded, nothing but the standard library."""
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_a_city_system_posts_raw_and_reads_with_georeport_in_json_and_xml(live_server, transactional_db, interop_python):
    seed_world()
    elevator_question_add()
    # The README's way to a key for the demo's partner.
    out = io.StringIO()
    call_command("open311_key", "--partner", "12345 热线", stdout=out)
    key = out.getvalue().strip()
    root = f"{live_server.url}/open311/v2"
    household = Household.objects.filter(status="active").order_by("id").first()
    fields = {
        "api_key": key,
        "service_code": "property-1",
        "description": "电梯困人，已报12345",
        "address_id": household.public_token,
        "attribute[fault]": "stuck",
    }

    status, body = raw_post(f"{root}/requests.json", fields)
    assert status == 201, body
    from_json = json.loads(body)[0]["service_request_id"]
    status, body = raw_post(f"{root}/requests.xml", {**fields, "description": "电梯停运，第二次来电"})
    assert status == 201, body
    from_xml = ET.fromstring(body).find("request/service_request_id").text
    status, body = raw_post(f"{root}/requests.xml", {**fields, "api_key": "o311_forged"})
    assert status == 403 and ET.fromstring(body).find("error/code").text == "403"

    run = subprocess.run([str(interop_python), str(ROOT / "tests/interop/georeport_reads.py"), root, from_json, from_xml], capture_output=True, timeout=120)
    assert run.returncode == 0, run.stderr.decode()
    results = json.loads(run.stdout)
    for fmt in ("json", "xml"):
        got = results[fmt]
        assert "property-1" in {service["service_code"] for service in got["services"]}, fmt
        assert got["definition"]["service_code"] == "property-1", fmt
        assert {row["service_request_id"] for row in got["requests"]} == {from_json, from_xml}, fmt
        assert {from_json, from_xml} <= {row["service_request_id"] for row in got["recent"]}, fmt
        one = got["one"]
        assert one["service_request_id"] == from_json and one["status"] == "open" and one["service_code"] == "property-1", fmt
        assert one["address"] == household.building.address and one["agency_responsible"] == household.grid.name, fmt
    created = ResidentRequest.objects.get(public_id=from_json)
    assert created.partner.name == "12345 热线" and created.attributes == {"fault": "stuck"}
    # An anonymous reader (georeport sends no key) never gets the description or the card code.
    assert results["json"]["one"]["description"] is None and results["xml"]["one"]["address_id"] is None
