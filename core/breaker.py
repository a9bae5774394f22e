"""A dependency that failed is left alone for a while: a frozen server then costs one request its socket timeout, not
every request."""

import time


class Breaker:
    """Open for `seconds` after a failure in this process; callers skip the dependency while it is open."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._until = 0.0

    @property
    def is_open(self) -> bool:
        return time.monotonic() < self._until

    def reset(self) -> None:
        self._until = 0.0

    def trip(self) -> None:
        # Concurrent requests may both trip it; either deadline is right.
        self._until = time.monotonic() + self.seconds
