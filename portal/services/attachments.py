"""Attachments: resumable uploads in chunks, one writer per file, checked against their SHA-256 when complete."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.models import Attachment, Kiosk
from portal.services.outcomes import Outcome
from portal.storage import ChunkError, FileStore, Held, StorageFull

log = logging.getLogger("portal.service")  # one name for the whole layer: see portal/services/__init__.py

# The reason a kiosk shows its officer for a 507 (docs/sync-protocol.md "Storage faults").
STORAGE_FULL_MESSAGE = "cổng hết chỗ lưu trữ; hồ sơ sẽ được gửi lại"


def _attachment_body(sha256: str, size: int, held: Held) -> dict[str, Any]:
    return {"sha256": sha256, "size": held.size if held.complete else size, "received": held.received, "complete": held.complete}


def attachment_status(session: Session, store: FileStore, sha256: str) -> Outcome:
    held = store.held(sha256)
    row = session.get(Attachment, sha256)
    size = held.size if held.complete else (row.size if row is not None else 0)
    return Outcome(200, _attachment_body(sha256, size or 0, held))


def put_chunk(session_factory, store: FileStore, kiosk: Kiosk, sha256: str, offset: int, size: int, data: bytes) -> Outcome:
    """Take bytes [offset, offset+len(data)) of a `size`-byte file (docs/sync-protocol.md); one writer per file.

    `session_factory()` opens a transaction: the bookkeeping row is written after the bytes are on disk.
    """
    with store.locked(sha256):
        held = store.held(sha256)
        if held.complete:
            if held.size != size:
                return Outcome(422, {"error": "size_mismatch", "message": "this SHA-256 names a file of another size", **_attachment_body(sha256, held.size or 0, held)})
            return Outcome(200, _attachment_body(sha256, size, held))
        with session_factory() as session:
            row = session.get(Attachment, sha256)
            if row is None:
                session.add(Attachment(sha256=sha256, size=size, first_kiosk_id=kiosk.id))
            elif row.size != size:
                # Two sizes for one SHA-256: one announcement is wrong, and nothing here says which. The bytes held
                # belong to an upload in progress, so they stay and this one is refused; with none held (never
                # started, or discarded after a SHA-256 mismatch) the new size is taken: nothing is reset.
                if held.received > 0:
                    log.warning("attachment %s: announced with %d bytes while an upload of %d holds %d; refused", sha256, size, row.size, held.received)
                    return Outcome(409, {"error": "size_conflict", "message": "an upload of this SHA-256 with another size is in progress",
                                         **_attachment_body(sha256, row.size, held)})
                row.size = size
        try:
            held = store.append(sha256, offset, size, data)
        except StorageFull as exc:
            log.error("attachment %s: no space left for a chunk (%d bytes); the partial file is back at %d bytes", sha256, len(data), exc.held.received)
            return Outcome(507, {"error": "storage_full", "message": STORAGE_FULL_MESSAGE, **_attachment_body(sha256, size, exc.held)})
        except ChunkError as exc:
            if exc.kind == "offset_mismatch":
                return Outcome(409, {"error": exc.kind, "message": f"the portal holds {exc.held.received} bytes: continue from there", **_attachment_body(sha256, size, exc.held)})
            if exc.kind == "sha256_mismatch":
                log.warning("attachment %s: assembled file does not match its SHA-256; discarded", sha256)
            return Outcome(422, {"error": exc.kind, **_attachment_body(sha256, size, exc.held)})
        if held.complete:
            with session_factory() as session:
                row = session.get(Attachment, sha256)
                if row is not None and not row.complete:
                    row.complete = True
                    row.completed_at = utcnow()
            log.info("attachment %s complete (%d bytes)", sha256, size)
        return Outcome(200, _attachment_body(sha256, size, held))
