"""`GET /api/v1/status-changes`: a kiosk pulls its dossiers' status changes since a cursor."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from portal.answers import error_responses
from portal.deps import DatabaseDep, KioskAuth
from portal.schemas import StatusChangesOut
from portal.services import status_changes as changes  # the endpoint keeps the name status_changes (its operationId)
from sync import wire

router = APIRouter()


@router.get(
    f"{wire.API_PREFIX}/status-changes",
    response_model=StatusChangesOut,
    tags=["kiosk"],
    summary="Status changes of this kiosk's dossiers since a cursor, oldest first",
    responses=error_responses(401, 422),
)
def status_changes(
    kiosk: KioskAuth,
    db: DatabaseDep,
    since: Annotated[str | None, Query(pattern=r"^[0-9]{0,18}$", description="`next` of the previous answer; empty for all")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Any:
    with db.read() as session:
        outcome = changes.status_changes(session, kiosk, since, limit)
    return {"service": wire.SERVICE, **outcome.body}
