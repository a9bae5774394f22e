"""Personas and the small test world (tests/world.py), built once per test session (each test rolls back its changes)."""

import pytest
from django.db import connections
from rest_framework.test import APIClient

from core import cache as fail_fast
from core.replicas import replica_aliases
from governance.models import User
from notifications import backends
from notifications import services as notification_services
from tests import world

# The personas' password, for tests that log in through the form or the token endpoint.
PASSWORD = world.PASSWORD
PERSONAS = ["grid1", "grid2", "grid3", "community1", "community2", "street1", "district", "city1", "outsider"]


def seed_world() -> None:
    """Build the world again where a test flushed the database (live server, real threads)."""
    world.world_build()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # A replica is a mirror of the test database (TEST MIRROR) and, in this thread, the very same connection: what a test
    # wrote in its transaction is what a page reading the replica sees, and every replica read goes through the router.
    for alias in replica_aliases():
        connections[alias] = connections["default"]
    with django_db_blocker.unblock():
        seed_world()


@pytest.fixture(autouse=True)
def dependencies_trusted_again():
    """What a test taught this process about a failed cache or broker must not outlive it."""
    yield
    fail_fast.breaker.reset()
    notification_services.broker.reset()


@pytest.fixture
def user(db):
    """The persona fixture: `user("grid1")` is that persona's account."""

    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


@pytest.fixture
def login(client, user):
    def as_(username: str):
        client.force_login(user(username))
        return client

    return as_


@pytest.fixture
def api(user):
    def as_(username: str | None):
        client = APIClient()
        if username:
            client.force_authenticate(user(username))
        return client

    return as_


@pytest.fixture
def outbox(settings):
    """What the notification channels sent (the recording backend); sends follow commits, so run the code under
    `django_capture_on_commit_callbacks(execute=True)`. Tests that say "once" count these sends, not rows."""
    settings.NOTIFICATION_BACKENDS = ["notifications.backends.RecordingBackend"]
    backends.outbox.clear()
    yield backends.outbox
    backends.outbox.clear()


def pytest_collection_modifyitems(config, items):
    # Every database test may reach the replica aliases (they share the default connection above).
    if replica_aliases():
        for item in items:
            if hasattr(getattr(item, "cls", None), "databases"):
                item.cls.databases = "__all__"
            marker = item.get_closest_marker("django_db")
            if marker is not None and "databases" not in marker.kwargs:
                item.add_marker(pytest.mark.django_db(*marker.args, **marker.kwargs, databases="__all__"), append=False)
            elif marker is None and {"db", "transactional_db"} & set(getattr(item, "fixturenames", ())):
                item.add_marker(pytest.mark.django_db(transaction="transactional_db" in item.fixturenames, databases="__all__"), append=False)
    # Tests that commit for real flush the database when they end, so they run after everything that reads the world.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None or item.get_closest_marker("flushes_db") is not None)
