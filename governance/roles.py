"""Roles are rows (see Membership); this module says at which level each role sits, how high it ranks
and what it may do. Permission predicates elsewhere read these tables and nothing else."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")
    GRID = "grid", _("Grid")
    BUILDING = "building", _("Building")


# Depth of each level in the tree: a smaller number is higher up.
LEVEL_DEPTH = {Level.CITY: 0, Level.DISTRICT: 1, Level.STREET: 2, Level.COMMUNITY: 3, Level.GRID: 4, Level.BUILDING: 5}


class Role(models.TextChoices):
    CITY_ORG = "city_org", _("City organization department")
    DISTRICT_ORG = "district_org", _("District organization department")
    STREET_CADRE = "street_cadre", _("Street cadre")
    FIRST_SECRETARY = "first_secretary", _("First secretary")
    COMMUNITY_SECRETARY = "community_secretary", _("Community party secretary")
    COMMUNITY_CADRE = "community_cadre", _("Community cadre")
    GRID_LEADER = "grid_leader", _("Grid leader")
    GRID_WORKER = "grid_worker", _("Full-time grid worker")
    GRID_PART_TIME = "grid_part_time", _("Part-time grid worker")
    BUILDING_HEAD = "building_head", _("Building head")
    UNIT_HEAD = "unit_head", _("Unit head")
    VOLUNTEER = "volunteer", _("Volunteer / in-service party member")


class Capability(models.TextChoices):
    VIEW_HIERARCHY = "view_hierarchy", _("See the hierarchy")
    MANAGE_HIERARCHY = "manage_hierarchy", _("Create and edit nodes and resident units")
    MANAGE_PEOPLE = "manage_people", _("Create users and grant roles")
    VIEW_AUDIT = "view_audit", _("Read the audit log")
    VIEW_OVERSIGHT = "view_oversight", _("See the oversight pages: the dashboard menu, the assessment and the monthly reports")
    VIEW_LINKAGE = "view_linkage", _("See every linkage duty and who is behind")
    MANAGE_LINKAGE = "manage_linkage", _("Record joint meetings with resident units")
    MANAGE_LISTS = "manage_lists", _("Keep the three lists: resources, demands and projects")
    MANAGE_VOLUNTEERS = "manage_volunteers", _("Keep volunteers, activities, service posts, micro-wishes, gifts and double reporting")
    USE_BACK_OFFICE = "use_back_office", _("Use the back office")
    VIEW_LEDGER = "view_ledger", _("See the household ledger")
    EDIT_LEDGER = "edit_ledger", _("Keep the household ledger and record visits")
    VIEW_SENSITIVE = "view_sensitive", _("See health, disability and income data")
    REVEAL_PERSONAL = "reveal_personal", _("Reveal ID numbers and phones, giving a reason")
    EXPORT_LEDGER = "export_ledger", _("Export the ledger")
    VIEW_ACCESS_LOG = "view_access_log", _("Read the personal data access log")
    VIEW_REQUESTS = "view_requests", _("See resident requests")
    HANDLE_REQUESTS = "handle_requests", _("Take, handle, return and escalate requests")
    DISPATCH_REQUESTS = "dispatch_requests", _("Accept, dispatch, verify and answer requests")
    VIEW_FIGURES = "view_figures", _("See dashboards, coverage, the situation map and request figures")
    MANAGE_CADRES = "manage_cadres", _("Keep community workers' profiles, the two pools, promotions and mentoring")
    VIEW_VETTING = "view_vetting", _("See community workers' vetting results")
    MANAGE_SERVICES = "manage_services", _("Keep the community's service list, A and B persons and their leave")
    HANDLE_BOOKINGS = "handle_bookings", _("Take and complete residents' appointments and 代办")
    MANAGE_DUTIES = "manage_duties", _("Keep the community duty list and admit tasks pushed down to the community")
    MANAGE_DELIBERATION = "manage_deliberation", _("Run deliberation: topics, meetings, votes, decisions and follow-through")


ROLE_LEVEL = {
    Role.CITY_ORG: Level.CITY,
    Role.DISTRICT_ORG: Level.DISTRICT,
    Role.STREET_CADRE: Level.STREET,
    Role.FIRST_SECRETARY: Level.COMMUNITY,
    Role.COMMUNITY_SECRETARY: Level.COMMUNITY,
    Role.COMMUNITY_CADRE: Level.COMMUNITY,
    Role.GRID_LEADER: Level.GRID,
    Role.GRID_WORKER: Level.GRID,
    Role.GRID_PART_TIME: Level.GRID,
    Role.BUILDING_HEAD: Level.BUILDING,
    Role.UNIT_HEAD: Level.BUILDING,
    Role.VOLUNTEER: Level.COMMUNITY,
}

# A granter may only grant roles whose rank is not above their own. The first secretary is sent by a
# district department, so it ranks above the community's own cadres.
ROLE_RANK = {
    Role.CITY_ORG: 120,
    Role.DISTRICT_ORG: 100,
    Role.STREET_CADRE: 80,
    Role.FIRST_SECRETARY: 65,
    Role.COMMUNITY_SECRETARY: 60,
    Role.COMMUNITY_CADRE: 55,
    Role.GRID_LEADER: 45,
    Role.GRID_WORKER: 40,
    Role.GRID_PART_TIME: 30,
    Role.BUILDING_HEAD: 20,
    Role.UNIT_HEAD: 15,
    Role.VOLUNTEER: 10,
}

# Pages of figures are for staff: building heads, unit heads and volunteers see the hierarchy only.
_STAFF = {
    Capability.VIEW_HIERARCHY,
    Capability.USE_BACK_OFFICE,
    Capability.VIEW_LEDGER,
    Capability.VIEW_REQUESTS,
    Capability.HANDLE_REQUESTS,
    Capability.VIEW_FIGURES,
    Capability.HANDLE_BOOKINGS,
}
# Those who oversee the district's work: audit, assessment, monthly reports and everyone's linkage duties.
_OVERSEERS = {Capability.VIEW_AUDIT, Capability.VIEW_OVERSIGHT, Capability.VIEW_LINKAGE}
# Those who run a community's work: its tree and people, volunteers, the three lists and joint meetings.
_ORGANISERS = {
    Capability.MANAGE_HIERARCHY,
    Capability.MANAGE_PEOPLE,
    Capability.MANAGE_VOLUNTEERS,
    Capability.MANAGE_LISTS,
    Capability.MANAGE_LINKAGE,
    Capability.VIEW_LINKAGE,
    Capability.EXPORT_LEDGER,
    Capability.DISPATCH_REQUESTS,
    Capability.MANAGE_CADRES,
    Capability.MANAGE_SERVICES,
    Capability.MANAGE_DUTIES,
    Capability.MANAGE_DELIBERATION,
}
_MANAGERS = _STAFF | _OVERSEERS | _ORGANISERS
# Those who know the households by name: the grid's workers and the community's cadres (PIPL: need to know).
_CARERS = {Capability.EDIT_LEDGER, Capability.VIEW_SENSITIVE, Capability.REVEAL_PERSONAL}

ROLE_CAPABILITIES = {
    # The city oversees and organises its districts like a district its streets; it never knows households by name (PIPL).
    Role.CITY_ORG: _MANAGERS | {Capability.VIEW_ACCESS_LOG, Capability.VIEW_VETTING},
    Role.DISTRICT_ORG: _MANAGERS | {Capability.VIEW_ACCESS_LOG, Capability.VIEW_VETTING},
    # The street oversees its communities' reveals and exports too.
    Role.STREET_CADRE: _MANAGERS | {Capability.VIEW_ACCESS_LOG, Capability.VIEW_VETTING},
    Role.FIRST_SECRETARY: _STAFF | _OVERSEERS | {Capability.DISPATCH_REQUESTS},
    Role.COMMUNITY_SECRETARY: _MANAGERS | _CARERS | {Capability.VIEW_VETTING},
    Role.COMMUNITY_CADRE: _STAFF | _CARERS | _ORGANISERS,
    Role.GRID_LEADER: _STAFF | _CARERS,
    Role.GRID_WORKER: _STAFF | _CARERS,
    Role.GRID_PART_TIME: _STAFF | {Capability.EDIT_LEDGER},
    Role.BUILDING_HEAD: {Capability.VIEW_HIERARCHY},
    Role.UNIT_HEAD: {Capability.VIEW_HIERARCHY},
    Role.VOLUNTEER: {Capability.VIEW_HIERARCHY},
}

# Roles a node can hold only once: one full-time worker and one leader per grid, one head per building.
SINGLE_HOLDER_ROLES = {Role.GRID_WORKER, Role.GRID_LEADER, Role.BUILDING_HEAD}
