"""The cache as pages use it: an accelerator they can do without, that makes a request wait for a broken server once.

Every caller already carries on without the cache when a call fails (badges count, dashboards compute, limits count in
memory). A frozen Redis fails a call only after its socket timeout, though, and a page makes several calls: after one
failure this process does not ask the cache for DOWN_SECONDS and fails at once instead.
"""

from django.core.cache import cache as django_cache

from core.breaker import Breaker

DOWN_SECONDS = 15.0
breaker = Breaker(DOWN_SECONDS)


class CacheUnavailable(Exception):
    """The cache failed a call within the last DOWN_SECONDS; it is not asked again until then."""


class _FailFastCache:
    def __getattr__(self, name):
        method = getattr(django_cache, name)

        def call(*args, **kwargs):
            if breaker.is_open:
                raise CacheUnavailable(f"cache down, not asked again for up to {DOWN_SECONDS:.0f} s")
            try:
                return method(*args, **kwargs)
            except ValueError:
                # incr of a missing key: an answer, not a failure of the server.
                raise
            except Exception:
                breaker.trip()
                raise

        return call


cache = _FailFastCache()
