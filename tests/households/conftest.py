import pytest

from governance.models import User
from households.models import Household, Resident


@pytest.fixture
def household_of(db):
    """The first household of a user's grid (from the world's ledger), with its head."""

    def get(username: str) -> Household:
        grid = User.objects.get(username=username).memberships.get().grid
        return Household.objects.filter(grid=grid, status=Household.Status.ACTIVE, head__isnull=False).select_related("head", "grid").order_by("id").first()

    return get


@pytest.fixture
def plain(db):
    """Decrypted values, for asserting that they never leak."""
    from core.personal_data import decrypt

    def values(resident: Resident) -> tuple[str, str]:
        return decrypt(resident.id_number_enc), decrypt(resident.phone_enc)

    return values
