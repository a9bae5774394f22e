"""The header's badge numbers (unread notifications, requests waiting) are on every page: each is counted at most
once every BADGE_CACHE_SECONDS per person and kept in the cache, and forgotten at once when the person's own action
changes it (reading a notification). Without a cache the number is counted, as before."""

import logging

from django.conf import settings

from core.cache import cache

logger = logging.getLogger(__name__)


def badge_count(key: str, count) -> int:
    seconds = settings.BADGE_CACHE_SECONDS
    if seconds <= 0:
        return count()
    try:
        value = cache.get(key)
    except Exception:  # the cache is down: count, as without one
        logger.warning("Badge cache unreachable", exc_info=True)
        return count()
    if value is None:
        value = count()
        try:
            cache.set(key, value, seconds)
        except Exception:  # as above
            logger.warning("Badge cache unreachable", exc_info=True)
    return value


def badge_forget(*keys: str) -> None:
    try:
        cache.delete_many(keys)
    except Exception:  # as above: the number is at most BADGE_CACHE_SECONDS old
        logger.warning("Badge cache unreachable", exc_info=True)


def unread_key(user_id: int) -> str:
    return f"badge:unread:{user_id}"


def waiting_key(user_id: int) -> str:
    return f"badge:waiting:{user_id}"
