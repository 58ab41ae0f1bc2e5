"""`GET /api/v1/health`: how a kiosk tells the portal from a captive portal, and reads the portal's clock;
`GET /api/v1/health/ready`: whether this worker can serve, for a load balancer (one answer per worker)."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from portal.answers import json_answer
from portal.db import iso, utcnow
from portal.deps import ConfigDep, DatabaseDep, FilesDep
from portal.schemas import HealthOut, ReadyOut
from sync import wire

router = APIRouter()


@router.get(f"{wire.API_PREFIX}/health", response_model=HealthOut, tags=["kiosk"], summary="Tell the portal from a captive portal")
def health(config: ConfigDep) -> dict[str, Any]:
    now = utcnow() + timedelta(seconds=config.clock_offset_s)
    return {"service": wire.SERVICE, "api": wire.API_VERSION, "portal_name": config.portal_name, "time": iso(now)}


@router.get(
    f"{wire.API_PREFIX}/health/ready",
    response_model=ReadyOut,
    tags=["operations"],
    summary="Is this worker ready to serve (for a load balancer)",
    responses={503: {"model": ReadyOut, "description": "not ready: `problems` says what is wrong"}},
)
def ready(db: DatabaseDep, store: FilesDep) -> JSONResponse:
    """Asks this worker's own connections: the database answers and holds the schema revision of this code, and the
    file store takes a file. No credentials and no rate limit: a load balancer polls every worker; the answer names
    no data, only what is wrong (error types, never their text, which may quote a connection string)."""
    from portal.schema import current_revision, head_revision

    problems: list[str] = []
    revision = None
    try:
        with db.engine.connect() as connection:
            revision = current_revision(connection)
        if revision != head_revision():
            problems.append(f"database schema at revision {revision}, this code needs {head_revision()}")
    except Exception as exc:  # noqa: BLE001 - any failure to reach the database is "not ready"
        problems.append(f"database unreachable: {type(exc).__name__}")
    try:
        store.probe()
    except OSError as exc:
        problems.append(f"file store not writable: {os.strerror(exc.errno) if exc.errno else type(exc).__name__}")
    body = {"ready": not problems, "pid": os.getpid(), "revision": revision, "problems": problems}
    return json_answer(503 if problems else 200, body)
