"""No input gives a 500: every API detail and action route with a non-id, and Open311 with impossible parameters."""

import pytest
from django.core.cache import cache

from config.urls import router

pytestmark = pytest.mark.django_db

NOT_IDS = ["abc", "²", "1.5", "null,null", "false", "-1", "99999999999999999999"]
OPEN311_BAD_PARAMS = [
    {"page": "²"},
    {"page_size": "²"},
    {"page": "0"},
    {"page_size": "-3"},
    {"start_date": "2026-13-45T00:00:00Z"},
    {"start_date": "2026-11-01T25:00:00"},
    {"end_date": "0001-01-01T00:00:00+08:00"},
    {"end_date": "9999-12-31T23:59:59-10:00"},
    {"status": "maybe"},
]


def _detail_paths(bad_id: str) -> list[str]:
    """Every detail route and every detail action of every viewset the API router serves."""
    paths = []
    for prefix, viewset, _basename in router.registry:
        paths.append(f"/api/{prefix}/{bad_id}/")
        paths += [f"/api/{prefix}/{bad_id}/{action.url_path}/" for action in viewset.get_extra_actions() if action.detail]
    return paths


@pytest.mark.parametrize("bad_id", NOT_IDS)
def test_attack_non_numeric_id_on_every_api_detail_and_action_route_gives_no_500(api, bad_id):
    client = api("district")
    client.raise_request_exception = False
    paths = _detail_paths(bad_id)
    assert any(path.endswith("/accept/") for path in paths) and any(path.endswith("/reveal/") for path in paths)
    for path in paths:
        for method in ("get", "post", "put", "patch", "delete"):
            body = None if method == "get" else {"reason": "检查一下", "note": "x"}
            response = getattr(client, method)(path, body, format="json")
            assert response.status_code < 500, (method, path, response.status_code)
            assert response.status_code in (404, 405), (method, path, response.status_code)


@pytest.mark.parametrize("params", OPEN311_BAD_PARAMS, ids=lambda params: "&".join(f"{k}={v}" for k, v in params.items()))
def test_attack_impossible_open311_parameters_answer_400_in_the_open311_error_format(client, params):
    cache.clear()
    client.raise_request_exception = False
    for fmt in ("json", "xml"):
        response = client.get(f"/open311/v2/requests.{fmt}", params)
        assert response.status_code == 400, (fmt, params, response.status_code)
        if fmt == "json":
            assert response.json()[0]["code"] == 400 and response.json()[0]["description"]
        else:
            assert b"<errors><error><code>400</code>" in response.content


def test_attack_superscript_digits_in_request_page_filters_give_no_500(login):
    client = login("community1")
    client.raise_request_exception = False
    for path in ("/requests/board/?grid=²&category=²", "/requests/new/?visit=²", "/requests/figures/?level=grid&pk=²"):
        assert client.get(path).status_code < 500, path
