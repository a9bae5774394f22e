"""Accounts: password resets by managers, API tokens, login throttling, role revocation, finding accounts, deploy settings.

Each test performs an attack of the security review (rows 2, 18, 19, 21, 23) through the real entry points.
"""

import datetime as dt
import re
import secrets

import pytest
import yaml
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from governance.models import AuditEntry, Membership, PersonalDataLog, User
from governance.roles import Capability, Role
from households.models import Resident
from notifications.models import Notification
from tests.conftest import PASSWORD
from tests.test_deploy import GOOD, ROOT, interpolate, run

pytestmark = pytest.mark.django_db

TAKEOVER = "Takeover-98765"


def token_for(username: str) -> str:
    from rest_framework.test import APIClient

    response = APIClient().post("/api/auth/token/", {"username": username, "password": PASSWORD}, format="json", REMOTE_ADDR="10.20.0.1")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def token_client(key: str):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def grid1_resident() -> Resident:
    return Resident.objects.filter(household__building__grid__memberships__user__username="grid1").exclude(id_number_enc="").first()


# Row 2: account takeover through the back office.


def test_attack_street_cadre_sets_grid_worker_password_in_back_office_and_reveals_ids_fails(login, user, api):
    grid1 = user("grid1")
    street1 = login("street1")
    response = street1.post(f"/admin/governance/user/{grid1.pk}/password/", {"password1": TAKEOVER, "password2": TAKEOVER})
    grid1.refresh_from_db()
    assert grid1.check_password(PASSWORD) and not grid1.check_password(TAKEOVER)
    assert response.status_code == 302 and response["Location"] == reverse("person-detail", kwargs={"pk": grid1.pk})
    # The audited reset refuses too: street1 lacks the grid worker's reveal and sensitive-data capabilities.
    assert street1.post(reverse("person-password-reset", kwargs={"pk": grid1.pk})).status_code == 403
    assert api("street1").post(f"/api/users/{grid1.pk}/password-reset/").status_code == 403
    assert reverse("person-password-reset", kwargs={"pk": grid1.pk}) not in street1.get(reverse("person-detail", kwargs={"pk": grid1.pk})).content.decode()
    grid1.refresh_from_db()
    assert grid1.check_password(PASSWORD)
    # So street1 cannot log in as grid1 and reveal an ID number under grid1's name.
    assert not api(None).post("/api/auth/token/", {"username": "grid1", "password": TAKEOVER}, format="json").json().get("token")
    resident = grid1_resident()
    assert api("street1").post(f"/api/residents/{resident.pk}/reveal/", {"purpose": "inspection"}, format="json").status_code == 403
    assert not PersonalDataLog.objects.filter(object_id=str(resident.pk), reason="takeover test").exists()


def test_attack_even_an_allowed_manager_cannot_set_a_password_in_the_back_office(login, user):
    grid1 = user("grid1")
    response = login("community1").post(f"/admin/governance/user/{grid1.pk}/password/", {"password1": TAKEOVER, "password2": TAKEOVER})
    assert response.status_code == 302
    grid1.refresh_from_db()
    assert not grid1.check_password(TAKEOVER) and not grid1.must_change_password


def test_attack_reset_of_someone_with_an_extra_capability_the_manager_lacks_is_refused(login, user, api):
    part_time = Membership.objects.filter(role=Role.GRID_PART_TIME, grid__memberships__user__username="grid1").select_related("user").get()
    part_time.extra_capabilities = [Capability.VIEW_ACCESS_LOG]
    part_time.save(update_fields=["extra_capabilities"])
    target = part_time.user
    assert api("community1").post(f"/api/users/{target.pk}/password-reset/").status_code == 403
    assert login("community1").post(reverse("person-password-reset", kwargs={"pk": target.pk})).status_code == 403
    target.refresh_from_db()
    assert target.check_password(PASSWORD)
    # The district holds that capability over the grid, and every role's capability too, except the carers' ones.
    assert api("district").post(f"/api/users/{target.pk}/password-reset/").status_code == 403


def test_reset_through_the_service_is_audited_notified_one_time_and_ends_sessions_and_tokens(client, login, user, api):
    grid1 = user("grid1")
    old_token = token_for("grid1")
    client.force_login(grid1)
    assert client.get(reverse("home"), follow=True).status_code == 200

    from django.test import Client

    manager = Client()
    manager.force_login(user("community1"))
    response = manager.post(reverse("person-password-reset", kwargs={"pk": grid1.pk}))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    temporary = re.search(r'data-testid="temporary-password">([^<]+)<', response.content.decode()).group(1)
    # Shown once: the person's page does not show it again.
    assert temporary not in manager.get(reverse("person-detail", kwargs={"pk": grid1.pk})).content.decode()

    grid1.refresh_from_db()
    assert grid1.check_password(temporary) and grid1.must_change_password
    entry = AuditEntry.objects.get(object_id=str(grid1.pk), actor=user("community1"), changes__password=[None, "reset"])
    assert entry.grid_id == grid1.memberships.get().grid_id
    assert Notification.objects.filter(user=grid1, key__startswith="password-reset-").exists()
    # The old session and the old token are dead.
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))
    assert token_client(old_token).get("/api/me/").status_code in (401, 403)
    assert not Token.objects.filter(user=grid1).exists()

    # The temporary password leads only to the password change page; the API refuses with a clear message.
    assert client.post(reverse("login"), {"username": "grid1", "password": temporary}).status_code == 302
    assert client.get(reverse("household-list"))["Location"] == reverse("password_change")
    assert client.get(f"/admin/governance/user/{grid1.pk}/change/")["Location"] == reverse("password_change")
    refused = client.get("/api/me/")
    assert refused.status_code == 403 and "设置自己的密码" in refused.json()["message"]
    assert "请先设置自己的密码" in client.get(reverse("password_change")).content.decode()
    response = client.post(reverse("password_change"), {"old_password": temporary, "new_password1": "Own-choice-4711", "new_password2": "Own-choice-4711"})
    assert response.status_code == 302
    grid1.refresh_from_db()
    assert not grid1.must_change_password
    assert client.get("/api/me/").status_code == 200
    assert AuditEntry.objects.filter(object_id=str(grid1.pk), actor=grid1, changes__password=[None, "changed"]).exists()


def test_api_reset_answers_the_temporary_password_once_and_refuses_out_of_scope_and_self(api, user):
    grid1 = user("grid1")
    response = api("community1").post(f"/api/users/{grid1.pk}/password-reset/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.json()
    grid1.refresh_from_db()
    assert grid1.check_password(body["temporary_password"]) and body["must_change_password"]
    assert api("community2").post(f"/api/users/{grid1.pk}/password-reset/").status_code == 404
    community1 = user("community1")
    assert api("community1").post(f"/api/users/{community1.pk}/password-reset/").status_code == 403


def test_attack_old_token_keeps_working_after_own_password_change_fails(client, user):
    key = token_for("grid2")
    client.force_login(user("grid2"))
    response = client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": "n3w-Passw0rd!", "new_password2": "n3w-Passw0rd!"})
    assert response.status_code == 302
    assert token_client(key).get("/api/me/").status_code in (401, 403)
    # The back office's own password form would skip all that: it leads to the same page.
    assert client.get("/admin/password_change/")["Location"] == reverse("password_change")


def test_attack_token_used_long_after_it_was_issued_is_refused():
    key = token_for("grid3")
    Token.objects.filter(key=key).update(created=timezone.now() - dt.timedelta(days=31))
    response = token_client(key).get("/api/me/")
    assert response.status_code in (401, 403) and "过期" in response.json()["message"]
    assert not Token.objects.filter(key=key).exists()
    fresh = token_for("grid3")
    assert fresh != key and token_client(fresh).get("/api/me/").status_code == 200


def test_attack_tokens_of_deactivated_or_roleless_accounts_survive_fails(login, api, user):
    grid2 = user("grid2")
    token_for("grid2")
    response = login("community1").post(
        f"/admin/governance/user/{grid2.pk}/change/", {"full_name": grid2.full_name, "phone": grid2.phone or "", "is_active": "", **inline_management()}
    )
    assert response.status_code == 302
    assert not Token.objects.filter(user=grid2).exists()

    volunteer = user("volunteer1")
    token_for("volunteer1")
    [membership] = volunteer.memberships.all()
    assert api("community1").delete(f"/api/memberships/{membership.pk}/").status_code == 204
    assert not Token.objects.filter(user=volunteer).exists()


def inline_management() -> dict:
    """The management form of the read-only memberships inline on the user's change page."""
    return {"memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0", "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000"}


@pytest.mark.parametrize("weak", ["12345678", "password", "abc"])
def test_attack_manager_creates_account_with_weak_initial_password_fails(login, user, weak):
    grid = user("grid1").memberships.get().grid
    response = login("community1").post(
        reverse("person-create", kwargs={"level": "grid", "pk": grid.pk}),
        {"username": "weakling", "full_name": "钱弱", "phone": "", "password": weak, "role": Role.GRID_PART_TIME},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert re.search(r"[\u4e00-\u9fff]", " ".join(response.context["form"].errors["password"]))
    assert not User.objects.filter(username="weakling").exists()


# Row 18: anyone could lock a named account.


def post_login(client, username, password, ip):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_attack_five_failures_from_one_address_lock_the_district_account_everywhere_fails(client):
    for _attempt in range(5):
        post_login(client, "district", "wrong", "203.0.113.9")
    locked = post_login(client, "district", PASSWORD, "203.0.113.9")
    assert locked.status_code == 429
    assert re.search(r"锁定至 \d\d:\d\d", locked.content.decode())
    assert post_login(client, "district", PASSWORD, "10.30.0.1").status_code == 302


def test_locked_token_endpoint_says_until_when_in_chinese(api):
    client = api(None)
    for _attempt in range(5):
        client.post("/api/auth/token/", {"username": "community2", "password": "wrong"}, format="json", REMOTE_ADDR="203.0.113.10")
    response = client.post("/api/auth/token/", {"username": "community2", "password": PASSWORD}, format="json", REMOTE_ADDR="203.0.113.10")
    assert response.status_code == 429
    body = response.json()
    until = dt.datetime.fromisoformat(body["extra"]["locked_until"])
    assert f"锁定至 {timezone.localtime(until):%H:%M}" in body["message"]
    assert dt.timedelta(minutes=14) < until - timezone.now() <= dt.timedelta(minutes=15)
    other = client.post("/api/auth/token/", {"username": "community2", "password": PASSWORD}, format="json", REMOTE_ADDR="10.30.0.2")
    assert other.status_code == 200


# Row 9 / 23: revoking roles.


def test_attack_district_revokes_its_own_only_role_fails(api, login, user):
    membership = user("district").memberships.get()
    response = api("district").delete(f"/api/memberships/{membership.pk}/")
    assert response.status_code == 403 and "自己的角色" in response.json()["message"]
    login("district").post(reverse("role-revoke", kwargs={"pk": membership.pk}))
    login("district").post(f"/admin/governance/membership/{membership.pk}/delete/", {"post": "yes"})
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_attack_peer_revokes_a_role_of_equal_rank_fails(api, user):
    district = user("district").memberships.get().district
    peer = User.objects.create_user("district2", password=PASSWORD)
    Membership.objects.create(user=peer, role=Role.DISTRICT_ORG, district=district)
    membership = user("district").memberships.get()
    assert api("district2").delete(f"/api/memberships/{membership.pk}/").status_code == 403
    community = user("community1").memberships.get().community
    cadre = Membership.objects.get(role=Role.COMMUNITY_CADRE, community=community).user
    second = Membership.objects.create(user=User.objects.create_user("cadre2", password=PASSWORD), role=Role.COMMUNITY_CADRE, community=community)
    assert api(cadre.username).delete(f"/api/memberships/{second.pk}/").status_code == 403
    assert Membership.objects.filter(pk__in=[membership.pk, second.pk]).count() == 2
    # Ranked above: the community secretary may.
    assert api("community1").delete(f"/api/memberships/{second.pk}/").status_code == 204


def test_only_a_superuser_revokes_the_last_district_role(api, user):
    membership = user("district").memberships.get()
    root = User.objects.create_superuser("root", password=PASSWORD)
    assert api("street1").delete(f"/api/memberships/{membership.pk}/").status_code in (403, 404)
    assert api(root.username).delete(f"/api/memberships/{membership.pk}/").status_code == 204


def test_revoke_button_only_for_roles_the_viewer_may_revoke(login, user):
    community = user("community1").memberships.get().community
    page = login("community1").get(reverse("org-node", kwargs={"level": "community", "pk": community.pk})).content.decode()
    own = user("community1").memberships.get()
    cadre = Membership.objects.get(role=Role.COMMUNITY_CADRE, community=community)
    assert reverse("role-revoke", kwargs={"pk": own.pk}) not in page
    assert reverse("role-revoke", kwargs={"pk": cadre.pk}) in page


# Row 23(b): the grant form as an oracle of accounts anywhere in the district.


def test_attack_grant_form_tells_whether_an_account_exists_elsewhere_fails(api, login, user):
    grid = user("grid2").memberships.get().grid
    elsewhere = user("grid3")
    client = api("community1")

    def grant(identifier):
        return client.post("/api/memberships/", {"username": identifier, "role": Role.GRID_PART_TIME, "node_id": grid.pk}, format="json")

    existing, phone, missing = grant("grid3"), grant(elsewhere.phone), grant("nobody-at-all")
    assert existing.status_code == phone.status_code == missing.status_code == 400
    assert existing.json() == phone.json() == missing.json()
    assert not Membership.objects.filter(user=elsewhere, grid=grid).exists()

    url = reverse("role-grant", kwargs={"level": "grid", "pk": grid.pk})
    page = login("community1")
    errors = [page.post(url, {"identifier": identifier, "role": Role.GRID_PART_TIME}).context["form"].errors for identifier in ("grid3", "nobody-at-all")]
    assert errors[0] == errors[1] and "辖区内" in str(errors[0])

    admin_add = "/admin/governance/membership/add/"
    answers = [page.post(admin_add, {"user": pk, "role": Role.GRID_PART_TIME, "grid": grid.pk}) for pk in (elsewhere.pk, 10**9)]
    assert [answer.status_code for answer in answers] == [200, 200]
    assert answers[0].context["adminform"].form.errors == answers[1].context["adminform"].form.errors


# Row 19: API schema and docs without login.


@pytest.mark.parametrize("url", ["/api/schema/", "/api/schema/?format=json", "/api/docs/"])
def test_attack_anonymous_reads_the_api_schema_fails(api, url):
    assert api(None).get(url).status_code in (401, 403)


# Row 21: deploy settings.


def production_value(expression: str, **env: str | None):
    return run(["-c", f"import django; django.setup(); from django.conf import settings; print({expression})"], "config.settings.production", **{**GOOD, **env})


def test_attack_spoofed_forwarded_proto_is_trusted_when_gunicorn_is_published_directly_fails():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert "8000:8000" in compose["services"]["web"]["ports"]
    operator = {
        "SECRET_KEY": GOOD["SECRET_KEY"],
        "POSTGRES_PASSWORD": "pw",
        "FIELD_ENCRYPTION_KEYS": GOOD["FIELD_ENCRYPTION_KEYS"],
        "FIELD_HASH_KEY": GOOD["FIELD_HASH_KEY"],
    }
    env = {key: interpolate(str(value), operator) for key, value in compose["services"]["web"]["environment"].items()}
    direct = production_value("settings.SECURE_PROXY_SSL_HEADER", **env)
    assert direct.returncode == 0, direct.stderr
    assert direct.stdout.strip() == "None"
    proxied = production_value("settings.SECURE_PROXY_SSL_HEADER", DJANGO_BEHIND_PROXY="true")
    assert proxied.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"


@pytest.mark.parametrize("key", ["short", "a" * 64, "0123456789abcdef" * 2, "correct horse battery staple is long enough"])
def test_attack_production_starts_with_a_guessable_field_hash_key_fails(key):
    result = production_value("1", FIELD_HASH_KEY=key)
    assert result.returncode != 0
    assert "FIELD_HASH_KEY" in result.stderr


@pytest.mark.parametrize("key", [secrets.token_urlsafe(32), secrets.token_hex(32), secrets.token_bytes(32).hex().upper()])
def test_production_accepts_a_random_field_hash_key(key):
    result = production_value("1", FIELD_HASH_KEY=key)
    assert result.returncode == 0, result.stderr
