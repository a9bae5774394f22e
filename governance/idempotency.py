"""Page forms sent with an Idempotency-Key run once: the phone's offline queue may send a form again and again.

Security invariant: a key belongs to the logged-in user who sent it (another user's identical key is another key), and
only a post that succeeded (answered with a redirect, the pages' post/redirect/get) is remembered; a refused or failed
post leaves nothing, so sending it again runs it again. A key reused for another form is refused (422).
The API and Open311 keep their own keys (resident_requests.services.intake), so they are left alone here.
"""

import re
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import IdempotentPost

KEY_RE = re.compile(r"[\x21-\x7e]{1,100}")
KEEP_DAYS = 7
REPLAYED_HEADER = "Idempotent-Replayed"


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get("Idempotency-Key", "")
        user = getattr(request, "user", None)
        if request.method != "POST" or not key or user is None or not user.is_authenticated or request.path.startswith(("/api/", "/open311/")):
            return self.get_response(request)
        if not KEY_RE.fullmatch(key):
            return HttpResponse(_("An Idempotency-Key is 1 to 100 visible ASCII characters."), status=400, content_type="text/plain; charset=utf-8")
        with transaction.atomic():
            try:
                # A concurrent post with the same key waits here for the first to commit, then reads its answer.
                with transaction.atomic():
                    record = IdempotentPost.objects.create(user=user, key=key, path=request.path[:300])
            except IntegrityError:
                return replay(request, IdempotentPost.objects.get(user=user, key=key))
            response = self.get_response(request)
            if response.status_code in (301, 302, 303) and response.has_header("Location"):
                record.location = response["Location"][:500]
                record.save(update_fields=["location"])
            else:
                # Not done (a form error, a conflict): forget the key, keep whatever the view recorded (e.g. an access log).
                record.delete()
        return response


def replay(request, record: IdempotentPost) -> HttpResponse:
    if record.path != request.path[:300]:
        return HttpResponse(_("This Idempotency-Key was already used for another form."), status=422, content_type="text/plain; charset=utf-8")
    response = HttpResponseRedirect(record.location)
    response[REPLAYED_HEADER] = "true"
    return response


def idempotent_posts_purge(*, now=None) -> int:
    """Forget keys older than KEEP_DAYS: a phone replays its queue within hours, not weeks."""
    return IdempotentPost.objects.filter(created_at__lt=(now or timezone.now()) - timedelta(days=KEEP_DAYS)).delete()[0]
