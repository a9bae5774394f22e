import pytest

from governance.models import Community


@pytest.fixture
def community(user):
    """`community("community1")`: that secretary's community."""

    def get(username: str) -> Community:
        return user(username).memberships.get().community

    return get
