"""`PUT /api/v1/dossiers/{uuid}/revisions/{revision}`: a kiosk delivers one revision of a dossier (idempotent).

The body is read as raw bytes, not parsed by FastAPI: the acknowledgement names the SHA-256 of exactly
what was sent, so the body is validated here by hand and must already be in canonical form.

An `async` endpoint whose whole non-HTTP part (parse, authenticate, store, commit) is one worker-thread hop: a sync
endpoint with sync dependencies cost a hop per dependency and a second session for authentication
(docs/benchmarks.md, "Portal ingest").

The hottest route of the portal is answered by a plain Starlette route (`fast_route`, put in front of the FastAPI one
by `portal.app.create_app`): FastAPI's per-request parameter handling (dependency solving, path and header
validation, `HTTPBearer`) cost more CPU than parsing, authenticating and storing the dossier together
(`python -m bench.ingest_profile`). The FastAPI declaration stays for the OpenAPI document (docs/openapi.json) and
answers the same way; tests/scenarios/portal/test_revision_route_answers.py pins the refusals byte for byte.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import Field, StringConstraints, TypeAdapter, ValidationError
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.routing import Route

from portal.answers import describe_errors, error_responses, json_answer, parse_canonical_body
from portal.db import Database
from portal.deps import bearer
from portal.errors import Unauthorized
from portal.schemas import MAX_REVISION, UUID_PATTERN, AckOut, DossierBody
from portal.services import revisions
from portal.services.credentials import authenticate_row
from portal.services.outcomes import RaceLost
from portal.storage import FileStore
from sync import wire

router = APIRouter()
PATH = f"{wire.API_PREFIX}/dossiers/{{uuid}}/revisions/{{revision}}"


@router.put(
    PATH,
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
async def put_revision(
    uuid: Annotated[str, Path(pattern=UUID_PATTERN)],
    revision: Annotated[int, Path(ge=1, le=MAX_REVISION)],
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    x_kiosk_sent_at: Annotated[str | None, Header(alias=wire.HEADER_SENT_AT, description="the kiosk's clock when sending (ISO 8601)")] = None,
    x_attempt: Annotated[str | None, Header(alias=wire.HEADER_ATTEMPT, description="1 for the first try, then 2, 3 …")] = None,
    x_app_version: Annotated[str | None, Header(alias=wire.HEADER_APP_VERSION)] = None,
) -> Any:
    # Not what answers (fast_route is in front): the declaration for the document, and the same answer if it ever did.
    token = credentials.credentials if credentials is not None else None
    return await _delivered(request, token, uuid, revision, x_kiosk_sent_at, x_attempt, x_app_version)


async def _delivered(
    request: Request, token: str | None, uuid: str, revision: int, sent_at: str | None, attempt: str | None, app_version: str | None
) -> JSONResponse:
    raw = await request.body()
    state = request.app.state
    status, payload = await run_in_threadpool(deliver, state.db, state.store, token, raw, uuid, revision, sent_at=sent_at, attempt=attempt, app_version=app_version)
    return json_answer(status, payload)


# --- the route that answers: FastAPI's parameter handling by hand, with FastAPI's answers ---------------------

_UUID = re.compile(UUID_PATTERN)
_REVISION = re.compile(r"[1-9][0-9]{0,6}")  # the plain decimal a kiosk sends; anything else goes the validators' way
_PATH_VALIDATORS = (
    ("uuid", TypeAdapter(Annotated[str, StringConstraints(pattern=UUID_PATTERN)])),
    ("revision", TypeAdapter(Annotated[int, Field(ge=1, le=MAX_REVISION)])),
)


def path_params(uuid: str, revision: str) -> tuple[str, int] | str:
    """(uuid, revision) from the path, or the detail of FastAPI's 422 for `Path(pattern=UUID_PATTERN)` and
    `Path(ge=1, le=MAX_REVISION)`: the common case by regex, any other by the same pydantic validators FastAPI uses,
    so an odd form ("+1", " 1", "1.0") gets the answer it got before, value or refusal."""
    if _UUID.fullmatch(uuid) and _REVISION.fullmatch(revision) and int(revision) <= MAX_REVISION:
        return uuid, int(revision)
    values: list[Any] = []
    errors: list[dict[str, Any]] = []
    for (name, validator), raw in zip(_PATH_VALIDATORS, (uuid, revision)):
        try:
            values.append(validator.validate_python(raw))
        except ValidationError as exc:
            errors.extend({**error, "loc": ("path", name, *error["loc"])} for error in exc.errors())
    return describe_errors(errors) if errors else (values[0], values[1])


def bearer_token(authorization: str | None) -> str | None:
    """The token of `Authorization: Bearer <token>` as `fastapi.security.HTTPBearer(auto_error=False)` reads it:
    scheme in any case, token stripped; None (then 401) for a missing header, another scheme or an empty token."""
    if not authorization:
        return None
    scheme, _, param = authorization.partition(" ")
    token = param.strip()
    if not (scheme and token) or scheme.lower() != "bearer":
        return None
    return token


async def put_revision_fast(request: Request) -> JSONResponse:
    params = path_params(request.path_params["uuid"], request.path_params["revision"])
    if isinstance(params, str):  # FastAPI refuses a malformed path before it looks at the credentials
        return json_answer(422, {"error": "invalid", "detail": params})
    headers = request.headers
    return await _delivered(
        request, bearer_token(headers.get("authorization")), *params,
        headers.get(wire.HEADER_SENT_AT), headers.get(wire.HEADER_ATTEMPT), headers.get(wire.HEADER_APP_VERSION),
    )


fast_route = Route(PATH, put_revision_fast, methods=["PUT"], include_in_schema=False)


def deliver(
    db: Database, store: FileStore, token: str | None, raw: bytes, uuid: str, revision: int, *, sent_at: str | None, attempt: str | None, app_version: str | None
) -> tuple[int, dict[str, Any]]:
    """Everything but HTTP, in one worker-thread hop: parse the body, then authenticate and store in one transaction.

    The answers' precedence is as before: 401 for bad credentials whatever the body, then 422 for a bad body.
    A valid body is authenticated inside the writing transaction (`authenticate_row`), so a revocation counts from
    the next request on every worker and a delivery needs no second session; a bad body still answers 401 first,
    from a read-only session.
    """
    body, problem = parse_dossier_body(raw)
    if body is not None and (body.uuid.lower() != uuid.lower() or body.revision != revision):
        body, problem = None, "uuid and revision of the body differ from the path"
    if body is None:
        with db.read() as session:
            if authenticate_row(session, token) is None:
                raise Unauthorized()
        return 422, {"error": "invalid", "detail": problem}
    for tried in range(2):
        try:
            with db.transaction() as session:
                kiosk = authenticate_row(session, token)
                if kiosk is None:
                    raise Unauthorized()
                outcome = revisions.put_revision(session, store, kiosk, raw, body, sent_at=sent_at, attempt=attempt, app_version=app_version)
            break
        except (IntegrityError, RaceLost):  # two deliveries of the same revision raced (PostgreSQL): the second sees the first
            if tried:
                raise
    return outcome.status, outcome.body


def parse_dossier_body(raw: bytes) -> tuple[DossierBody | None, str]:
    """The validated body if `raw` is a valid dossier body in canonical form; else (None, what is wrong)."""
    return parse_canonical_body(raw, DossierBody)
