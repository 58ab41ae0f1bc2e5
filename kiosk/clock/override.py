"""The administrator's override of the clock floor: receiving goes on for a few hours on a clock known to be wrong
(no way to set it now, citizens waiting), recorded in the audit chain before it takes effect (docs/clock.md)."""

from __future__ import annotations

from datetime import datetime

from kiosk.clock import floor
from kiosk.errors import InputError
from kiosk.security import audit
from kiosk.storage.context import KioskContext

MAX_HOURS = 72  # an override is for a day's work while the clock is being fixed, not a way to switch the floor off


def allow_receiving(ctx: KioskContext, hours: float, actor: str, now: datetime | None = None) -> floor.ClockState:
    """Allow receiving for `hours` on this clock; the audit event is committed first, so no override goes unrecorded."""
    if not 0 < hours <= MAX_HOURS:
        raise InputError(f"Số giờ cho phép phải từ 1 đến {MAX_HOURS}.")
    now = now or ctx.now()
    state = floor.load(ctx.data.root)
    with ctx.transaction() as session:
        audit.record(session, actor, "clock.override", hours=hours, clock=now.isoformat(), floor=state.floor.isoformat(),
                     floor_source=state.source)
    return floor.allow(ctx.data.root, hours, actor, now)
