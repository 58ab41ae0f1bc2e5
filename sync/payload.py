"""The canonical body of one outbox entry (a dossier revision from its snapshot, a counter event from its row), built once and frozen."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kiosk.dossier.events import EVENT_BODY_VERSION
from kiosk.dossier.revisions import RevisionSnapshot
from kiosk.printed.token import make_token
from kiosk.storage.models import OutboxEntry, utcnow
from sync import wire


def build_body(snapshot: RevisionSnapshot, receipt_key: bytes) -> bytes:
    """wire.dossier_body of the revision as its snapshot says, with the receipt's tracking token."""
    if not snapshot.code:
        raise ValueError("a draft has no code and is never sent")
    return wire.dossier_body(
        uuid=snapshot.uuid,
        revision=snapshot.revision,
        code=snapshot.code,
        unit_id=snapshot.unit_id,
        kiosk_number=snapshot.kiosk_number,
        procedure_code=snapshot.procedure_code,
        procedure_version=snapshot.procedure_version,
        received_at=snapshot.received_at,
        appointment_date=snapshot.appointment_date,
        appointment_time=snapshot.appointment_time,
        officer=snapshot.officer,
        values=dict(snapshot.values),
        documents=list(snapshot.documents),
        attachments=list(snapshot.attachments),
        # Made from the receipt key (the same signature the printed QR carries), unless the snapshot was
        # derived from a body an earlier release froze: then that body's own token (migration 0005).
        tracking_token=snapshot.tracking_token or make_token(receipt_key, snapshot.code),
        supplements_revision=snapshot.supplements_revision,
        fee=snapshot.fee,
    )


def build_event_body(stored: dict[str, Any]) -> bytes:
    """wire.event_body of a counter event as its row's `body` says (kiosk/dossier/events.py)."""
    if stored.get("version") != EVENT_BODY_VERSION:
        raise ValueError(f"counter event body of version {stored.get('version')!r} is not known to this release")
    return wire.event_body(**{k: v for k, v in stored.items() if k != "version"})


def freeze(session: Session, entry: OutboxEntry, receipt_key: bytes) -> bytes:
    """Store the entry's body if it has none yet (in the caller's transaction); never rebuilds one."""
    if entry.payload is None and entry.event_id is not None:
        body = build_event_body(entry.event.body)
        entry.payload = body
        entry.payload_sha256 = wire.body_sha256(body)
        entry.updated_at = utcnow()
    if entry.payload is None:
        if entry.snapshot is None:
            # Only a revision delivered before migration 0005 (or purged) has neither; neither is ever sent.
            raise ValueError(f"outbox entry {entry.id} (revision {entry.revision}) has no snapshot to build its body from")
        snapshot = RevisionSnapshot.from_json(entry.snapshot)
        if snapshot.revision != entry.revision:
            raise ValueError(f"outbox entry {entry.id} (revision {entry.revision}) holds the snapshot of revision {snapshot.revision}")
        body = build_body(snapshot, receipt_key)
        entry.payload = body
        entry.payload_sha256 = wire.body_sha256(body)
        entry.updated_at = utcnow()
    return entry.payload
