"""The dossiers held, for the back office: finding one by code or UUID, and listings without personal data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forms import statuses
from portal.db import iso
from portal.models import CounterEvent, Delivery, Dossier
from portal.services.catalogue import procedure_name


def find_dossier(session: Session, code_or_uuid: str) -> Dossier | None:
    key = code_or_uuid.strip()
    for candidate in dict.fromkeys((key, key.upper())):
        found = session.scalars(select(Dossier).where(Dossier.code == candidate)).first()
        if found is not None:
            return found
    return session.get(Dossier, key.lower())


def dossier_summary(dossier: Dossier) -> dict[str, Any]:
    """A listing row: codes, numbers and times only (no personal data)."""
    first = dossier.revisions[0] if dossier.revisions else None
    return {
        "uuid": dossier.uuid,
        "code": dossier.code,
        "revision": dossier.revision,
        "revisions": [
            {
                "revision": r.revision,
                "body_sha256": r.body_sha256,
                "portal_received_at": iso(r.portal_received_at),
                "kiosk_sent_at": r.kiosk_sent_at_raw or None,
                "attempt": r.attempt,
                "kiosk_id": r.kiosk_id,
            }
            for r in dossier.revisions
        ],
        "procedure_code": dossier.procedure_code,
        "procedure_version": dossier.procedure_version,
        "procedure_name": procedure_name(dossier.procedure_code, dossier.procedure_version),
        "unit_id": dossier.unit_id,
        "kiosk_number": dossier.kiosk_number,
        "kiosk_id": dossier.kiosk_id,
        "received_at": iso(dossier.received_at),
        "appointment_date": dossier.appointment_date,
        "appointment_time": dossier.appointment_time,
        "status": dossier.status,
        "status_label": statuses.label(dossier.status) if dossier.status else None,
        "status_at": iso(dossier.status_at),
        "portal_received_at": iso(first.portal_received_at) if first else None,
        "updated_at": iso(dossier.updated_at),
        "attachments": sorted({a["sha256"] for r in dossier.revisions[-1:] for a in _attachments_of(r.body)}),
        "fee": _fee_of(dossier.revisions[-1].body) if dossier.revisions else None,
    }


def _fee_of(raw: bytes) -> dict[str, Any] | None:
    """The newest revision's fee (docs/fees.md): amounts, exemption and table, never personal data."""
    import json

    try:
        fee = json.loads(raw).get("fee")
    except (ValueError, AttributeError):
        return None
    return fee if isinstance(fee, dict) else None


def _attachments_of(raw: bytes) -> list[dict[str, Any]]:
    import json

    try:
        found = json.loads(raw).get("attachments") or []
    except (ValueError, AttributeError):
        return []
    return [a for a in found if isinstance(a, dict) and isinstance(a.get("sha256"), str)]


def list_dossiers(session: Session, limit: int | None = None) -> list[dict[str, Any]]:
    query = select(Dossier).order_by(Dossier.created_at, Dossier.code)
    if limit:
        query = query.limit(limit)
    deliveries = dict(session.execute(select(Delivery.dossier_uuid, func.count()).group_by(Delivery.dossier_uuid)).all())
    from portal.services.events import event_summary, handed_back  # here: events records status changes, which find dossiers here

    handed = handed_back(session)
    held = session.scalars(select(CounterEvent).where(CounterEvent.dossier_uuid.is_not(None)).order_by(CounterEvent.portal_received_at)).all()
    events: dict[str, list[dict[str, Any]]] = {}
    for event in held:
        events.setdefault(event.dossier_uuid or "", []).append(event_summary(event))
    return [
        {**dossier_summary(d), "deliveries": deliveries.get(d.uuid, 0), "handed_back_at": handed.get(d.uuid), "events": events.get(d.uuid, [])}
        for d in session.scalars(query)
    ]
