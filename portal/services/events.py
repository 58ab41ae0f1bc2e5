"""Counter events (docs/counter-events.md): each uuid stored exactly once, and the status an event implies.

A result-ready, stop or hand-back event sets the dossier's status (9, 7, 10) through a status change that
names the event, which the kiosk pulls as the echo of its own event; a hand-back void puts back the status
the dossier had before that hand-back. Guidance and refusal notices have no dossier: they are stored for the
reports. No body holds personal data.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from forms.counter import EVENT_STATUS
from portal.db import iso, utcnow
from portal.models import CounterEvent, Dossier, EventDelivery, Kiosk
from portal.schemas import EventBody
from portal.services.outcomes import Outcome
from portal.services.receipt_keys import kiosk_unit_ids
from portal.services.status_changes import record_change
from sync import wire

log = logging.getLogger("portal.service")  # one name for the whole layer: see portal/services/__init__.py

RESULT_READY = 9  # what a voided hand-back goes back to when the portal had no status before it


def parse_time(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed.astimezone(timezone.utc)


def _ack(event: CounterEvent, code: str) -> dict[str, Any]:
    return {
        "ack": {
            "uuid": event.uuid,
            "body_sha256": event.body_sha256,
            "code": code,
            "portal_received_at": iso(event.portal_received_at),
            "status_change": str(event.status_change_id) if event.status_change_id is not None else None,
        }
    }


def put_event(session: Session, kiosk: Kiosk, raw: bytes, body: EventBody, *, sent_at: str | None = None, attempt: str | None = None) -> Outcome:
    """Store one event exactly once (same uuid and bytes: the first ack again; other bytes: 409) and apply its status."""
    now = utcnow()
    digest = wire.body_sha256(raw)
    uuid = body.uuid.lower()

    def answer(outcome: str, status: int, payload: dict[str, Any]) -> Outcome:
        session.add(EventDelivery(
            event_uuid=uuid, body_sha256=digest, kiosk_id=kiosk.id, outcome=outcome, http_status=status,
            portal_received_at=now, kiosk_sent_at_raw=(sent_at or "")[:64], attempt_raw=(attempt or "")[:16],
        ))
        return Outcome(status, payload)

    forbidden = {"error": "forbidden", "message": "this event belongs to another kiosk"}
    units = kiosk_unit_ids(session, kiosk)
    if body.unit_id not in units or body.kiosk_number != kiosk.kiosk_number:
        log.warning("event %s: unit/kiosk number in the body differ from kiosk %s's enrolment", uuid, kiosk.id)
        return answer("forbidden", 403, forbidden)
    existing = session.get(CounterEvent, uuid)
    if existing is not None:
        if existing.body_sha256 == digest:
            return answer("repeat", 200, _ack(existing, body.code or ""))
        log.warning("conflict: event %s from kiosk %s: body sha256 %s differs from the one held; refused", uuid, kiosk.id, digest)
        return answer("conflict", 409, {"error": "conflict", "reason": "body_differs", "message": "a different body is held for this event"})
    dossier = None
    if body.dossier_uuid is not None:
        dossier = session.get(Dossier, body.dossier_uuid.lower())
        if dossier is None:
            return answer("unknown_dossier", 409, {"error": "unknown_dossier", "message": "the event's dossier is not held"})
        if dossier.unit_id not in units or dossier.kiosk_number != kiosk.kiosk_number or (body.code and dossier.code != body.code):
            log.warning("event %s: kiosk %s named a dossier that is not its own", uuid, kiosk.id)
            return answer("forbidden", 403, forbidden)
    elif body.kind not in ("guidance", "refusal"):
        return answer("invalid", 422, {"error": "invalid", "detail": f"dossier_uuid: a {body.kind} event names its dossier"})
    event = CounterEvent(
        uuid=uuid, kind=body.kind, unit_id=body.unit_id, kiosk_number=body.kiosk_number, kiosk_id=kiosk.id,
        dossier_uuid=dossier.uuid if dossier is not None else None, notice_number=body.notice_number,
        at=parse_time(body.at), body=raw, body_sha256=digest, portal_received_at=now,
    )
    session.add(event)
    if dossier is not None:
        _apply_status(session, dossier, event, body)
    session.flush()
    log.info("event %s (%s%s) received from kiosk %s", uuid, body.kind, f" {dossier.code}" if dossier else "", kiosk.id)
    return answer("created", 201, _ack(event, dossier.code if dossier is not None else ""))


def _apply_status(session: Session, dossier: Dossier, event: CounterEvent, body: EventBody) -> None:
    """Record the status the event implies, as a change that names it (the kiosk's echo)."""
    status: int | None = EVENT_STATUS.get(body.kind)
    if body.kind == "hand_back_void":
        voided = session.get(CounterEvent, str(body.details.get("voids") or "").lower())
        if voided is None or voided.kind != "hand_back" or voided.dossier_uuid != dossier.uuid or voided.voided_by:
            log.warning("event %s voids %r, which is not a live hand-back of %s: stored, no status", event.uuid, body.details.get("voids"), dossier.code)
            return
        voided.voided_by = event.uuid
        status = voided.status_before or RESULT_READY
    if status is None:
        return
    event.status_before = dossier.status
    change = record_change(session, dossier, status, event_uuid=event.uuid, event_kind=body.kind)
    event.status_change_id = change.id


def handed_back(session: Session) -> dict[str, str | None]:
    """dossier uuid → the time (kiosk's clock) of its live hand-back, for the listings."""
    rows = session.execute(
        select(CounterEvent.dossier_uuid, CounterEvent.at).where(CounterEvent.kind == "hand_back", CounterEvent.voided_by.is_(None))
    ).all()
    return {uuid: iso(at) for uuid, at in rows if uuid}


def event_summary(event: CounterEvent) -> dict[str, Any]:
    """A listing row: kind, numbers, times and what the body says (no personal data in it)."""
    try:
        details = json.loads(event.body).get("details") or {}
    except (ValueError, AttributeError):
        details = {}
    return {
        "uuid": event.uuid, "kind": event.kind, "dossier_uuid": event.dossier_uuid, "notice_number": event.notice_number,
        "at": iso(event.at), "portal_received_at": iso(event.portal_received_at), "kiosk_id": event.kiosk_id,
        "status_change": str(event.status_change_id) if event.status_change_id is not None else None,
        "voided_by": event.voided_by, "details": details,
    }


def list_events(session: Session, kind: str | None = None) -> list[dict[str, Any]]:
    """Every event held, in the order received, with how many times it was delivered (the exactly-once audit)."""
    from sqlalchemy import func

    query = select(CounterEvent).order_by(CounterEvent.portal_received_at, CounterEvent.uuid)
    if kind:
        query = query.where(CounterEvent.kind == kind)
    deliveries: dict[str, dict[str, int]] = {}
    for uuid, outcome, count in session.execute(
        select(EventDelivery.event_uuid, EventDelivery.outcome, func.count()).group_by(EventDelivery.event_uuid, EventDelivery.outcome)
    ):
        deliveries.setdefault(uuid, {})[outcome] = count
    return [
        {**event_summary(e), "deliveries": sum(deliveries.get(e.uuid, {}).values()), "outcomes": deliveries.get(e.uuid, {})}
        for e in session.scalars(query)
    ]
