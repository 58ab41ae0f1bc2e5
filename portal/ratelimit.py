"""A per-client limit on the citizen tracking page, counted in the database so every worker shares it.

The page needs no login, so without a limit anyone could scrape it or hammer the database. Tokens are
too long to guess (version 2 is a 512-bit signature), so the limit is about load and scraping, not
secrecy. The client is the TCP peer, or the address a trusted proxy passes on (`--forwarded-allow-ips`).

Several workers (`kiosk-portal serve --workers N`, possibly on several machines) answer one portal, so the
count cannot live in a process's memory: a client spreading its requests over N workers would get N times
the limit. Each client has one row in `tracking_hits`: the start of its window (opened by its first request,
one minute long) and the requests in it. One `INSERT … ON CONFLICT … DO UPDATE … RETURNING` statement opens
or continues the window and counts the request, atomically on SQLite (3.35+) and PostgreSQL alike: two
workers counting the same client at once are serialised on that row. Rows whose window ended are deleted
by one indexed DELETE, at most once a minute per worker.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable

from sqlalchemy import delete, text

from portal.db import Database
from portal.models import TrackingHits

WINDOW_MS = 60_000

# The window restarts when the one held has ended; otherwise the request is counted in it.
_COUNT = text(
    "INSERT INTO tracking_hits (client, window_start_ms, hits) VALUES (:client, :now, 1) "
    "ON CONFLICT (client) DO UPDATE SET "
    "window_start_ms = CASE WHEN tracking_hits.window_start_ms <= :expired THEN :now ELSE tracking_hits.window_start_ms END, "
    "hits = CASE WHEN tracking_hits.window_start_ms <= :expired THEN 1 ELSE tracking_hits.hits + 1 END "
    "RETURNING hits, window_start_ms"
)


def client_key(address: str) -> str:
    """What the table keeps of an address: its SHA-256 (see portal.models.TrackingHits)."""
    return hashlib.sha256(address.encode("utf-8")).hexdigest()


class TrackingLimiter:
    """At most `per_minute` requests per client in a window of one minute from its first request (0 = no limit)."""

    def __init__(self, db: Database, per_minute: int, *, clock: Callable[[], float] = time.time) -> None:
        self.per_minute = per_minute
        self._db = db
        self._clock = clock
        self._pruned_minute = -1  # this worker's last pruning: an optimisation only, the count is in the database

    def allow(self, client: str) -> tuple[bool, int]:
        """(allowed?, seconds until the next request would be allowed)."""
        if self.per_minute <= 0:
            return True, 0
        now = int(self._clock() * 1000)
        with self._db.transaction() as session:
            hits, start = session.execute(_COUNT, {"client": client_key(client), "now": now, "expired": now - WINDOW_MS}).one()
            minute = now // WINDOW_MS
            if minute != self._pruned_minute:
                self._pruned_minute = minute
                session.execute(delete(TrackingHits).where(TrackingHits.window_start_ms <= now - WINDOW_MS))
        if hits <= self.per_minute:
            return True, 0
        return False, max(1, math.ceil((start + WINDOW_MS - now) / 1000))
