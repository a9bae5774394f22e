"""Personas and the demo district, loaded once per test session (each test rolls back its changes)."""

import pytest

from demo.seed import demo_seed
from governance.models import Community, District, Membership, Street, User
from governance.roles import Role
from grids.models import Building, Grid
from notifications import backends

PASSWORD = "demo-pass-2026"
PERSONAS = ["grid1", "grid2", "grid3", "community1", "community2", "street1", "district", "outsider"]


def _seed_outside_district() -> None:
    """A second district with its own community secretary: the outsider has a real scope, elsewhere."""
    district = District.objects.create(name="外区", code="130104")
    street = Street.objects.create(district=district, name="外区街道", code="130104001000")
    community = Community.objects.create(street=street, district=district, name="外区社区", code="130104001001")
    grid = Grid.objects.create(community=community, street=street, district=district, sequence=1, code="130104001001001", name="外区第1网格")
    Building.objects.create(grid=grid, number=1, name="外区1号楼")
    outsider = User.objects.create_user("outsider", password=PASSWORD, full_name="外区书记")
    Membership.objects.create(user=outsider, role=Role.COMMUNITY_SECRETARY, community=community)


def seed_world() -> None:
    if demo_seed(scale="small", password=PASSWORD, seed=1) is not None:
        _seed_outside_district()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        seed_world()


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
    from rest_framework.test import APIClient

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
    # Tests that commit for real flush the database when they end, so they run after everything that reads the seed.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None or item.get_closest_marker("flushes_db") is not None)
