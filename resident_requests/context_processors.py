from django.utils.functional import SimpleLazyObject

from resident_requests.selectors import my_queue


def requests_waiting(request):
    """`waiting`: the badge on 我的诉求, what the user handles or may take now; one COUNT query when a page shows it."""

    def count() -> int:
        return my_queue(request.user).count() if request.user.is_authenticated else 0

    return {"waiting": SimpleLazyObject(count)}
