"""Exception handlers: every error leaves as JSON with the service marker and never echoes what was sent."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from portal.answers import describe_errors, json_answer
from portal.middleware import redacted

log = logging.getLogger("portal")


class Unauthorized(Exception):
    """Raised by the kiosk authentication dependency (portal/deps.py); answered 401 with `WWW-Authenticate`."""


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if exc.status_code == 400:  # FastAPI could not parse the body (not JSON, not UTF-8): invalid like any other body
        return json_answer(422, {"error": "invalid", "detail": "body: not valid JSON"})
    names = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}
    return json_answer(exc.status_code, {"error": names.get(exc.status_code, "http_error"), "message": str(exc.detail)}, getattr(exc, "headers", None))


async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
    return json_answer(422, {"error": "invalid", "detail": describe_errors(exc.errors())})


async def _unauthorized(request: Request, exc: Unauthorized) -> JSONResponse:
    return json_answer(401, {"error": "unauthorized"}, {"WWW-Authenticate": "Bearer"})


async def _busy(request: Request, exc: OperationalError) -> JSONResponse:
    log.warning("database unavailable on %s %s: %s", request.method, redacted(request.url.path), type(exc.orig).__name__)
    return json_answer(503, {"error": "unavailable", "message": "database busy, try again"}, {"Retry-After": "5"})


def add_exception_handlers(app: FastAPI) -> None:
    """Install the handlers on the app (the same four, in the same order, as when they were nested in create_app)."""
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(Unauthorized, _unauthorized)
    app.add_exception_handler(OperationalError, _busy)
