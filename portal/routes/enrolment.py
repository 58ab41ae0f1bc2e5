"""`POST /api/v1/enrol`: a kiosk exchanges its one-time enrolment code for credentials."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from portal.answers import error_responses, json_answer
from portal.deps import ConfigDep, DatabaseDep
from portal.schemas import EnrolIn, EnrolOut
from portal.services import enrolment
from sync import wire

router = APIRouter()


@router.post(
    f"{wire.API_PREFIX}/enrol",
    status_code=201,
    response_model=EnrolOut,
    tags=["kiosk"],
    summary="Exchange a one-time enrolment code for kiosk credentials",
    responses=error_responses(403, 413, 422),
)
def enrol(payload: EnrolIn, db: DatabaseDep, config: ConfigDep) -> Any:
    with db.transaction() as session:
        result = enrolment.enrol(
            session, payload.code, payload.unit_id, payload.kiosk_number, payload.app_version,
            receipt_public_key=payload.receipt_public_key, unit_name=payload.unit_name,
        )
        if result is None:
            return json_answer(403, {"error": "forbidden", "message": "unknown, used or expired enrolment code, or issued for another kiosk"})
        kiosk, secret = result
        return {
            "service": wire.SERVICE,
            "kiosk_id": kiosk.id,
            "secret": secret,
            "unit_id": kiosk.unit_id,
            "kiosk_number": kiosk.kiosk_number,
            "portal_name": config.portal_name,
        }
