"""`PUT /api/v1/receipt-key`: a kiosk registers the public key its receipt tokens are signed with."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from portal.answers import error_responses, json_answer
from portal.deps import DatabaseDep, KioskAuth
from portal.schemas import ReceiptKeyIn, ReceiptKeyOut
from portal.services.receipt_keys import SlotTaken, register_receipt_key
from sync import wire

router = APIRouter()


@router.put(
    f"{wire.API_PREFIX}/receipt-key",
    response_model=ReceiptKeyOut,
    tags=["kiosk"],
    summary="Register the Ed25519 public key this kiosk signs its receipt tokens with",
    responses=error_responses(401, 409, 413, 422),
)
def receipt_key(payload: ReceiptKeyIn, kiosk: KioskAuth, db: DatabaseDep) -> Any:
    try:
        with db.transaction() as session:
            row = register_receipt_key(session, session.merge(kiosk), payload.public_key, payload.unit_name, payload.unit_id)
            return {"service": wire.SERVICE, "registered": True, "public_key": row.public_key}
    except SlotTaken:
        return json_answer(409, {"error": "conflict", "message": "this unit identifier and kiosk number belong to another kiosk"})
