"""When the sync loop looks for the portal next (docs/clock.md, "Coming back after a cut").

After a pass the network stopped (refused, reset, timeout, a page that is not the portal's), the loop probes the
portal's health every 2–3 s and starts a pass 0–5 s after the first real health answer: a dossier leaves within
seconds of the link coming back, and kiosks cut together do not return as one herd. After an answer from the
portal (5xx, 429, a bad answer) nothing changes: the outbox's full-jitter back-off spaces the retries and the loop
keeps its ordinary interval. Pure: the caller passes the time and the random source, so tests use a fake clock.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from sync.errors import NotThePortal, PortalError, PortalTimeout, TLSFailure, Unreachable

PROBE_EVERY_S = (2.0, 3.0)
START_JITTER_S = (0.0, 5.0)


def is_network_failure(exc: PortalError) -> bool:
    """The network failed, not the portal: no answer, or an answer that is not the portal's (a captive page).

    A TLS failure is excluded: probing cannot fix an untrusted certificate or a wrong clock."""
    return isinstance(exc, (Unreachable, PortalTimeout, NotThePortal)) and not isinstance(exc, TLSFailure)


@dataclass(frozen=True)
class Step:
    """The loop's next action: "probe" (health only) or "pass" (a sync pass), at time `at` (seconds, the caller's clock)."""

    action: str
    at: float


class Reconnect:
    """Decides the loop's next step from what the last pass or probe found."""

    def __init__(self, interval_s: float, jitter: float = 0.5, rng: random.Random | None = None) -> None:
        self.interval_s = interval_s
        self.jitter = jitter
        self.rng = rng or random.Random()

    def ordinary(self, now: float) -> Step:
        """The ordinary wait, drawn from [1 − jitter, 1 + jitter] × the interval so kiosks drift apart."""
        return Step("pass", now + self.interval_s * self.rng.uniform(1 - self.jitter, 1 + self.jitter))

    def after_pass(self, report: Any, now: float) -> Step:
        if getattr(report, "network_failure", False):
            return self.probe(now)
        return self.ordinary(now)

    def probe(self, now: float) -> Step:
        return Step("probe", now + self.rng.uniform(*PROBE_EVERY_S))

    def after_probe(self, answered: bool, now: float, took: float = 0.0) -> Step:
        """`answered`: the real portal's health answer (sync.engine.probe); else keep probing.

        `took`: how long the probe itself ran. Probes *start* 2–3 s apart: one that waited out its timeout on a
        dead link does not push the next one back (sync.engine.PROBE_TIMEOUT keeps that wait under 3 s)."""
        if answered:
            return Step("pass", now + self.rng.uniform(*START_JITTER_S))
        return Step("probe", now + max(0.0, self.rng.uniform(*PROBE_EVERY_S) - took))
