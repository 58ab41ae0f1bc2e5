"""Counter events (docs/counter-events.md): the one writer that notices, hand-backs and ratings share, and queries.

Every event is written the same way, in the caller's transaction: the `counter_event` row (with a notice
number for the printed kinds, allocated like dossier codes), an outbox entry that sends it to the portal
exactly once (the dossier revisions' state machine, `sync/outbox.py`), and an audit event. The row's
`body` is what the portal gets, taken now as the revision snapshot is (`kiosk/dossier/revisions.py`):
procedure, items or reason, numbers, the officer and the time, never a citizen's name, ID number or phone;
those, and the answers typed so far of a guidance notice, stay in `local`.
"""

from __future__ import annotations

import uuid as uuid_module
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from forms.counter import NUMBERED_KINDS
from kiosk.dossier.codes import allocate_notice_number
from kiosk.dossier.revisions import iso_utc
from kiosk.errors import InputError
from kiosk.security import audit
from kiosk.security.officers import OfficerRef
from kiosk.storage.models import CounterEvent, Dossier, OutboxEntry
from kiosk.storage.settings import SiteSettings

EVENT_BODY_VERSION = 1  # the "version" key of a stored body; the wire body (sync.wire.event_body) has its own "format"
RECEIVED = ("submitted", "amended")  # a dossier the counter has received and not voided


@dataclass(frozen=True)
class EventResult:
    """What a recording function returns: enough to print the notice and to show it in a list."""

    uuid: str
    kind: str
    notice_number: str | None
    at: datetime
    code: str | None


def find_received(session: Session, code: str) -> Dossier:
    """The received dossier with this code, or an InputError in Vietnamese."""
    dossier = session.scalar(select(Dossier).where(Dossier.code == code.strip().upper()))
    if dossier is None:
        raise InputError(f"Không tìm thấy hồ sơ {code.strip()}.")
    if dossier.lifecycle not in RECEIVED:
        raise InputError(f"Hồ sơ {dossier.code} đã hủy hoặc chưa được tiếp nhận.")
    return dossier


def clean_text(value: str | None, label: str, *, limit: int = 1000, required: bool = True) -> str:
    """A typed text trimmed; an InputError naming `label` when it is required and empty or too long."""
    text = " ".join((value or "").split())
    if required and not text:
        raise InputError(f"Hãy nhập {label}.")
    if len(text) > limit:
        raise InputError(f"{label[:1].upper()}{label[1:]} tối đa {limit} ký tự.")
    return text


def write_event(
    session: Session,
    settings: SiteSettings,
    *,
    kind: str,
    at: datetime,
    officer: OfficerRef | None,
    details: Mapping[str, Any],
    dossier: Dossier | None = None,
    local: Mapping[str, Any] | None = None,
) -> CounterEvent:
    """Write one event with its notice number, outbox entry and audit event, after the caller's own checks."""
    number = allocate_notice_number(session, kind, settings.kiosk_number, at) if kind in NUMBERED_KINDS else None
    event = CounterEvent(
        uuid=str(uuid_module.uuid4()),
        kind=kind,
        dossier_id=dossier.id if dossier is not None else None,
        notice_number=number,
        officer_id=officer.id if officer is not None else None,
        at=at,
        local=dict(local) if local else None,
    )
    event.body = {
        "version": EVENT_BODY_VERSION,
        "uuid": event.uuid,
        "kind": kind,
        "unit_id": settings.unit_id,
        "kiosk_number": settings.kiosk_number,
        "at": iso_utc(at),
        "officer": officer.username if officer is not None else "",  # a rating names no officer
        "dossier_uuid": dossier.uuid if dossier is not None else None,
        "code": dossier.code if dossier is not None else None,
        "notice_number": number,
        "details": dict(details),
    }
    session.add(event)
    session.flush()
    session.add(OutboxEntry(event_id=event.id, state="queued", created_at=at, updated_at=at))
    audit.record(
        session,
        officer.username if officer is not None else "citizen",
        f"counter.{kind}",
        dossier_id=dossier.id if dossier is not None else None,
        event=event.uuid,
        **({"notice_number": number} if number else {}),
        **({"code": dossier.code} if dossier is not None else {}),
    )
    return event


def result_of(event: CounterEvent) -> EventResult:
    return EventResult(event.uuid, event.kind, event.notice_number, event.at, event.body.get("code"))


def latest_event(session: Session, dossier: Dossier, kind: str, *, include_voided: bool = False) -> CounterEvent | None:
    query = select(CounterEvent).where(CounterEvent.dossier_id == dossier.id, CounterEvent.kind == kind)
    if not include_voided:
        query = query.where(CounterEvent.voided_at.is_(None))
    return session.scalars(query.order_by(CounterEvent.at.desc(), CounterEvent.id.desc()).limit(1)).first()


# --- queries for the lists, logbook and reports of the next round, and `kiosk-admin dossiers --json` --------


@dataclass(frozen=True)
class EventView:
    """One event as a list shows it (no personal data: `local` is read only by the printed notices)."""

    uuid: str
    kind: str
    code: str | None
    notice_number: str | None
    at: datetime
    officer: str
    details: dict[str, Any]
    voided_at: datetime | None
    void_reason: str | None
    echo_cursor: str | None
    delivered: bool


def _view(event: CounterEvent, state: str | None) -> EventView:
    return EventView(
        event.uuid, event.kind, event.body.get("code"), event.notice_number, event.at, event.body.get("officer") or "",
        dict(event.body.get("details") or {}), event.voided_at, event.void_reason, event.echo_cursor, state == "delivered",
    )


def events(
    session: Session, *, kinds: tuple[str, ...] = (), start: datetime | None = None, end: datetime | None = None, code: str | None = None
) -> list[EventView]:
    """Events oldest first, filtered by kind, by time (`start` ≤ at < `end`) and by dossier code."""
    query = select(CounterEvent, OutboxEntry.state).outerjoin(OutboxEntry, OutboxEntry.event_id == CounterEvent.id)
    if kinds:
        query = query.where(CounterEvent.kind.in_(kinds))
    if start is not None:
        query = query.where(CounterEvent.at >= start)
    if end is not None:
        query = query.where(CounterEvent.at < end)
    if code is not None:
        query = query.join(Dossier, Dossier.id == CounterEvent.dossier_id).where(Dossier.code == code.strip().upper())
    return [_view(e, state) for e, state in session.execute(query.order_by(CounterEvent.at, CounterEvent.id))]


_SUMMED_KINDS = ("hand_back", "stop", "rating")


def _summary(result_ready_at: datetime | None, events: list[CounterEvent]) -> dict[str, Any]:
    """A dossier's hand-back, stop and ratings from its events of those kinds, ordered by (at, id)."""
    live = [e for e in events if e.voided_at is None]
    handed = next((e for e in reversed(live) if e.kind == "hand_back"), None)  # the latest, as latest_event picks it
    stopped = next((e for e in reversed(live) if e.kind == "stop"), None)
    ratings = sorted((e for e in events if e.kind == "rating"), key=lambda e: e.id)
    return {
        "result_ready_at": iso_utc(result_ready_at) or None,
        "hand_back": None if handed is None else {
            "at": iso_utc(handed.at), "notice_number": handed.notice_number, **(handed.body.get("details") or {}),
            "echoed": handed.echo_cursor is not None,
        },
        "stop": None if stopped is None else {
            "at": iso_utc(stopped.at), "notice_number": stopped.notice_number, "reason": stopped.body["details"].get("reason"),
            "echoed": stopped.echo_cursor is not None,
        },
        "ratings": [{"at": iso_utc(r.at), **(r.body.get("details") or {})} for r in ratings],
    }


def _summaries(session: Session, dossiers: list[tuple[int, datetime | None]]) -> dict[int, dict[str, Any]]:
    """`_summary` of each (dossier id, result_ready_at), with one query for all their events (not three per dossier)."""
    events: dict[int, list[CounterEvent]] = {dossier_id: [] for dossier_id, _ in dossiers}
    if events:
        query = select(CounterEvent).where(CounterEvent.dossier_id.in_(list(events)), CounterEvent.kind.in_(_SUMMED_KINDS))
        for event in session.scalars(query.order_by(CounterEvent.at, CounterEvent.id)):
            events[event.dossier_id].append(event)
    return {dossier_id: _summary(ready, events[dossier_id]) for dossier_id, ready in dossiers}


def counter_summary(session: Session, dossier: Dossier) -> dict[str, Any]:
    """What `kiosk-admin dossiers --json` adds to a dossier: its hand-back, stop and ratings (no personal data)."""
    return _summaries(session, [(dossier.id, dossier.result_ready_at)])[dossier.id]


def counter_summaries(session: Session, codes: list[str]) -> dict[str, dict[str, Any]]:
    """`counter_summary` of each dossier among `codes` (drafts have none)."""
    query = select(Dossier.id, Dossier.code, Dossier.result_ready_at).where(Dossier.code.in_([c for c in codes if c]))
    found = [(dossier_id, code, ready) for dossier_id, code, ready in session.execute(query) if code]
    summaries = _summaries(session, [(dossier_id, ready) for dossier_id, _, ready in found])
    return {code: summaries[dossier_id] for dossier_id, code, _ in found}
