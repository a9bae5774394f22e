"""The demo seeder itself, on a database holding the small demo district instead of the test world."""

import pytest
from django.core.management import call_command

from demo.seed import demo_seed
from governance.models import Community, Membership, ResidentUnit, Street
from governance.roles import Role
from grids.models import Building, Grid
from households.models import Household
from resident_requests.lifecycle import TimelineAction
from resident_requests.models import ResidentRequest, TimelineEntry
from tests.conftest import PASSWORD, seed_world
from volunteers.models import Volunteer

pytestmark = [pytest.mark.django_db, pytest.mark.flushes_db]


@pytest.fixture(scope="module", autouse=True)
def demo_district(django_db_setup, django_db_blocker):
    """The demo's accounts have the world's persona names: the world goes for this module and comes back after it."""
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        demo_seed(scale="small", password=PASSWORD, seed=1, log=lambda *_args: None)
        yield
        call_command("flush", interactive=False, verbosity=0)
        seed_world()


def test_small_demo_district_has_the_promised_shape():
    district_streets = Street.objects.filter(district__code="130102")
    assert district_streets.count() == 2
    assert Community.objects.filter(district__code="130102").count() == 4
    assert Grid.objects.filter(district__code="130102").count() == 12
    assert Building.objects.filter(grid__district__code="130102").count() == 60
    assert ResidentUnit.objects.filter(community__district__code="130102").exists()
    # Codes nest: street = county + street + 000, community = street prefix + 3, grid = community + 3.
    for grid in Grid.objects.filter(district__code="130102").select_related("community__street"):
        assert grid.code.startswith(grid.community.code) and len(grid.code) == 15
        assert grid.community.code[:9] == grid.community.street.code[:9]


def test_demo_accounts_hold_the_roles_readme_lists():
    def only(username):
        return Membership.objects.select_related("community", "grid__community", "street").get(user__username=username)

    street1 = only("street1").street
    community1, community2 = only("community1").community, only("community2").community
    assert [c.pk for c in Community.objects.filter(street=street1).order_by("code")[:2]] == [community1.pk, community2.pk]
    grids1 = list(Grid.objects.filter(community=community1).order_by("code"))
    assert only("grid1").grid == grids1[0] and only("grid2").grid == grids1[1]
    assert only("grid3").grid == Grid.objects.filter(community=community2).order_by("code").first()
    assert only("grid1").role == Role.GRID_WORKER
    assert only("volunteer1").role == Role.VOLUNTEER and only("volunteer1").community == community1
    assert only("district").role == Role.DISTRICT_ORG


def test_a_second_run_adds_nothing(capsys):
    def counts():
        return [model.objects.count() for model in (Building, Membership, Household, ResidentRequest, Volunteer)]

    before = counts()
    call_command("seed_demo", "--scale", "small", "--password", "x")
    assert "nothing added" in capsys.readouterr().out
    assert counts() == before


def test_password_is_required_when_debug_is_off(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")


def test_the_demo_writes_only_timeline_actions_with_a_label():
    written = set(TimelineEntry.objects.values_list("action", flat=True).distinct())
    assert written and written <= set(TimelineAction.values)
