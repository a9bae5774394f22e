"""A fixed-window counter per key in the cache (Redis in production), for posts anyone may make without login.

When the cache is unreachable the count goes on in this process's memory for the same window: the limit degrades to
per-process (a little looser) instead of the post failing; nothing a resident sends is lost because Redis is down.
"""

import logging
import threading
import time

from core.cache import cache

logger = logging.getLogger(__name__)
HOUR = 3600
_local: dict[str, tuple[float, int]] = {}
_local_lock = threading.Lock()


def over_limit(key: str, limit: int, *, window: int = HOUR) -> bool:
    """Count one hit on `key` and say whether it now exceeds `limit` within the window that began with its first hit."""
    try:
        cache.add(key, 0, timeout=window)
        return cache.incr(key) > limit
    except ValueError:
        # The key expired between add and incr, so a new window begins: let this hit through rather than fail the post.
        return False
    except Exception:  # any cache failure (refused, timed out) falls back; the cause is logged
        logger.warning("Rate-limit cache unreachable; counting %s in process memory", key, exc_info=True)
        return _local_over_limit(key, limit, window)


def _local_over_limit(key: str, limit: int, window: int) -> bool:
    now = time.monotonic()
    with _local_lock:
        started, count = _local.get(key, (now, 0))
        if now - started >= window:
            started, count = now, 0
        _local[key] = (started, count + 1)
        # A bounded memory: windows that are over are dropped as new keys come.
        if len(_local) > 10_000:
            for stale in [k for k, (begun, _n) in _local.items() if now - begun >= window]:
                del _local[stale]
        return count + 1 > limit
