"""The canonical body of one dossier revision, built once from the dossier row and frozen in its outbox entry."""

from __future__ import annotations

from datetime import timezone
from typing import Any

from sqlalchemy.orm import Session

from kiosk.storage.models import Dossier, OutboxEntry, utcnow
from kiosk.storage.settings import SiteSettings
from kiosk.printed.token import make_token
from sync import wire


def _iso_utc(value: Any) -> str:
    return value.astimezone(timezone.utc).isoformat(timespec="seconds") if value is not None else ""


def build_body(dossier: Dossier, revision: int, settings: SiteSettings, receipt_key: bytes) -> bytes:
    """wire.dossier_body of the dossier as it is now, for `revision`."""
    if not dossier.code:
        raise ValueError("a draft has no code and is never sent")
    return wire.dossier_body(
        uuid=dossier.uuid,
        revision=revision,
        code=dossier.code,
        unit_id=settings.unit_id,
        kiosk_number=settings.kiosk_number,
        procedure_code=dossier.procedure_code,
        procedure_version=dossier.procedure_version,
        received_at=_iso_utc(dossier.received_at),
        appointment_date=dossier.appointment_date.isoformat() if dossier.appointment_date else "",
        appointment_time=dossier.appointment_time or "",
        officer=dossier.officer.username,
        values=dict(dossier.values or {}),
        documents=[{"doc_id": d.doc_id, "name": d.name, "kind": d.kind, "quantity": d.quantity} for d in dossier.documents],
        attachments=[
            {"sha256": a.sha256, "size": a.size, "mime": a.mime_type, "filename": a.filename, "field_id": a.field_id}
            for a in sorted(dossier.attachments, key=lambda a: a.id or 0)
        ],
        tracking_token=make_token(receipt_key, dossier.code),
        supplements_revision=revision - 1 if revision > 1 else None,
    )


def freeze(session: Session, entry: OutboxEntry, settings: SiteSettings, receipt_key: bytes) -> bytes:
    """Store the entry's body if it has none yet (in the caller's transaction); never rebuilds one."""
    if entry.payload is None:
        body = build_body(entry.dossier, entry.revision, settings, receipt_key)
        entry.payload = body
        entry.payload_sha256 = wire.body_sha256(body)
        entry.updated_at = utcnow()
    return entry.payload
