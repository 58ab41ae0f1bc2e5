"""Receipt keys: the Ed25519 public keys kiosks sign receipt tokens with, and which of them vouch for a receipt."""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from forms.timezone import VN_TZ
from portal.models import Kiosk, ReceiptKey

log = logging.getLogger("portal.service")  # one name for the whole layer: see portal/services/__init__.py


def register_receipt_key(session: Session, kiosk: Kiosk, public_key_hex: str, unit_name: str = "") -> ReceiptKey:
    """Record (idempotently) the public key a kiosk signs its receipt tokens with."""
    existing = session.scalars(select(ReceiptKey).where(ReceiptKey.kiosk_id == kiosk.id, ReceiptKey.public_key == public_key_hex)).first()
    if existing is not None:
        if unit_name and existing.unit_name != unit_name:
            existing.unit_name = unit_name
        return existing
    row = ReceiptKey(kiosk_id=kiosk.id, unit_id=kiosk.unit_id, kiosk_number=kiosk.kiosk_number, public_key=public_key_hex, unit_name=unit_name)
    session.add(row)
    session.flush()
    log.info("receipt key registered for kiosk %s", kiosk.id)
    return row


def receipt_keys_for_slot(session: Session, unit_id: str, kiosk_number: int, issued_on: date) -> list[tuple[bytes, str]]:
    """(public key, unit name) of the slot's kiosks that could have signed a receipt issued on that local day.

    A revoked kiosk's key still vouches for receipts dated up to the day it was revoked, never after
    (a stolen kiosk cannot make new genuine receipts once revoked).
    """
    rows = session.execute(
        select(ReceiptKey, Kiosk.revoked_at).join(Kiosk, Kiosk.id == ReceiptKey.kiosk_id).where(
            ReceiptKey.unit_id == unit_id, ReceiptKey.kiosk_number == kiosk_number
        )
    ).all()
    keys = []
    for key, revoked_at in rows:
        if revoked_at is not None and revoked_at.astimezone(VN_TZ).date() < issued_on:
            continue
        keys.append((bytes.fromhex(key.public_key), key.unit_name))
    return keys
