"""`GET /tra-cuu/{code}?t=TOKEN`: the citizen tracking page (HTML), rate-limited per client address."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from portal import tracking
from portal.deps import ConfigDep, DatabaseDep, LimiterDep
from portal.pages import PAGE_HEADERS

router = APIRouter()


@router.get(
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
    db: DatabaseDep,
    config: ConfigDep,
    limiter: LimiterDep,
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
