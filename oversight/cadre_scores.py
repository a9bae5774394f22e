"""The yearly assessment writes each grid worker's score and rank into their file (cadres), where promotions read it."""

from cadres.models import WorkerProfile
from cadres.services import yearly_score_record
from grids.models import Grid
from oversight.assessment import worker_scores


def worker_scores_record(*, actor, district, year: int) -> int:
    """Record the year's scored grid workers of the district who have a file; a re-run replaces the same rows."""
    rows = [row for row in worker_scores(Grid.objects.filter(district=district), year=year) if row["score"] is not None]
    profiles = {profile.user_id: profile for profile in WorkerProfile.objects.filter(user__in=[row["worker"] for row in rows]).select_related("community")}
    recorded = 0
    for row in rows:
        profile = profiles.get(row["worker"].pk)
        if profile is not None:
            yearly_score_record(actor=actor, profile=profile, year=year, score=row["score"], rank=row["rank"])
            recorded += 1
    return recorded
