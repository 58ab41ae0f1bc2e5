"""`PUT /api/v1/events/{uuid}`: a kiosk delivers one counter event (idempotent; docs/counter-events.md).

Read as raw bytes like a dossier revision: the acknowledgement names the SHA-256 of exactly what was sent.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path
from sqlalchemy.exc import IntegrityError

from portal.answers import error_responses, json_answer, parse_canonical_body
from portal.deps import DatabaseDep, KioskAuth, RawBody
from portal.schemas import UUID_PATTERN, EventAckOut, EventBody
from portal.services import events
from sync import wire

router = APIRouter()


@router.put(
    f"{wire.API_PREFIX}/events/{{uuid}}",
    response_model=EventAckOut,
    tags=["kiosk"],
    summary="Deliver one counter event (idempotent)",
    description="The body is the canonical JSON (`sync.wire.canonical_json`) of `sync.wire.event_body`. "
    "201 the first time, 200 with the same acknowledgement for an identical repeat, 409 `conflict` for a "
    "different body under the same uuid, 409 `unknown_dossier` while the event's dossier is not held. "
    "A result-ready, stop or hand-back event records status 9, 7 or 10 as a status change naming the event; "
    "a hand-back void puts back the status before the hand-back.",
    status_code=201,
    responses={
        200: {"model": EventAckOut, "description": "identical repeat: the original acknowledgement"},
        **error_responses(401, 403, 409, 413, 422),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventBody"}}},
        }
    },
)
def put_event(
    uuid: Annotated[str, Path(pattern=UUID_PATTERN)],
    kiosk: KioskAuth,
    raw: RawBody,
    db: DatabaseDep,
    x_kiosk_sent_at: Annotated[str | None, Header(alias=wire.HEADER_SENT_AT, description="the kiosk's clock when sending (ISO 8601)")] = None,
    x_attempt: Annotated[str | None, Header(alias=wire.HEADER_ATTEMPT, description="1 for the first try, then 2, 3 …")] = None,
) -> Any:
    body, problem = parse_event_body(raw)
    if body is None:
        return json_answer(422, {"error": "invalid", "detail": problem})
    if body.uuid.lower() != uuid.lower():
        return json_answer(422, {"error": "invalid", "detail": "uuid of the body differs from the path"})
    for attempt in range(2):
        try:
            with db.transaction() as session:
                outcome = events.put_event(session, kiosk, raw, body, sent_at=x_kiosk_sent_at, attempt=x_attempt)
            break
        except IntegrityError:  # two deliveries of the same event raced (PostgreSQL): the second sees the first
            if attempt:
                raise
    return json_answer(outcome.status, outcome.body)


def parse_event_body(raw: bytes) -> tuple[EventBody | None, str]:
    """The validated body if `raw` is a valid event body in canonical form; else (None, what is wrong)."""
    return parse_canonical_body(raw, EventBody)
