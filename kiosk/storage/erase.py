"""The one step that clears a dossier's or a notice's personal data, in whichever database a session is open on.

Retention runs it on the live database (kiosk/dossier/retention.py), the backup scrub on a copy of each kept
backup (kiosk/storage/scrub.py), and a restore on the restored backup for every purge the purge ledger lists
(kiosk/storage/purge_ledger.py). It is written in SQL expressions over the tables, not through loaded objects, so
it runs the same on any schema from `PURGEABLE_FROM` on (every column it clears exists there) and leaves nothing
to an ORM's identity map. What it clears and what stays: docs/security.md ("Retention").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from forms.text import fold
from kiosk.storage.models import Attachment, CounterEvent, Dossier, OutboxEntry, PortalStatusEvent

# The oldest schema whose tables hold every column this step clears (0007 added counter events). A backup at an
# older schema (a copy kept before an upgrade) cannot be cleaned by it and is removed instead (scrub.py).
PURGEABLE_FROM = "0007"
CHUNK = 500  # codes per IN (…): well under SQLite's limit on bound parameters


def erase_dossier(session: Session, dossier_id: int, now: datetime) -> None:
    """Clear dossier `dossier_id`'s personal data; code, procedure, dates, statuses and checklist stay.

    Every revision of a purged dossier had reached the portal (retention waits for it), so an entry a copy still
    holds as unsent is marked delivered: it has no body left to send, and the portal already has it.
    """
    dossier, outbox = Dossier.__table__, OutboxEntry.__table__
    code = session.scalar(select(dossier.c.code).where(dossier.c.id == dossier_id))
    session.execute(
        update(dossier).where(dossier.c.id == dossier_id).values(
            values={}, submitter_name=None, submitter_id_number=None,
            search_key=fold(code or ""),  # the FTS index follows by trigger, with secure-delete (migration 0004)
            portal_status_note=None, void_reason=None, purged_at=now,
        )
    )
    session.execute(delete(Attachment.__table__).where(Attachment.__table__.c.dossier_id == dossier_id))
    # The canonical body held every personal field (its hash stays), and so did the snapshot it was built from.
    session.execute(update(outbox).where(outbox.c.dossier_id == dossier_id).values(payload=None, snapshot=None))
    session.execute(update(outbox).where(outbox.c.dossier_id == dossier_id, outbox.c.state != "delivered").values(state="delivered"))
    status_events = PortalStatusEvent.__table__
    session.execute(update(status_events).where(status_events.c.dossier_id == dossier_id).values(note=None))
    events = CounterEvent.__table__
    # A hand-back's receiver, a guidance notice's answers (docs/counter-events.md).
    session.execute(update(events).where(events.c.dossier_id == dossier_id).values(local=None))


def erase_notice(session: Session, event_id: int) -> None:
    """Clear what stays local of a guidance or refusal notice (the citizen's answers, name, ID number, note)."""
    events = CounterEvent.__table__
    session.execute(update(events).where(events.c.id == event_id).values(local=None))


def erase_listed(session: Session, codes: Iterable[str], notices: Iterable[tuple[str, str]], now: datetime) -> tuple[list[str], list[str]]:
    """Apply purges done elsewhere to this database: dossiers by code, standalone notices by (kind, number).

    Codes and notice numbers identify them across databases (row ids differ once a restore has carried rows).
    Only what still holds personal data is touched; returns the codes and notice numbers cleared here.
    """
    dossier, events = Dossier.__table__, CounterEvent.__table__
    cleared_codes: list[str] = []
    wanted = sorted(set(codes))
    for start in range(0, len(wanted), CHUNK):
        rows = session.execute(
            select(dossier.c.id, dossier.c.code).where(dossier.c.code.in_(wanted[start:start + CHUNK]), dossier.c.purged_at.is_(None))
        )
        for dossier_id, code in rows.all():
            erase_dossier(session, dossier_id, now)
            cleared_codes.append(code)
    cleared_notices: list[str] = []
    for kind, number in sorted(set(notices)):
        found = session.execute(select(events.c.id).where(
            events.c.kind == kind, events.c.notice_number == number, events.c.dossier_id.is_(None), _holds_local(events),
        )).scalars().all()
        for event_id in found:
            erase_notice(session, event_id)
            cleared_notices.append(number)
    return sorted(cleared_codes), cleared_notices


def pending(session: Session, codes: Iterable[str], notices: Iterable[tuple[str, str]]) -> bool:
    """Whether this database still holds personal data of a listed dossier or notice (what the scrub checks first)."""
    dossier, events = Dossier.__table__, CounterEvent.__table__
    wanted = sorted(set(codes))
    for start in range(0, len(wanted), CHUNK):
        if session.execute(select(dossier.c.id).where(dossier.c.code.in_(wanted[start:start + CHUNK]), dossier.c.purged_at.is_(None)).limit(1)).first():
            return True
    for kind, number in set(notices):
        if session.execute(select(events.c.id).where(events.c.kind == kind, events.c.notice_number == number, _holds_local(events)).limit(1)).first():
            return True
    return False


def _holds_local(events: Any) -> Any:
    return func.coalesce(func.json_type(events.c.local), "null") != "null"  # SQL NULL or JSON null: already cleared


def checkpoint(engine: Any) -> None:
    """Fold the WAL into the database file and truncate it, so the page images from before a purge do not linger there."""
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
