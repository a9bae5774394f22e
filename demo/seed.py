"""seed_demo's work: the district tree and its people, then each app's demo data on top, in one transaction."""

from demo.cadres import seed_cadres
from demo.community_services import seed_services
from demo.deliberation import seed_deliberation
from demo.duties import seed_duties
from demo.hierarchy import DISTRICT_CODE, DemoSeeder
from demo.households import seed_ledger
from demo.requests import seed_requests
from demo.volunteers import seed_volunteers
from governance.models import District

# In this order: requests and volunteers pick their residents from the households seeded first.
LATER_SEEDERS = (seed_ledger, seed_requests, seed_volunteers, seed_duties, seed_services, seed_deliberation, seed_cadres)


def demo_seed(*, scale: str, password: str, seed: int = 1, log=print) -> dict | None:
    """Load the demo district unless it is there already; a second run adds nothing."""
    if District.objects.filter(code=DISTRICT_CODE).exists():
        return None
    return DemoSeeder(scale=scale, password=password, seed=seed, log=log).run(later=LATER_SEEDERS)
