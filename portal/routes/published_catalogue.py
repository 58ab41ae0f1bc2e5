"""`GET /api/v1/catalogue/published`: the signed procedure versions kiosks install (portal/services/publishing.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from portal.answers import error_responses
from portal.deps import DatabaseDep, KioskAuth
from portal.schemas import PublishedCatalogueOut
from portal.services import publishing
from sync import wire

router = APIRouter()


@router.get(
    f"{wire.API_PREFIX}/catalogue/published",
    response_model=PublishedCatalogueOut,
    tags=["kiosk"],
    summary="Signed procedure versions published to kiosks (verify with the key pinned in the kiosk's package)",
    responses=error_responses(401),
)
def published_catalogue(kiosk: KioskAuth, db: DatabaseDep) -> Any:
    with db.read() as session:
        return {"service": wire.SERVICE, "published": publishing.published(session)}
