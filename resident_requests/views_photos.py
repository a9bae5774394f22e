"""A request's photos, served after the same check as the request page (staff) or the status page (resident)."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404

from core.files import file_response
from governance.scope import get_in_scope_or_404
from resident_requests import selectors

VARIANTS = {"full": "image", "thumb": "thumbnail"}


def photo_file(photos, photo_pk: int, variant: str):
    if variant not in VARIANTS:
        raise Http404
    return file_response(getattr(get_in_scope_or_404(photos, pk=photo_pk), VARIANTS[variant]))


def photo(request, pk, photo_pk, variant):
    """Whoever may open the request page (its area's staff, its handler) sees all its photos."""
    return photo_file(selectors.request_get_for(request.user, pk).photos.all(), photo_pk, variant)


@login_not_required
def public_photo(request, code, photo_pk, variant):
    """The resident, holding the tracking code, sees their request's photos: what they sent and the result; nothing else."""
    req = selectors.request_by_tracking_code(code)
    if req is None:
        raise Http404
    return photo_file(req.photos.all(), photo_pk, variant)
