"""`GET /api/v1/health`: how a kiosk tells the portal from a captive portal, and reads the portal's clock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter

from portal.db import iso, utcnow
from portal.deps import ConfigDep
from portal.schemas import HealthOut
from sync import wire

router = APIRouter()


@router.get(f"{wire.API_PREFIX}/health", response_model=HealthOut, tags=["kiosk"], summary="Tell the portal from a captive portal")
def health(config: ConfigDep) -> dict[str, Any]:
    now = utcnow() + timedelta(seconds=config.clock_offset_s)
    return {"service": wire.SERVICE, "api": wire.API_VERSION, "portal_name": config.portal_name, "time": iso(now)}
