"""Applying a pulled status change to the kiosk's dossier, with the echo rule (docs/counter-events.md)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from forms.counter import EVENT_STATUS
from kiosk.storage.models import CounterEvent, Dossier, OutboxEntry, PortalStatusEvent
from sync import wire

log = logging.getLogger(__name__)


def _sequence(cursor: str) -> int | None:
    """The portal's sequence number of a status change (its cursor); None for a cursor that is not a number."""
    return int(cursor) if cursor.isdigit() and len(cursor) < 19 else None


def _kiosk_event_awaits_echo(session: Any, dossier: Dossier) -> bool:
    """True while a kiosk event of the dossier that sets a status (hand-back, stop, result ready) is not voided, not
    rejected by the portal and not yet echoed: the counter has acted, and the echo, later in the portal's sequence
    than anything the portal did without knowing of it, will set the status. No clock is compared: a kiosk's clock
    may be wrong, the portal's sequence is not."""
    rejected = (
        select(OutboxEntry.id)
        .where(OutboxEntry.event_id == CounterEvent.id, OutboxEntry.state == "rejected")
        .exists()
    )
    waiting = session.scalar(
        select(CounterEvent.id).where(
            CounterEvent.dossier_id == dossier.id,
            CounterEvent.kind.in_(tuple(EVENT_STATUS)),
            CounterEvent.voided_at.is_(None),
            CounterEvent.echo_cursor.is_(None),
            ~rejected,
        ).limit(1)
    )
    return waiting is not None


def apply_change(session: Any, change: Any) -> int:
    """Record one pulled status change; make it the dossier's status unless a newer one is shown (the echo rule).

    Older is defined by the portal's sequence (the cursor): a change numbered below the status shown never
    replaces it, so a status pulled late (4 set before the kiosk's offline hand-back reached the portal) never
    overrides the echoed 10. A change that echoes no event, pulled while a kiosk event of the dossier waits for
    its echo, is history only: the counter acted, and the echo, sequenced after it, will set the status. A change always goes
    into the history (portal_status_event); an echo marks its event as echoed.
    """
    dossier = session.scalar(select(Dossier).where(Dossier.uuid == change.uuid)) if change.uuid else None
    if dossier is None and change.code:
        dossier = session.scalar(select(Dossier).where(Dossier.code == change.code))
    if dossier is None:
        log.warning("status change %s for a dossier this kiosk does not hold", change.cursor)
        return 0
    if change.status not in wire.PORTAL_STATUSES:
        log.warning("status change %s with unknown status %r ignored", change.cursor, change.status)
        return 0
    seen = session.scalar(
        select(PortalStatusEvent.id).where(PortalStatusEvent.dossier_id == dossier.id, PortalStatusEvent.cursor == change.cursor)
    )
    if seen is not None:
        return 0
    event_uuid = getattr(change, "event_uuid", None)
    missing = list(getattr(change, "missing", ()) or ()) or None
    session.add(PortalStatusEvent(
        dossier_id=dossier.id, status=change.status, note=change.note, at=change.at, cursor=change.cursor,
        event_uuid=event_uuid, event_kind=getattr(change, "event_kind", None), missing=missing,
    ))
    if event_uuid:
        echoed = session.scalar(select(CounterEvent).where(CounterEvent.uuid == event_uuid, CounterEvent.dossier_id == dossier.id))
        if echoed is not None and echoed.echo_cursor is None:
            echoed.echo_cursor = change.cursor
    sequence = _sequence(change.cursor)
    if sequence is not None and dossier.portal_status_cursor is not None and sequence < dossier.portal_status_cursor:
        log.info("status change %s for %s is older than the status shown (%s): history only", change.cursor, dossier.code, dossier.portal_status_cursor)
        return 1
    if not event_uuid and _kiosk_event_awaits_echo(session, dossier):
        log.info("status change %s for %s came before the echo of a kiosk event: history only", change.cursor, dossier.code)
        return 1
    dossier.portal_status = change.status
    dossier.portal_status_at = change.at
    dossier.portal_status_note = change.note
    dossier.portal_status_cursor = sequence
    return 1
