"""Login by username or mobile, throttling per account and per address, and login required everywhere."""

import pytest
from django.contrib.auth.hashers import make_password
from django.test import override_settings
from django.urls import reverse

from config.settings import base as base_settings
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def post_login(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_with_username_lands_on_home(client):
    response = post_login(client, "grid1", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_login_with_mobile_number(client, user):
    phone = user("grid1").phone
    response = post_login(client, f"+86{phone}", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("home"), follow=True).context["user"].username == "grid1"


def test_wrong_password_shows_an_error_in_chinese(client):
    response = post_login(client, "grid1", "wrong")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_account_is_locked_at_the_failing_address_but_not_from_elsewhere(client):
    for _attempt in range(5):
        post_login(client, "grid2", "wrong", ip="10.0.1.1")
    response = post_login(client, "grid2", PASSWORD, ip="10.0.1.1")
    assert response.status_code == 429
    assert "锁定至" in response.content.decode()
    assert post_login(client, "grid2", PASSWORD, ip="10.0.2.1").status_code == 302


def test_address_is_locked_after_failures_on_many_accounts(client):
    for username in ["grid1", "grid2", "grid3", "community1", "community2"]:
        post_login(client, username, "wrong", ip="10.9.9.9")
    assert post_login(client, "street1", PASSWORD, ip="10.9.9.9").status_code == 429
    assert post_login(client, "street1", PASSWORD, ip="10.9.9.8").status_code == 302


def test_logout_and_password_change(client):
    post_login(client, "grid3", PASSWORD)
    response = client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": "n3w-Passw0rd!", "new_password2": "n3w-Passw0rd!"})
    assert response.status_code == 302
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302
    assert post_login(client, "grid3", "n3w-Passw0rd!").status_code == 302


@pytest.mark.parametrize("url", ["/", "/org/", "/audit/", "/accounts/password/"])
def test_pages_need_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_api_needs_authentication_in_the_error_shape(api):
    response = api(None).get("/api/grids/")
    assert response.status_code in (401, 403)
    assert set(response.json()) == {"message", "extra"}


def test_api_token_login(api, user):
    client = api(None)
    response = client.post("/api/auth/token/", {"username": "grid1", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    me = client.get("/api/me/").json()
    assert me["username"] == "grid1"
    assert [m["role"] for m in me["memberships"]] == ["grid_worker"]


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("grid1", "每日巡查"),
        ("community1", "社区党组织书记"),
        ("street1", "街道干部"),
        ("district", "区委组织部"),
        ("city1", "市委组织部"),
        ("volunteer1", "我的志愿服务"),
    ],
)
def test_each_role_lands_on_its_own_home(login, username, expected):
    body = login(username).get(reverse("home"), follow=True).content.decode()
    assert expected in body


@pytest.mark.parametrize(("username", "home"), [("grid1", "today"), ("volunteer1", "volunteer-me"), ("community1", None)])
def test_grid_workers_start_on_today_and_volunteers_on_their_own_page(login, username, home):
    response = login(username).get(reverse("home"))
    assert (response.status_code, response.get("Location")) == ((302, reverse(home)) if home else (200, None))


def test_api_docs_work_offline(login):
    client = login("district")
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/grids/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs


def test_menus_show_only_what_the_role_can_open(login):
    volunteer = login("volunteer1").get(reverse("home"), follow=True).content.decode()
    assert reverse("household-list") not in volunteer and reverse("admin:index") not in volunteer
    cadre = login("community1").get(reverse("home")).content.decode()
    assert reverse("household-list") in cadre and reverse("audit-list") in cadre and reverse("admin:index") in cadre


def test_the_back_office_index_follows_the_daily_work(login):
    apps = [app["app_label"] for app in login("district").get(reverse("admin:index")).context["app_list"]]
    assert apps.index("governance") < apps.index("households") < apps.index("resident_requests") < apps.index("volunteers")
    assert apps[-1] in {"auth", "authtoken", "axes", "notifications"}


def test_a_pbkdf2_password_still_logs_in_and_is_stored_again_as_argon2id(client, user):
    account = user("grid1")
    # The tests' own settings use MD5 for speed: this runs with the hashers every other setting uses.
    with override_settings(PASSWORD_HASHERS=base_settings.PASSWORD_HASHERS):
        account.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
        account.save(update_fields=["password"])
        assert post_login(client, "grid1", PASSWORD).status_code == 302
        account.refresh_from_db()
        # Argon2id at OWASP's cost: 19 MiB, two passes, one lane.
        assert account.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
        client.logout()
        assert post_login(client, "grid1", PASSWORD).status_code == 302
        client.logout()
        assert post_login(client, "grid1", "wrong-password").status_code == 200
