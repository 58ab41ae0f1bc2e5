"""Dossier revisions: each (uuid, revision) stored exactly once, however often a kiosk delivers it."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.db import iso, utcnow
from portal.models import Delivery, Dossier, DossierRevision, Kiosk
from portal.schemas import DossierBody
from portal.services.outcomes import Outcome, RaceLost
from portal.storage import FileStore
from portal.services.receipt_keys import kiosk_unit_ids
from sync import wire

log = logging.getLogger("portal.service")  # one name for the whole layer: see portal/services/__init__.py


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed.astimezone(timezone.utc)


def _parse_attempt(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


def _ack(revision: DossierRevision, code: str) -> dict[str, Any]:
    return {
        "ack": {
            "uuid": revision.dossier_uuid,
            "revision": revision.revision,
            "body_sha256": revision.body_sha256,
            "code": code,
            "portal_received_at": iso(revision.portal_received_at),
        }
    }


def put_revision(
    session: Session,
    store: FileStore,
    kiosk: Kiosk,
    raw: bytes,
    body: DossierBody,
    *,
    sent_at: str | None = None,
    attempt: str | None = None,
    app_version: str | None = None,
) -> Outcome:
    """Store one revision exactly once (idempotent by uuid and revision; docs/sync-protocol.md)."""
    now = utcnow()
    digest = wire.body_sha256(raw)
    uuid = body.uuid.lower()
    sent_at_raw = (sent_at or "")[:64]
    attempt_raw = (attempt or "")[:16]

    def answer(outcome: str, status: int, payload: dict[str, Any]) -> Outcome:
        session.add(
            Delivery(
                dossier_uuid=uuid,
                revision=body.revision,
                body_sha256=digest,
                kiosk_id=kiosk.id,
                outcome=outcome,
                http_status=status,
                portal_received_at=now,
                kiosk_sent_at_raw=sent_at_raw,
                attempt_raw=attempt_raw,
            )
        )
        return Outcome(status, payload)

    forbidden = {"error": "forbidden", "message": "this dossier belongs to another kiosk"}
    units = kiosk_unit_ids(session, kiosk)  # the enrolment's identifier and a re-issued one (unit aliases)
    if body.unit_id not in units or body.kiosk_number != kiosk.kiosk_number:
        log.warning("dossier %s rev %s: unit/kiosk number in the body differ from kiosk %s's enrolment", uuid, body.revision, kiosk.id)
        return answer("forbidden", 403, forbidden)
    dossier = session.get(Dossier, uuid)
    if dossier is not None and (dossier.unit_id not in units or dossier.kiosk_number != kiosk.kiosk_number):
        log.warning("dossier %s rev %s: kiosk %s tried to write another kiosk's dossier", uuid, body.revision, kiosk.id)
        return answer("forbidden", 403, forbidden)

    existing = session.scalars(
        select(DossierRevision).where(DossierRevision.dossier_uuid == uuid, DossierRevision.revision == body.revision)
    ).first()
    if existing is not None:
        if existing.body_sha256 == digest:
            return answer("repeat", 200, _ack(existing, dossier.code if dossier else body.code))
        log.warning(
            "conflict: dossier %s (%s) revision %s from kiosk %s: body sha256 %s differs from the one held (%s); refused",
            uuid, dossier.code if dossier else "?", body.revision, kiosk.id, digest, existing.body_sha256,
        )
        return answer("conflict", 409, {"error": "conflict", "reason": "body_differs", "message": "a different body is held for this uuid and revision"})

    if dossier is not None and dossier.code != body.code:
        log.warning("conflict: dossier %s revision %s changes its code %s; refused", uuid, body.revision, dossier.code)
        return answer("conflict", 409, {"error": "conflict", "reason": "code_changed", "message": "a revision cannot change the dossier code"})
    if dossier is None:
        other = session.scalars(select(Dossier.uuid).where(Dossier.code == body.code)).first()
        if other == uuid:  # this very dossier, committed by a racing delivery since `session.get` above
            raise RaceLost(uuid)
        if other is not None:
            log.warning("conflict: dossier %s uses code %s already held by dossier %s; refused", uuid, body.code, other)
            return answer("conflict", 409, {"error": "conflict", "reason": "code_in_use", "message": "another dossier holds this code"})

    missing = sorted({a.sha256 for a in body.attachments if not store.is_complete(a.sha256)})
    if missing:
        log.info("dossier %s revision %s: %d attachment(s) not held yet", uuid, body.revision, len(missing))
        return answer("missing_attachments", 409, {"error": "missing_attachments", "missing": missing})
    for index, ref in enumerate(body.attachments):
        if store.path(ref.sha256).stat().st_size != ref.size:
            return answer("invalid", 422, {"error": "invalid", "detail": f"attachments.{index}.size: differs from the file held"})

    if dossier is None:
        dossier = Dossier(
            uuid=uuid,
            code=body.code,
            unit_id=body.unit_id,
            kiosk_number=body.kiosk_number,
            kiosk_id=kiosk.id,
            revision=0,
            procedure_code=body.procedure_code,
            procedure_version=body.procedure_version,
            tracking_token=body.tracking_token,
            created_at=now,
        )
        session.add(dossier)
    if body.revision > dossier.revision:  # the newest revision describes the dossier; an older one arriving late is history
        dossier.revision = body.revision
        dossier.procedure_code = body.procedure_code
        dossier.procedure_version = body.procedure_version
        dossier.received_at = _parse_time(body.received_at)
        dossier.appointment_date = body.appointment_date
        dossier.appointment_time = body.appointment_time
        dossier.tracking_token = body.tracking_token
        dossier.updated_at = now
    revision = DossierRevision(
        dossier_uuid=uuid,
        revision=body.revision,
        body=raw,
        body_sha256=digest,
        kiosk_id=kiosk.id,
        portal_received_at=now,
        kiosk_sent_at=_parse_time(sent_at_raw),
        kiosk_sent_at_raw=sent_at_raw,
        attempt=_parse_attempt(attempt_raw),
        app_version=(app_version or kiosk.app_version or "")[:40],
    )
    session.add(revision)
    session.flush()
    log.info("dossier %s (%s) revision %s received from kiosk %s", uuid, body.code, body.revision, kiosk.id)
    return answer("created", 201, _ack(revision, dossier.code))
