import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cadres.models import GradeStep, Post, WorkerProfile, YearlyScore
from tests import factories as f


@pytest.fixture
def team(user):
    """The world's files of community1's secretary and grid1's worker, and new ones for grid3's worker (community2) and
    cs003 (光明社区, the other street);
    the district's ladder has grade 2 for grid workers (3 years, 80 points), and grid1 scored 88 last year."""
    grid1, grid3 = (user(name).memberships.get().grid for name in ("grid1", "grid3"))
    community1 = grid1.community
    profiles = {
        "community1": WorkerProfile.objects.get(user=user("community1")),
        "grid1": WorkerProfile.objects.get(user=user("grid1")),
        "grid3": f.WorkerProfileFactory(user=user("grid3"), community=grid3.community, grid=grid3, post=Post.GRID_WORKER),
        "cs003": f.WorkerProfileFactory(user=user("cs003"), community=user("cs003").memberships.get().community, post=Post.SECRETARY),
    }
    GradeStep.objects.create(district=community1.district, post=Post.GRID_WORKER, grade=2, pay_step=4200, min_years=3, min_score=Decimal(80))
    YearlyScore.objects.create(profile=profiles["grid1"], year=timezone.localdate().year - 1, score=Decimal("88.0"), rank=1)
    return profiles


@pytest.fixture
def yesterday():
    return timezone.localdate() - dt.timedelta(days=1)
