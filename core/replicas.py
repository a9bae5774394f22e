"""Reads that may come from a replica (dashboards, figures, exports, monthly reports, the API's lists) go there when
DATABASE_REPLICA_URLS names replicas; everything else, every write, and every read just after the same browser wrote
(read-your-own-write: the page after a POST) stays on the primary.
"""

import contextvars
import functools
import random
from contextlib import contextmanager

from django.conf import settings

_replica_ok = contextvars.ContextVar("replica_ok", default=False)
WROTE_COOKIE = "wrote"
# How long after a write the same browser keeps reading from the primary: above any replica lag seen.
READ_OWN_WRITES_SECONDS = 10


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


@contextmanager
def replica_reads(request=None):
    """Inside, reads may go to a replica, unless this browser wrote moments ago."""
    token = _replica_ok.set(not (request is not None and request.COOKIES.get(WROTE_COOKIE)))
    try:
        yield
    finally:
        _replica_ok.reset(token)


def reads_from_replica(view):
    """A page whose reads may come from a replica (it writes nothing, and may lag by a second)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        with replica_reads(request):
            return view(request, *args, **kwargs)

    return wrapped


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        replicas = replica_aliases()
        return random.choice(replicas) if replicas and _replica_ok.get() else None

    def db_for_write(self, model, **hints):
        # Never None: Django would then write an object back where it was read from, which may be a read-only replica.
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # A replica holds the same rows as the primary: objects read from either relate freely.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class WroteMiddleware:
    """After any write request, the browser reads from the primary for a few seconds (it sees what it just did)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS") and replica_aliases():
            response.set_cookie(WROTE_COOKIE, "1", max_age=READ_OWN_WRITES_SECONDS, httponly=True, samesite="Lax", secure=request.is_secure())
        return response
