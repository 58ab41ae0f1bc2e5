"""The fleet: `PUT /api/v1/kiosk-report` (what a kiosk says at each sync) and the admin's fleet page."""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from portal import fleet, tracking
from portal.answers import error_responses
from portal.db import iso
from portal.deps import ConfigDep, DatabaseDep, KioskAuth
from portal.pages import PAGE_HEADERS
from portal.schemas import KioskReportIn, KioskReportOut
from portal.services import audit_witness
from portal.services.fleet import list_kiosks, record_report
from sync import wire

router = APIRouter()


@router.put(
    f"{wire.API_PREFIX}/kiosk-report",
    response_model=KioskReportOut,
    tags=["kiosk"],
    summary="What the kiosk says at each sync (queue length, version, its clock, its audit chain head), for the fleet view",
    responses=error_responses(401, 413, 422),
)
def kiosk_report(payload: KioskReportIn, kiosk: KioskAuth, db: DatabaseDep) -> Any:
    with db.transaction() as session:
        kiosk_time = datetime.fromisoformat(payload.kiosk_time.replace("Z", "+00:00"))
        kiosk = session.merge(kiosk)
        row = record_report(session, kiosk, payload.queue_length, payload.app_version, kiosk_time)
        answer = {"service": wire.SERVICE, "recorded": True, "portal_time": iso(row.last_seen_at), "clock_skew_s": row.clock_skew_s}
        if payload.audit_head is not None:  # docs/security.md, "Audit trail": the portal as witness
            head = payload.audit_head
            answer["audit_witness"] = audit_witness.answer(audit_witness.witness(session, kiosk, head.seq, head.mac, head.held_seq, head.held_mac))
        return answer


@router.get(
    "/quan-tri/may-tiep-nhan",
    response_class=HTMLResponse,
    tags=["back office"],
    summary="Fleet view (HTML): each kiosk's last sync, queue, version and clock skew; needs the admin token",
    responses={404: {"description": "no admin token configured, or a wrong one", "content": {"text/html": {}}}},
)
def fleet_page(
    db: DatabaseDep,
    config: ConfigDep,
    token: Annotated[str | None, Query(description="the admin token given to serve (KIOSK_PORTAL_ADMIN_TOKEN or --admin-token-file)")] = None,
) -> HTMLResponse:
    expected = (config.admin_token or "").encode("utf-8")
    if not expected or not hmac.compare_digest(expected, (token or "").encode("utf-8")[:200]):
        # The tracking page's neutral 404: a wrong token does not even say this page exists.
        return HTMLResponse(tracking.not_found_page(config.portal_name), status_code=404, headers=PAGE_HEADERS)
    with db.read() as session:
        rows = list_kiosks(session)
    return HTMLResponse(fleet.page(rows, config.portal_name), headers=PAGE_HEADERS)
