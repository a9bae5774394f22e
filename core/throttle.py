"""A fixed-window counter per key in the cache (Redis in production), for posts anyone may make without login."""

from django.core.cache import cache

HOUR = 3600


def over_limit(key: str, limit: int, *, window: int = HOUR) -> bool:
    """Count one hit on `key` and say whether it now exceeds `limit` within the window that began with its first hit."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key) > limit
    except ValueError:
        # The key expired between add and incr, so a new window begins: let this hit through rather than fail the post.
        return False
