"""`PUT /api/v1/dossiers/{uuid}/revisions/{revision}`: a kiosk delivers one revision of a dossier (idempotent).

The body is read as raw bytes, not parsed by FastAPI: the acknowledgement names the SHA-256 of exactly
what was sent, so the body is validated here by hand and must already be in canonical form.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path
from sqlalchemy.exc import IntegrityError

from portal.answers import error_responses, json_answer, parse_canonical_body
from portal.deps import DatabaseDep, FilesDep, KioskAuth, RawBody
from portal.schemas import MAX_REVISION, UUID_PATTERN, AckOut, DossierBody
from portal.services import revisions
from portal.services.outcomes import RaceLost
from sync import wire

router = APIRouter()


@router.put(
    f"{wire.API_PREFIX}/dossiers/{{uuid}}/revisions/{{revision}}",
    response_model=AckOut,
    tags=["kiosk"],
    summary="Deliver one revision of a dossier (idempotent)",
    description="The body is the canonical JSON (`sync.wire.canonical_json`) of `sync.wire.dossier_body`. "
    "201 the first time, 200 with the same acknowledgement for an identical repeat, 409 `conflict` for a "
    "different body under the same uuid and revision, 409 `missing_attachments` while a file is not held completely.",
    status_code=201,
    responses={
        200: {"model": AckOut, "description": "identical repeat: the original acknowledgement"},
        **error_responses(401, 403, 409, 413, 422),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DossierBody"}}},
        }
    },
)
def put_revision(
    uuid: Annotated[str, Path(pattern=UUID_PATTERN)],
    revision: Annotated[int, Path(ge=1, le=MAX_REVISION)],
    kiosk: KioskAuth,
    raw: RawBody,
    db: DatabaseDep,
    store: FilesDep,
    x_kiosk_sent_at: Annotated[str | None, Header(alias=wire.HEADER_SENT_AT, description="the kiosk's clock when sending (ISO 8601)")] = None,
    x_attempt: Annotated[str | None, Header(alias=wire.HEADER_ATTEMPT, description="1 for the first try, then 2, 3 …")] = None,
    x_app_version: Annotated[str | None, Header(alias=wire.HEADER_APP_VERSION)] = None,
) -> Any:
    body, problem = parse_dossier_body(raw)
    if body is None:
        return json_answer(422, {"error": "invalid", "detail": problem})
    if body.uuid.lower() != uuid.lower() or body.revision != revision:
        return json_answer(422, {"error": "invalid", "detail": "uuid and revision of the body differ from the path"})
    for attempt in range(2):
        try:
            with db.transaction() as session:
                outcome = revisions.put_revision(
                    session, store, kiosk, raw, body, sent_at=x_kiosk_sent_at, attempt=x_attempt, app_version=x_app_version
                )
            break
        except (IntegrityError, RaceLost):  # two deliveries of the same revision raced (PostgreSQL): the second sees the first
            if attempt:
                raise
    return json_answer(outcome.status, outcome.body)


def parse_dossier_body(raw: bytes) -> tuple[DossierBody | None, str]:
    """The validated body if `raw` is a valid dossier body in canonical form; else (None, what is wrong)."""
    return parse_canonical_body(raw, DossierBody)
