"""Comparing the kiosk's clock with the portal's, and raising the clock floor only on answers a captive portal cannot give.

The health answer carries the portal's time but needs no credentials, so a captive portal or an impostor could
send any time. Its reading is therefore kept aside and recorded (kiosk/clock/floor.py `confirm`) only after the same
client got an authenticated answer from the portal (status changes, which need the kiosk's credentials and carry
the service marker) — never from an HTTP Date header (docs/clock.md).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Callable

from sqlalchemy import func, select

from kiosk.clock import floor
from kiosk.storage.context import KioskContext
from kiosk.storage.models import Dossier
from sync.client import PortalClient, parse_time

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def timed_health(client: PortalClient, clock: Clock) -> tuple[dict[str, Any], floor.PortalCheck | None]:
    """The health answer and the two clocks at the middle of its round trip (None when the portal gave no time)."""
    sent = clock()
    answer = client.health()
    received = clock()
    portal_time = parse_time(answer.get("time"))
    if portal_time is None:
        return answer, None
    return answer, floor.PortalCheck(portal_time=portal_time, kiosk_time=sent + (received - sent) / 2)


def record_confirmed(ctx: KioskContext, check: floor.PortalCheck | None) -> floor.ClockState | None:
    """Call after an authenticated answer from the same client: the reading becomes the latest trusted comparison."""
    if check is None:
        return None
    with ctx.read() as session:
        newest = session.scalar(select(func.max(Dossier.received_at)))
    state = floor.confirm(ctx.data.root, check, newest)
    if not check.confirmed:
        log.warning("kiosk clock is %.0f s off the portal's", check.skew_s)
    return state


def skew_message(check: floor.PortalCheck | None) -> str | None:
    """The status bar's line when the clock is more than 15 minutes off the portal's, else None."""
    if check is None or abs(check.skew_s) <= floor.SKEW_SHOWN_S:
        return None
    return floor.skew_text(check.skew_s)
