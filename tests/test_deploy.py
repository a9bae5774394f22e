"""The production shape: compose services and their entry points, and settings that refuse unsafe starts."""

import ast
import json
import os
import re
import secrets
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import yaml
from cryptography.fernet import Fernet
from django.http.request import validate_host
from django.urls import resolve

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "worker-sweep", "worker-reports", "beat")
# Every variable the tests set or remove, so that the caller's environment cannot decide the outcome.
CONTROLLED = {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DJANGO_DEBUG", "FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT"}
CONTROLLED |= {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}

GOOD = {
    "SECRET_KEY": secrets.token_urlsafe(60),
    "DATABASE_URL": "postgres://u@127.0.0.1:5432/x",
    "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "FIELD_HASH_KEY": secrets.token_urlsafe(40),
}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def defines(path: Path, name: str) -> bool:
    """True when the module binds `name` at top level (assignment, import or def), read from its text, not imported."""
    if not path.is_file():
        return False
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(isinstance(target, ast.Name) and target.id == name for target in node.targets):
            return True
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            return True
        if isinstance(node, ast.ImportFrom | ast.Import) and any((alias.asname or alias.name) == name for alias in node.names):
            return True
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name == name:
            return True
    return False


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
        package = ROOT / entry.split(":", 1)[1]
        return defines(package / "celery_app.py", "app") and defines(package / "__init__.py", "celery_app")
    module, attribute = entry.split(":")
    return defines(ROOT / (module.replace(".", "/") + ".py"), attribute)


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?message}: a required variable missing from env fails the test."""

    def one(match: re.Match) -> str:
        name, kind, rest = match.groups()
        if env.get(name):
            return env[name]
        assert kind != "?", f"compose requires {name}"
        return rest if kind == "-" else ""

    return re.sub(r"\$\{(\w+)(?::([-?])([^}]*))?\}", one, value)


def run(args: list[str], settings_module: str, **env: str | None) -> subprocess.CompletedProcess:
    """Runs Python in the project with a clean environment; a None value removes the variable."""
    clean = {key: value for key, value in os.environ.items() if key not in CONTROLLED}
    clean["DJANGO_SETTINGS_MODULE"] = settings_module
    clean.update({key: value for key, value in env.items() if value is not None})
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)


def setup_django(settings_module: str, **env: str | None) -> subprocess.CompletedProcess:
    return run(["-c", "import django; django.setup()"], settings_module, **env)


def test_compose_has_the_production_services(compose):
    services = compose["services"]
    assert set(services) == {"postgres", "postgres-replica", "redis", *APP_SERVICES}
    assert services["postgres"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    # The database outlives its container: a named volume, declared at top level.
    data = [mount.split(":")[0] for mount in services["postgres"]["volumes"] if mount.split(":")[1] == "/var/lib/postgresql/data"]
    assert data and data[0] in (compose.get("volumes") or {})


def test_every_service_is_healthchecked_or_waits_for_healthy_services(compose):
    services = compose["services"]
    for name, service in services.items():
        if name == "beat" and "healthcheck" not in service:
            depends_on = service.get("depends_on") or {}
            assert depends_on and all(spec.get("condition") == "service_healthy" for spec in depends_on.values()), name
        else:
            assert service.get("healthcheck", {}).get("test"), name
    for name in APP_SERVICES:
        assert set(services[name]["depends_on"]) == {"postgres", "postgres-replica", "redis"}
        # service_healthy waits forever on a service that has no healthcheck.
        for dependency, spec in services[name]["depends_on"].items():
            assert spec == {"condition": "service_healthy"}
            assert services[dependency]["healthcheck"]["test"]


def test_app_services_share_one_image_built_once(compose):
    services = compose["services"]
    assert {services[name]["image"] for name in APP_SERVICES} == {"grid-governance:latest"}
    assert [name for name in APP_SERVICES if "build" in services[name]] == ["web"]
    for name in APP_SERVICES:
        assert services[name]["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_each_command_names_an_entry_point_that_exists(compose, service):
    entries = entry_points(compose["services"][service]["command"])
    assert entries
    for entry in entries:
        assert entry_point_exists(entry), entry


def test_web_migrates_before_serving(compose):
    command = " ".join(compose["services"]["web"]["command"])
    assert command.index("manage.py migrate --noinput") < command.index("gunicorn config.wsgi:application")
    assert "&&" in command, "gunicorn must not start when migrate fails"


def test_a_missing_entry_point_is_noticed():
    assert not entry_point_exists("config.wsgi:app_that_does_not_exist")
    assert not entry_point_exists("celery:nowhere")


def test_celery_finds_the_app_that_compose_names():
    from celery.app.utils import find_app

    from config.celery_app import app

    assert find_app("config") is app


def test_dockerfile_runs_the_same_wsgi_application(compose):
    dockerfile = (ROOT / "Dockerfile").read_text()
    cmd = [line for line in dockerfile.splitlines() if line.startswith("CMD ")]
    assert len(cmd) == 1
    command = json.loads(cmd[0].removeprefix("CMD "))
    assert command[:2] == ["gunicorn", "config.wsgi:application"]
    assert entry_point_exists(command[1])
    assert "config.wsgi:application" in " ".join(compose["services"]["web"]["command"])


def test_beat_keeps_its_schedule_in_the_image_var_dir(compose):
    dockerfile = (ROOT / "Dockerfile").read_text()
    var_dir = re.search(r"\bVAR_DIR=(\S+)", dockerfile).group(1)
    command = compose["services"]["beat"]["command"]
    assert command[command.index("--schedule") + 1].startswith(var_dir.rstrip("/") + "/")
    assert f"chown -R app:app {var_dir}" in dockerfile


@pytest.mark.parametrize("allowed_hosts", ["grid.example.org", ".example.org", "*", "localhost,127.0.0.1", "grid.example.org,127.0.0.1"])
def test_web_healthcheck_asks_healthz_with_a_host_django_accepts(compose, monkeypatch, allowed_hosts):
    test = compose["services"]["web"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    requests = []
    monkeypatch.setattr(urllib.request, "urlopen", lambda request, timeout: requests.append(request))
    monkeypatch.setenv("ALLOWED_HOSTS", allowed_hosts)
    exec(compile(test[3], "healthcheck", "exec"), {})
    [request] = requests
    assert request.full_url == "http://127.0.0.1:8000/healthz"
    assert resolve("/healthz").url_name == "healthz"
    # Without a matching Host the app answers 400 and the container would be reported unhealthy.
    assert validate_host(request.get_header("Host"), allowed_hosts.split(","))


def test_compose_environment_is_enough_for_production_settings(compose):
    operator = {"SECRET_KEY": GOOD["SECRET_KEY"], "POSTGRES_PASSWORD": "pw", "FIELD_ENCRYPTION_KEYS": GOOD["FIELD_ENCRYPTION_KEYS"]}
    operator["FIELD_HASH_KEY"] = GOOD["FIELD_HASH_KEY"]
    env = {key: interpolate(str(value), operator) for key, value in compose["services"]["web"]["environment"].items()}
    assert env["DATABASE_URL"] == "postgres://grid:pw@postgres:5432/grid"
    assert env["DATABASE_REPLICA_URLS"] == "postgres://grid:pw@postgres-replica:5432/grid"
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert env["ALLOWED_HOSTS"] == "localhost,127.0.0.1" and env["SECURE_SSL_REDIRECT"] == "false"
    result = setup_django(env.pop("DJANGO_SETTINGS_MODULE"), **env)
    assert result.returncode == 0, result.stderr


def test_compose_refuses_to_start_without_the_secret(compose):
    with pytest.raises(AssertionError, match="compose requires SECRET_KEY"):
        interpolate(compose["services"]["web"]["environment"]["SECRET_KEY"], {})


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG"),
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"SECRET_KEY": "too-short"}, "SECRET_KEY"),
        ({"DATABASE_URL": None}, "SQLite"),
        ({"FIELD_HASH_KEY": None}, "FIELD_HASH_KEY"),
    ],
)
def test_production_refuses_unsafe_settings(override, message):
    result = setup_django("config.settings.production", **{**GOOD, **override})
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_safe_settings():
    result = setup_django("config.settings.production", **GOOD)
    assert result.returncode == 0, result.stderr


def test_settings_are_parsed_strictly():
    result = setup_django("config.settings.dev", DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr


def test_check_deploy_is_clean_under_production_settings():
    # check --deploy runs no database checks unless --database is given, so the address need not answer.
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], "config.settings.production", **GOOD, ALLOWED_HOSTS="example.org")
    assert result.returncode == 0, result.stdout + result.stderr


def test_each_queue_has_a_worker_and_there_is_one_beat(compose, settings):
    """The sweep, notifications and reports queues are each consumed in production; beat runs once."""
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} | {settings.CELERY_TASK_DEFAULT_QUEUE}
    consumed = set()
    for service in compose["services"].values():
        command = service.get("command") or []
        if "worker" in command:
            consumed |= set(command[command.index("-Q") + 1].split(","))
    assert routed == consumed == {"default", "sweep", "notifications", "reports"}
    assert compose["services"]["beat"]["deploy"]["replicas"] == 1
    assert "-Q default,sweep,notifications,reports" in (ROOT / "Makefile").read_text()


def test_the_replica_streams_from_the_primary_and_settings_route_reads_to_it(compose):
    replica = compose["services"]["postgres-replica"]
    script = " ".join(replica["command"])
    assert "pg_basebackup -h postgres -U replicator" in script and "-R" in script and "hot_standby=on" in script
    primary_init = [mount for mount in compose["services"]["postgres"]["volumes"] if "docker-entrypoint-initdb.d" in mount]
    assert primary_init and (ROOT / primary_init[0].split(":")[0]).is_file()
    env = {**GOOD, "DATABASE_URL": "postgres://grid:pw@postgres:5432/grid", "DATABASE_REPLICA_URLS": "postgres://grid:pw@postgres-replica:5432/grid"}
    probe = "from django.conf import settings as s; print(sorted(s.DATABASES), s.DATABASES['replica1']['HOST'], s.DATABASE_ROUTERS)"
    result = run(["-c", f"import django; django.setup(); {probe}"], "config.settings.production", **env, ALLOWED_HOSTS="example.org")
    assert result.returncode == 0, result.stderr
    assert "['default', 'replica1'] postgres-replica ['core.replicas.ReplicaRouter']" in result.stdout
