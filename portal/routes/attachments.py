"""`GET` and `PUT /api/v1/attachments/{sha256}`: how much of a file the portal holds, and resumable chunk uploads."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from portal.answers import error_responses, json_answer
from portal.config import MAX_ATTACHMENT_SIZE
from portal.deps import DatabaseDep, FilesDep, KioskAuth, RawBody, ShaPath
from portal.schemas import AttachmentErrorOut, AttachmentOut, AttachmentProblemOut, ErrorOut
from portal.services import attachments
from sync import wire

router = APIRouter()


@router.get(
    f"{wire.API_PREFIX}/attachments/{{sha256}}",
    response_model=AttachmentOut,
    tags=["kiosk"],
    summary="How many bytes of a file the portal holds",
    responses=error_responses(401, 422),
)
def attachment_status(sha256: ShaPath, kiosk: KioskAuth, db: DatabaseDep, store: FilesDep) -> Any:
    with db.read() as session:
        outcome = attachments.attachment_status(session, store, sha256.lower())
    return {"service": wire.SERVICE, **outcome.body}


@router.put(
    f"{wire.API_PREFIX}/attachments/{{sha256}}",
    response_model=AttachmentOut,
    tags=["kiosk"],
    summary="Upload one chunk of a file (resumable)",
    description=f"Raw bytes, at most {wire.CHUNK_SIZE} per request. `offset` must equal the bytes the portal holds, "
    "else 409 with `received`. When `received == size` the file is checked against its SHA-256; a mismatch discards it (422). "
    "A `size` other than the one of an upload in progress is refused (409 `size_conflict`). A full disk or quota answers 507 "
    "and keeps exactly the bytes held before the chunk.",
    responses={
        409: {"model": AttachmentErrorOut, "description": "offset_mismatch: offset differs from the bytes held, resume at `received`; "
              "size_conflict: an upload of this SHA-256 with another `size` holds bytes (they are kept): try again later"},
        507: {"model": AttachmentErrorOut, "description": "storage_full: no space (or quota) left for the chunk; nothing of it is kept, "
              "`received` is what is held: try again later"},
        422: {"model": AttachmentProblemOut, "description": "invalid parameters, data past `size`, or SHA-256 mismatch (file discarded)"},
        401: {"model": ErrorOut, "description": "missing, wrong or revoked credentials"},
        413: {"model": ErrorOut, "description": f"chunk larger than {wire.CHUNK_SIZE} bytes"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary", "maxLength": wire.CHUNK_SIZE}}},
        }
    },
)
def attachment_chunk(
    sha256: ShaPath,
    kiosk: KioskAuth,
    data: RawBody,
    offset: Annotated[int, Query(ge=0, le=MAX_ATTACHMENT_SIZE, description="bytes already held (where this chunk starts)")],
    size: Annotated[int, Query(ge=0, le=MAX_ATTACHMENT_SIZE, description="size of the whole file")],
    db: DatabaseDep,
    store: FilesDep,
) -> Any:
    outcome = attachments.put_chunk(db.transaction, store, kiosk, sha256.lower(), offset, size, data)
    if outcome.status != 200:
        return json_answer(outcome.status, outcome.body)
    return {"service": wire.SERVICE, **outcome.body}
