"""A frozen Redis (SIGSTOP: connections are accepted, nothing answers) costs pages seconds at most and /healthz under two.

The test freezes a real redis-server of its own; only the socket timeouts of the settings bound the wait.
"""

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
import redis
from django.conf import settings as django_settings
from django.urls import reverse

from config.celery_app import app

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def private_redis(settings, monkeypatch):
    """A redis-server on a free port, used as the cache and the broker with the production timeouts."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("CI=true needs redis-server for the frozen-Redis test (apt-get install redis-server).")
        pytest.skip("redis-server is not installed")
    port = _free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(url, socket_timeout=0.5).ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "OPTIONS": django_settings.REDIS_CACHE_OPTIONS},
            "local": django_settings.CACHES["local"],
        }
        monkeypatch.setitem(app.conf, "broker_url", url)
        monkeypatch.setitem(app.conf, "broker_transport_options", django_settings.REDIS_BROKER_OPTIONS)
        yield server
    finally:
        server.send_signal(signal.SIGCONT)
        server.terminate()
        server.wait(timeout=10)


def _timed_get(client, url):
    started = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - started


def test_healthz_names_the_frozen_redis_within_two_seconds_and_recovers(client, private_redis):
    response, _ = _timed_get(client, "/healthz")
    assert response.status_code == 200, response.json()

    private_redis.send_signal(signal.SIGSTOP)
    response, elapsed = _timed_get(client, "/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok" and body["broker"].startswith("error") and body["cache"].startswith("error"), body
    assert elapsed <= 2.0, elapsed

    private_redis.send_signal(signal.SIGCONT)
    response, _ = _timed_get(client, "/healthz")
    assert response.status_code == 200, response.json()
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}


def test_a_page_with_cached_badges_answers_within_seconds_while_redis_is_frozen(login, settings, private_redis):
    settings.BADGE_CACHE_SECONDS = 30
    client = login("grid1")
    assert client.get(reverse("household-list")).status_code == 200
    private_redis.send_signal(signal.SIGSTOP)
    timings = []
    for _ in range(3):
        response, elapsed = _timed_get(client, reverse("household-list"))
        assert response.status_code == 200
        timings.append(elapsed)
    # The first page waits for one cache timeout at most; the pages after it do not wait again.
    assert timings[0] <= 3.0 and max(timings[1:]) <= 1.0, timings
