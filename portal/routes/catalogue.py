"""`GET /api/v1/catalogue`: the procedure definitions in forms/ the portal knows."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from portal.answers import error_responses
from portal.deps import KioskAuth
from portal.schemas import CatalogueOut
from portal.services import catalogue as procedures  # the endpoint keeps the name catalogue (its operationId)
from sync import wire

router = APIRouter()


@router.get(
    f"{wire.API_PREFIX}/catalogue",
    response_model=CatalogueOut,
    tags=["kiosk"],
    summary="Procedure definitions the portal knows (code, version, name, digest)",
    responses=error_responses(401),
)
def catalogue(kiosk: KioskAuth) -> Any:
    return {"service": wire.SERVICE, "procedures": list(procedures.catalogue())}
