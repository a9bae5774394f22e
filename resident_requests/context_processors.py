from django.utils.functional import SimpleLazyObject

from core.badges import badge_count, waiting_key
from governance.roles import Capability
from governance.scope import scope_for
from resident_requests.selectors import my_queue


def requests_waiting(request):
    """`waiting`: the badge on 我的诉求, what the user handles or may take now; one COUNT query when a page shows it."""

    def count() -> int:
        # Only those who handle requests have a queue: nobody else pays for the COUNT.
        if scope_for(request.user, Capability.HANDLE_REQUESTS).is_empty:
            return 0
        return badge_count(waiting_key(request.user.pk), lambda: my_queue(request.user).count())

    return {"waiting": SimpleLazyObject(count)}
