"""A per-client limit on the citizen tracking page: a sliding window of request times per address.

The page needs no login, so without a limit anyone could scrape it or hammer the database. Tokens are
too long to guess (version 2 is a 512-bit signature), so the limit is about load and scraping, not
secrecy. The client is the TCP peer: behind a reverse proxy every citizen shares the proxy's address,
so a province deploying one puts the limit in the proxy instead (docs/portal.md).
"""

from __future__ import annotations

import threading
import time
from collections import deque

WINDOW_SECONDS = 60.0
MAX_CLIENTS = 50_000  # addresses remembered at once; the oldest are forgotten first


class SlidingWindowLimiter:
    def __init__(self, per_minute: int, *, clock=time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> tuple[bool, int]:
        """(allowed?, seconds until the next request would be allowed)."""
        if self.per_minute <= 0:
            return True, 0
        now = self._clock()
        with self._lock:
            hits = self._hits.get(client)
            if hits is None:
                if len(self._hits) >= MAX_CLIENTS:
                    self._hits.pop(next(iter(self._hits)))
                hits = self._hits[client] = deque()
            while hits and now - hits[0] >= WINDOW_SECONDS:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return False, max(1, int(WINDOW_SECONDS - (now - hits[0])) + 1)
            hits.append(now)
            return True, 0
