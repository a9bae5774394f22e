"""Who may do what: each job's capability is held by exactly the roles that did that job before the split."""

import importlib

import pytest
from django.apps import apps

from governance.models import Membership
from governance.roles import ROLE_CAPABILITIES, Capability, Role

# The city organization department holds every job the district's does, over its districts.
OVERSEERS = {Role.CITY_ORG, Role.DISTRICT_ORG, Role.STREET_CADRE, Role.FIRST_SECRETARY, Role.COMMUNITY_SECRETARY}
ORGANISERS = {Role.CITY_ORG, Role.DISTRICT_ORG, Role.STREET_CADRE, Role.COMMUNITY_SECRETARY, Role.COMMUNITY_CADRE}
STAFF = ORGANISERS | OVERSEERS | {Role.GRID_LEADER, Role.GRID_WORKER, Role.GRID_PART_TIME}

JOB_HOLDERS = {
    Capability.VIEW_AUDIT: OVERSEERS,
    Capability.VIEW_OVERSIGHT: OVERSEERS,
    Capability.VIEW_LINKAGE: OVERSEERS | ORGANISERS,
    Capability.MANAGE_LINKAGE: ORGANISERS,
    Capability.MANAGE_LISTS: ORGANISERS,
    Capability.MANAGE_VOLUNTEERS: ORGANISERS,
    Capability.MANAGE_HIERARCHY: ORGANISERS,
    Capability.MANAGE_PEOPLE: ORGANISERS,
    Capability.VIEW_FIGURES: STAFF,
}


@pytest.mark.parametrize("capability", JOB_HOLDERS)
@pytest.mark.parametrize("role", Role.values)
def test_a_job_capability_is_held_by_exactly_its_roles(role, capability):
    assert (capability in ROLE_CAPABILITIES[role]) == (role in JOB_HOLDERS[capability])


@pytest.mark.django_db
def test_an_explicit_grant_of_a_shared_capability_keeps_every_job_it_opened(user):
    migration = importlib.import_module("governance.migrations.0013_arch_job_capabilities")
    auditor, organiser = (Membership.objects.filter(user=user(name)).get() for name in ("grid1", "grid2"))
    Membership.objects.filter(pk=auditor.pk).update(extra_capabilities=[Capability.VIEW_AUDIT])
    Membership.objects.filter(pk=organiser.pk).update(extra_capabilities=[Capability.MANAGE_HIERARCHY, Capability.VIEW_SENSITIVE])

    migration.add_job_capabilities(apps, None)

    auditor.refresh_from_db()
    organiser.refresh_from_db()
    assert auditor.extra_capabilities == ["view_audit", "view_oversight", "view_linkage"]
    assert organiser.extra_capabilities == ["manage_hierarchy", "view_sensitive", "manage_volunteers", "manage_lists", "manage_linkage", "view_linkage"]


def test_the_city_holds_what_the_district_holds_and_never_reveals_personal_data():
    assert ROLE_CAPABILITIES[Role.CITY_ORG] == ROLE_CAPABILITIES[Role.DISTRICT_ORG]
    assert not {Capability.REVEAL_PERSONAL, Capability.VIEW_SENSITIVE, Capability.EDIT_LEDGER} & ROLE_CAPABILITIES[Role.CITY_ORG]
