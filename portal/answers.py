"""JSON answers with the service marker, the OpenAPI description of error answers, and safe error details."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

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
