"""The production shape: compose services and their entry points, and settings that refuse unsafe starts."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_production_services(compose):
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}
    assert "pgdata" in compose["volumes"]
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    for name in ("postgres", "redis", "web", "worker"):
        assert services[name]["healthcheck"]["test"]
    # Web, worker and beat run the one image and wait for healthy services.
    assert {services[name]["image"] for name in ("web", "worker", "beat")} == {"grid-governance:latest"}
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"] == {"postgres": {"condition": "service_healthy"}, "redis": {"condition": "service_healthy"}}
        assert services[name]["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production"


def entry_points(command: list[str]) -> list[str]:
    text = " ".join(command)
    found = re.findall(r"\b([A-Za-z_][\w.]*:[A-Za-z_]\w*)\b", text)
    found += [f"celery:{app}" for app in re.findall(r"celery -A (\w+)", text)]
    found += ["manage.py"] if "manage.py" in text else []
    return found


def entry_point_exists(entry: str) -> bool:
    if entry == "manage.py":
        return (ROOT / "manage.py").is_file()
    if entry.startswith("celery:"):
        package = entry.split(":", 1)[1]
        init = ROOT / package / "__init__.py"
        return init.is_file() and "celery_app" in init.read_text() and "app = Celery(" in (ROOT / package / "celery_app.py").read_text()
    module, attribute = entry.split(":")
    path = ROOT / (module.replace(".", "/") + ".py")
    return path.is_file() and re.search(rf"^{attribute}\s*=", path.read_text(), re.M) is not None


@pytest.mark.parametrize("service", ["web", "worker", "beat"])
def test_each_command_names_an_entry_point_that_exists(compose, service):
    entries = entry_points(compose["services"][service]["command"])
    assert entries
    for entry in entries:
        assert entry_point_exists(entry), entry


def test_a_missing_entry_point_is_noticed():
    assert not entry_point_exists("config.wsgi:app_that_does_not_exist")
    assert not entry_point_exists("celery:nowhere")


def test_dockerfile_runs_the_same_wsgi_application():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert '"config.wsgi:application"' in dockerfile
    assert entry_point_exists("config.wsgi:application")


def run_settings(settings_module: str, **env) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SECRET_KEY", "DJANGO_DEBUG", "FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(DJANGO_SETTINGS_MODULE=settings_module, **env)
    return subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60)


GOOD = {
    "SECRET_KEY": secrets.token_urlsafe(60),
    "DATABASE_URL": "postgres://u@127.0.0.1:5432/x",
    "FIELD_ENCRYPTION_KEYS": "ZmRlY2VmYjE0YjM0NDA0YmE5ZTY2NzQ3ZmQ3ZjE0ZjU=",
    "FIELD_HASH_KEY": secrets.token_urlsafe(40),
}


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"DATABASE_URL": ""}, "SQLite"),
        ({"FIELD_HASH_KEY": ""}, "FIELD_HASH_KEY"),
    ],
)
def test_production_refuses_unsafe_settings(override, message):
    result = run_settings("config.settings.production", **{**GOOD, **override})
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_safe_settings():
    assert run_settings("config.settings.production", **GOOD).returncode == 0


def test_settings_are_parsed_strictly():
    result = run_settings("config.settings.dev", DJANGO_DEBUG="maybe")
    assert result.returncode != 0 and "DJANGO_DEBUG" in result.stderr


def test_check_deploy_is_clean_under_production_settings():
    env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(GOOD, DJANGO_SETTINGS_MODULE="config.settings.production", ALLOWED_HOSTS="example.org")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
