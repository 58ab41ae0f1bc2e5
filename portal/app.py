"""The HTTP API v1 (docs/sync-protocol.md) and the citizen tracking page, as a FastAPI application."""

from __future__ import annotations

import json
import logging
import hmac
import time
from datetime import datetime, timedelta
import traceback
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal import fleet, tracking
from portal.config import MAX_ATTACHMENT_SIZE, MAX_DOSSIER_BODY, MAX_SMALL_BODY, PortalConfig
from portal.db import Database, iso, utcnow
from portal.ratelimit import SlidingWindowLimiter
from portal.models import Kiosk
from portal.pages import PAGE_HEADERS
from portal.schemas import (
    MAX_REVISION,
    UUID_PATTERN,
    AckOut,
    AttachmentErrorOut,
    AttachmentOut,
    AttachmentProblemOut,
    CatalogueOut,
    DossierBody,
    EnrolIn,
    KioskReportIn,
    KioskReportOut,
    PublishedCatalogueOut,
    ReceiptKeyIn,
    ReceiptKeyOut,
    EnrolOut,
    ErrorOut,
    HealthOut,
    StatusChangesOut,
)
from portal.services import attachments, enrolment, publishing, receipt_keys, revisions
from portal.services import catalogue as procedures
from portal.services.credentials import authenticate
from portal.services import fleet as fleet_reports
from portal.services import status_changes as changes
from portal.storage import FileStore
from sync import wire

log = logging.getLogger("portal")
DRAIN_CAP = 16 * 1024 * 1024  # a too-large body up to this size is read and dropped before the 413; past it the connection closes

P = wire.API_PREFIX
TITLE = "Một Cửa reference portal"
DESCRIPTION = (
    "API v1 between a Một Cửa kiosk and the central portal (docs/sync-protocol.md), and the citizen "
    "tracking page. Every JSON answer carries `\"service\": \"mot-cua-portal\"`. Kiosk requests are "
    "authenticated with `Authorization: Bearer <kiosk_id>:<secret>` from `POST /api/v1/enrol`."
)
bearer = HTTPBearer(
    auto_error=False,
    scheme_name="kioskBearer",
    bearerFormat="<kiosk_id>:<secret>",
    description="The credentials a kiosk got from `POST /api/v1/enrol`, as `<kiosk_id>:<secret>`.",
)


def _json(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"service": wire.SERVICE, **body}, status_code=status, headers=headers)


def _error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    described = {
        401: "missing, wrong or revoked credentials",
        403: "not allowed",
        404: "not found",
        409: "conflict",
        413: "body too large",
        422: "invalid request",
    }
    return {code: {"model": ErrorOut, "description": described.get(code, "error")} for code in codes}


class Unauthorized(Exception):
    pass


# --- plain ASGI middleware (outside FastAPI's routing) -------------------------------------------


def _body_limit(scope: Scope) -> int:
    path = scope.get("path", "")
    if path.startswith(f"{P}/attachments/"):
        return wire.CHUNK_SIZE
    if path.startswith(f"{P}/dossiers/"):
        return MAX_DOSSIER_BODY
    return MAX_SMALL_BODY


def _redacted(path: str) -> str:
    """A path for the log: a tracking page's code is kept out (with its token it would open the page)."""
    return "/tra-cuu/…" if path.startswith("/tra-cuu/") else path[:200]


class GuardMiddleware:
    """Body size limits (413 before the app sees the body), a request log without query strings, and a JSON
    500 for anything unexpected, logged by type and place only (an exception's text may quote personal data)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        method, path = scope.get("method", "?"), _redacted(scope.get("path", ""))
        status_holder = {"status": 0}

        async def send_logged(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
            await send(message)

        limit = _body_limit(scope)
        declared_header = dict(scope.get("headers") or []).get(b"content-length")
        try:
            declared = int(declared_header) if declared_header is not None else None
        except ValueError:
            declared = None
        too_large = declared is not None and declared > limit
        close = declared is not None and declared > DRAIN_CAP
        app_receive = receive
        if method in ("POST", "PUT", "PATCH") and not (declared is not None and declared > DRAIN_CAP):
            # Read the body here (bounded): a body over the limit is drained and refused with 413, so the
            # client reads the answer instead of a reset connection; the app gets the buffered body.
            chunks: list[bytes] = []
            total, more = 0, True
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                total += len(chunk)
                if total > limit:
                    too_large = True
                    chunks = []
                    if total > DRAIN_CAP:
                        close = True
                        break
                elif not too_large:
                    chunks.append(chunk)
                more = message.get("more_body", False)
            body = b"".join(chunks)
            replayed = False

            async def receive_buffered() -> Message:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            app_receive = receive_buffered
        try:
            if too_large:
                response = _json(413, {"error": "too_large", "message": f"at most {limit} bytes"}, {"Connection": "close"} if close else None)
                await response(scope, app_receive, send_logged)
            else:
                await self.app(scope, app_receive, send_logged)
        except Exception as exc:  # noqa: BLE001 - the last line of defence: a JSON 500, a safe log line
            log.error(
                "internal error on %s %s: %s\n%s", method, path, type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__))
            )
            if status_holder["status"] == 0:
                await _json(500, {"error": "internal", "message": "internal error"})(scope, app_receive, send_logged)
        finally:
            log.info("%s %s %s %.0f ms", method, path, status_holder["status"], (time.monotonic() - started) * 1000)


# --- dependencies (module level: the annotations must resolve for the OpenAPI document) ----------


def kiosk_auth(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Kiosk:
    token = credentials.credentials if credentials is not None else None
    with request.app.state.db.read() as session:
        kiosk = authenticate(session, token)
        if kiosk is None:
            raise Unauthorized()
        session.expunge(kiosk)
    return kiosk


async def raw_body(request: Request) -> bytes:
    return await request.body()


KioskAuth = Annotated[Kiosk, Depends(kiosk_auth)]
RawBody = Annotated[bytes, Depends(raw_body)]
ShaPath = Annotated[str, Path(pattern=r"^[0-9a-fA-F]{64}$", description="SHA-256 of the file, hex")]


# --- the application -----------------------------------------------------------------------------


def create_app(config: PortalConfig) -> FastAPI:
    db = Database(config.db_url)
    store = FileStore(config.files_dir)
    app = FastAPI(title=TITLE, version=str(wire.API_VERSION), description=DESCRIPTION, docs_url=None, redoc_url=None)
    app.state.config = config
    app.state.db = db
    app.state.store = store
    app.add_middleware(GuardMiddleware)
    limiter = SlidingWindowLimiter(config.tracking_per_minute)

    # --- errors as JSON with the service marker ---

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # FastAPI could not parse the body (not JSON, not UTF-8): invalid like any other body
            return _json(422, {"error": "invalid", "detail": "body: not valid JSON"})
        names = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}
        return _json(exc.status_code, {"error": names.get(exc.status_code, "http_error"), "message": str(exc.detail)}, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _json(422, {"error": "invalid", "detail": _describe(exc.errors())})

    @app.exception_handler(Unauthorized)
    async def _unauthorized(request: Request, exc: Unauthorized) -> JSONResponse:
        return _json(401, {"error": "unauthorized"}, {"WWW-Authenticate": "Bearer"})

    @app.exception_handler(OperationalError)
    async def _busy(request: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable on %s %s: %s", request.method, _redacted(request.url.path), type(exc.orig).__name__)
        return _json(503, {"error": "unavailable", "message": "database busy, try again"}, {"Retry-After": "5"})

    # --- endpoints ---

    @app.get(f"{P}/health", response_model=HealthOut, tags=["kiosk"], summary="Tell the portal from a captive portal")
    def health() -> dict[str, Any]:
        now = utcnow() + timedelta(seconds=config.clock_offset_s)
        return {"service": wire.SERVICE, "api": wire.API_VERSION, "portal_name": config.portal_name, "time": iso(now)}

    @app.post(
        f"{P}/enrol",
        status_code=201,
        response_model=EnrolOut,
        tags=["kiosk"],
        summary="Exchange a one-time enrolment code for kiosk credentials",
        responses=_error_responses(403, 413, 422),
    )
    def enrol(payload: EnrolIn) -> Any:
        with db.transaction() as session:
            result = enrolment.enrol(
                session, payload.code, payload.unit_id, payload.kiosk_number, payload.app_version,
                receipt_public_key=payload.receipt_public_key, unit_name=payload.unit_name,
            )
            if result is None:
                return _json(403, {"error": "forbidden", "message": "unknown, used or expired enrolment code, or issued for another kiosk"})
            kiosk, secret = result
            return {
                "service": wire.SERVICE,
                "kiosk_id": kiosk.id,
                "secret": secret,
                "unit_id": kiosk.unit_id,
                "kiosk_number": kiosk.kiosk_number,
                "portal_name": config.portal_name,
            }

    @app.get(
        f"{P}/catalogue/published",
        response_model=PublishedCatalogueOut,
        tags=["kiosk"],
        summary="Signed procedure versions published to kiosks (verify with the key pinned in the kiosk's package)",
        responses=_error_responses(401),
    )
    def published_catalogue(kiosk: KioskAuth) -> Any:
        with db.read() as session:
            return {"service": wire.SERVICE, "published": publishing.published(session)}

    @app.put(
        f"{P}/kiosk-report",
        response_model=KioskReportOut,
        tags=["kiosk"],
        summary="What the kiosk says at each sync (queue length, version, its clock), for the fleet view",
        responses=_error_responses(401, 413, 422),
    )
    def kiosk_report(payload: KioskReportIn, kiosk: KioskAuth) -> Any:
        with db.transaction() as session:
            kiosk_time = datetime.fromisoformat(payload.kiosk_time.replace("Z", "+00:00"))
            row = fleet_reports.record_report(session, session.merge(kiosk), payload.queue_length, payload.app_version, kiosk_time)
            return {"service": wire.SERVICE, "recorded": True, "portal_time": iso(row.last_seen_at), "clock_skew_s": row.clock_skew_s}

    @app.get(
        "/quan-tri/may-tiep-nhan",
        response_class=HTMLResponse,
        tags=["back office"],
        summary="Fleet view (HTML): each kiosk's last sync, queue, version and clock skew; needs the admin token",
        responses={404: {"description": "no admin token configured, or a wrong one", "content": {"text/html": {}}}},
    )
    def fleet_page(token: Annotated[str | None, Query(description="the token given to serve --admin-token")] = None) -> HTMLResponse:
        expected = (config.admin_token or "").encode("utf-8")
        if not expected or not hmac.compare_digest(expected, (token or "").encode("utf-8")[:200]):
            return HTMLResponse(tracking.not_found_page(config.portal_name), status_code=404, headers=PAGE_HEADERS)
        with db.read() as session:
            rows = fleet_reports.list_kiosks(session)
        return HTMLResponse(fleet.page(rows, config.portal_name), headers=PAGE_HEADERS)

    @app.put(
        f"{P}/receipt-key",
        response_model=ReceiptKeyOut,
        tags=["kiosk"],
        summary="Register the Ed25519 public key this kiosk signs its receipt tokens with",
        responses=_error_responses(401, 413, 422),
    )
    def receipt_key(payload: ReceiptKeyIn, kiosk: KioskAuth) -> Any:
        with db.transaction() as session:
            row = receipt_keys.register_receipt_key(session, session.merge(kiosk), payload.public_key, payload.unit_name)
            return {"service": wire.SERVICE, "registered": True, "public_key": row.public_key}

    @app.get(
        f"{P}/attachments/{{sha256}}",
        response_model=AttachmentOut,
        tags=["kiosk"],
        summary="How many bytes of a file the portal holds",
        responses=_error_responses(401, 422),
    )
    def attachment_status(sha256: ShaPath, kiosk: KioskAuth) -> Any:
        with db.read() as session:
            outcome = attachments.attachment_status(session, store, sha256.lower())
        return {"service": wire.SERVICE, **outcome.body}

    @app.put(
        f"{P}/attachments/{{sha256}}",
        response_model=AttachmentOut,
        tags=["kiosk"],
        summary="Upload one chunk of a file (resumable)",
        description=f"Raw bytes, at most {wire.CHUNK_SIZE} per request. `offset` must equal the bytes the portal holds, "
        "else 409 with `received`. When `received == size` the file is checked against its SHA-256; a mismatch discards it (422).",
        responses={
            409: {"model": AttachmentErrorOut, "description": "offset differs from the bytes held: resume at `received`"},
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
    ) -> Any:
        outcome = attachments.put_chunk(db.transaction, store, kiosk, sha256.lower(), offset, size, data)
        if outcome.status != 200:
            return _json(outcome.status, outcome.body)
        return {"service": wire.SERVICE, **outcome.body}

    @app.put(
        f"{P}/dossiers/{{uuid}}/revisions/{{revision}}",
        response_model=AckOut,
        tags=["kiosk"],
        summary="Deliver one revision of a dossier (idempotent)",
        description="The body is the canonical JSON (`sync.wire.canonical_json`) of `sync.wire.dossier_body`. "
        "201 the first time, 200 with the same acknowledgement for an identical repeat, 409 `conflict` for a "
        "different body under the same uuid and revision, 409 `missing_attachments` while a file is not held completely.",
        status_code=201,
        responses={
            200: {"model": AckOut, "description": "identical repeat: the original acknowledgement"},
            **_error_responses(401, 403, 409, 413, 422),
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
        x_kiosk_sent_at: Annotated[str | None, Header(alias=wire.HEADER_SENT_AT, description="the kiosk's clock when sending (ISO 8601)")] = None,
        x_attempt: Annotated[str | None, Header(alias=wire.HEADER_ATTEMPT, description="1 for the first try, then 2, 3 …")] = None,
        x_app_version: Annotated[str | None, Header(alias=wire.HEADER_APP_VERSION)] = None,
    ) -> Any:
        body, problem = _parse_dossier_body(raw)
        if body is None:
            return _json(422, {"error": "invalid", "detail": problem})
        if body.uuid.lower() != uuid.lower() or body.revision != revision:
            return _json(422, {"error": "invalid", "detail": "uuid and revision of the body differ from the path"})
        for attempt in range(2):
            try:
                with db.transaction() as session:
                    outcome = revisions.put_revision(
                        session, store, kiosk, raw, body, sent_at=x_kiosk_sent_at, attempt=x_attempt, app_version=x_app_version
                    )
                break
            except IntegrityError:  # two deliveries of the same revision raced (PostgreSQL): the second sees the first
                if attempt:
                    raise
        return _json(outcome.status, outcome.body)

    @app.get(
        f"{P}/status-changes",
        response_model=StatusChangesOut,
        tags=["kiosk"],
        summary="Status changes of this kiosk's dossiers since a cursor, oldest first",
        responses=_error_responses(401, 422),
    )
    def status_changes(
        kiosk: KioskAuth,
        since: Annotated[str | None, Query(pattern=r"^[0-9]{0,18}$", description="`next` of the previous answer; empty for all")] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> Any:
        with db.read() as session:
            outcome = changes.status_changes(session, kiosk, since, limit)
        return {"service": wire.SERVICE, **outcome.body}

    @app.get(
        f"{P}/catalogue",
        response_model=CatalogueOut,
        tags=["kiosk"],
        summary="Procedure definitions the portal knows (code, version, name, digest)",
        responses=_error_responses(401),
    )
    def catalogue(kiosk: KioskAuth) -> Any:
        return {"service": wire.SERVICE, "procedures": list(procedures.catalogue())}

    @app.get(
        "/tra-cuu/{code}",
        response_class=HTMLResponse,
        tags=["citizen"],
        summary="Citizen tracking page (HTML, no personal data)",
        responses={
            404: {"description": "unknown code or wrong token (the same page)", "content": {"text/html": {}}},
            429: {"description": "too many look-ups from this address; retry after the Retry-After seconds", "content": {"text/html": {}}},
        },
    )
    def tracking_page(
        request: Request,
        code: Annotated[str, Path(description="the dossier code")],
        t: Annotated[str | None, Query(description="the tracking token printed in the receipt's QR code")] = None,
    ) -> HTMLResponse:
        allowed, retry_after = limiter.allow(request.client.host if request.client else "?")
        if not allowed:
            headers = dict(PAGE_HEADERS, **{"Retry-After": str(retry_after)})
            return HTMLResponse(tracking.too_many_page(config.portal_name), status_code=429, headers=headers)
        with db.read() as session:
            found = tracking.lookup(session, code, t)
            if found is None:
                return HTMLResponse(tracking.not_found_page(config.portal_name), status_code=404, headers=PAGE_HEADERS)
            if isinstance(found, tracking.Pending):
                page = tracking.pending_page(found, config.portal_name)
            else:
                page = tracking.dossier_page(session, found, config.portal_name)
        return HTMLResponse(page, headers=PAGE_HEADERS)

    _add_body_schema(app)
    return app


def _describe(errors: list[dict[str, Any]]) -> str:
    """Where and what is wrong, never the value sent (it may be personal data)."""
    parts = []
    for error in errors[:10]:
        if error.get("type") == "json_invalid":
            parts.append("body: not valid JSON")
            continue
        location = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
        parts.append(f"{location}: {error.get('msg', 'invalid')}")
    return "; ".join(parts)[:1000]


def _parse_dossier_body(raw: bytes) -> tuple[DossierBody | None, str]:
    """The validated body if `raw` is a valid dossier body in canonical form; else (None, what is wrong)."""
    try:
        parsed = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None, "body is not UTF-8 JSON"
    try:
        body = DossierBody.model_validate(parsed)
    except Exception as exc:  # pydantic.ValidationError
        errors = exc.errors() if hasattr(exc, "errors") else []
        return None, _describe(errors) or "invalid body"
    try:
        canonical = wire.canonical_json(parsed)
    except (UnicodeEncodeError, ValueError, TypeError):
        return None, "body cannot be written as canonical JSON"
    if canonical != raw:
        return None, "body is not in canonical form (sync.wire.canonical_json: NFC, sorted keys, no spaces)"
    return body, ""


def _add_body_schema(app: FastAPI) -> None:
    """Put DossierBody (read by hand from the raw bytes, so its hash is of what was sent) into the OpenAPI components."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = original()
        body_schema = DossierBody.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, definition in body_schema.pop("$defs", {}).items():
            components.setdefault(name, definition)
        components["DossierBody"] = body_schema
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
