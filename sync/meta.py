"""Small facts of the sync engine in the sync_meta table: status cursor, catalogue, last success, last error."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kiosk.storage.models import SyncMeta

STATUS_CURSOR = "status_cursor"
CATALOGUE = "catalogue"
CATALOGUE_FETCHED_AT = "catalogue_fetched_at"
LAST_SUCCESS_AT = "last_success_at"
LAST_ERROR = "last_error"
LAST_ERROR_AT = "last_error_at"
LAST_ATTEMPT_AT = "last_attempt_at"
RECEIPT_KEY_REGISTERED = "receipt_key_registered"  # "<portal url> <public key hex> <unit id>" once the portal has it
AUDIT_WITNESS = "audit_witness"  # the portal's last answer about this kiosk's audit chain (sync/audit_witness.py), JSON
UPLOADING_AHEAD = "uploading_ahead"  # SHA-256s of the files last uploaded ahead (sync/ahead.py): the portal may hold some


def get(session: Session, key: str) -> str | None:
    return session.scalar(select(SyncMeta.value).where(SyncMeta.key == key))


def put(session: Session, key: str, value: str | None) -> None:
    if value is None:
        session.execute(delete(SyncMeta).where(SyncMeta.key == key))
        return
    row = session.get(SyncMeta, key)
    if row is None:
        session.add(SyncMeta(key=key, value=value))
    else:
        row.value = value


def get_time(session: Session, key: str) -> datetime | None:
    value = get(session, key)
    return datetime.fromisoformat(value) if value else None
