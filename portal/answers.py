"""JSON answers with the service marker, the OpenAPI description of error answers, and safe error details."""

from __future__ import annotations

import json
import unicodedata
from typing import Any, TypeVar

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

from portal.schemas import ErrorOut
from sync import wire


def json_answer(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    """Every JSON answer carries `"service": "mot-cua-portal"`, so a kiosk can tell the portal from a captive portal."""
    return JSONResponse({"service": wire.SERVICE, **body}, status_code=status, headers=headers)


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The `responses` of a route for these error statuses, as the OpenAPI document lists them."""
    described = {
        401: "missing, wrong or revoked credentials",
        403: "not allowed",
        404: "not found",
        409: "conflict",
        413: "body too large",
        422: "invalid request",
    }
    return {code: {"model": ErrorOut, "description": described.get(code, "error")} for code in codes}


def describe_errors(errors: list[dict[str, Any]]) -> str:
    """Where and what is wrong, never the value sent (it may be personal data)."""
    parts = []
    for error in errors[:10]:
        if error.get("type") == "json_invalid":
            parts.append("body: not valid JSON")
            continue
        location = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
        parts.append(f"{location}: {error.get('msg', 'invalid')}")
    return "; ".join(parts)[:1000]


BodyModel = TypeVar("BodyModel", bound=BaseModel)


def _already_canonical(raw: bytes, parsed: Any) -> bool:
    """The common case's quick yes: the whole text is NFC and re-serialises to itself (sorted keys, no spaces).

    Then every string in it is NFC too (each appears literally, between quotes, which never compose with a
    neighbour), so `wire.canonical_json` would return these same bytes without normalising each string one by
    one. Anything else (False) goes the full way, which gives the answer.
    """
    try:
        text = raw.decode("utf-8")
        if not unicodedata.is_normalized("NFC", text):
            return False
        return json.dumps(parsed, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False) == text
    except (UnicodeError, ValueError, TypeError):
        return False


def parse_canonical_body(raw: bytes, model: type[BodyModel]) -> tuple[BodyModel | None, str]:
    """The validated body if `raw` is a valid `model` in canonical form (sync.wire.canonical_json); else (None, why).

    Dossier revisions and counter events are both stored and acknowledged by the hash of these exact bytes,
    so a body that parses but is not canonical is refused rather than re-serialised.
    """
    try:
        parsed = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None, "body is not UTF-8 JSON"
    try:
        body = model.model_validate(parsed)
    except ValidationError as exc:
        return None, describe_errors(exc.errors()) or "invalid body"
    if _already_canonical(raw, parsed):
        return body, ""
    try:
        canonical = wire.canonical_json(parsed)
    except (UnicodeEncodeError, ValueError, TypeError):
        return None, "body cannot be written as canonical JSON"
    if canonical != raw:
        return None, "body is not in canonical form (sync.wire.canonical_json: NFC, sorted keys, no spaces)"
    return body, ""

