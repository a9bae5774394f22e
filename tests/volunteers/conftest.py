import pytest

from governance.models import User
from volunteers import services
from volunteers.models import ReviewStatus, Volunteer


@pytest.fixture
def member(db):
    """volunteer1's confirmed profile in community1, placed in grid1's grid."""
    user = User.objects.get(username="volunteer1")
    profile = Volunteer.objects.filter(user=user).first()
    if profile is None:
        community = user.memberships.get().community
        profile = services.volunteer_register(actor=user, community=community, name=user.full_name, phone="13912340000", user=user, skills=["repairs"])
    if profile.status != ReviewStatus.CONFIRMED:
        grid = User.objects.get(username="grid1").memberships.get().grid
        profile = services.volunteer_confirm(actor=User.objects.get(username="community1"), volunteer=profile, grid=grid)
    return profile


@pytest.fixture
def fresh_member(db):
    """A newly registered and confirmed member of community1, placed in grid2's grid, with no history."""
    community1 = User.objects.get(username="community1")
    grid = User.objects.get(username="grid2").memberships.get().grid
    profile = services.volunteer_register(actor=community1, community=grid.community, name="新报到党员", phone="13711112222", skills=["legal"])
    return services.volunteer_confirm(actor=community1, volunteer=profile, grid=grid)
