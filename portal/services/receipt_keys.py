"""Receipt keys: the Ed25519 public keys kiosks sign receipt tokens with, which of them vouch for a receipt, and
the unit identifiers a kiosk issues codes under (its enrolment's, and a re-issued one registered with its key)."""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from forms.timezone import VN_TZ
from portal.models import Kiosk, ReceiptKey, UnitAlias

log = logging.getLogger("portal.service")  # one name for the whole layer: see portal/services/__init__.py


class SlotTaken(Exception):
    """Another active kiosk issues codes under that identifier and kiosk number: this kiosk may not claim it."""


def kiosk_unit_ids(session: Session, kiosk: Kiosk) -> set[str]:
    """Every identifier the kiosk's codes may carry: its enrolment's and the aliases it registered."""
    return {kiosk.unit_id, *session.scalars(select(UnitAlias.unit_id).where(UnitAlias.kiosk_id == kiosk.id))}


def record_unit_alias(session: Session, kiosk: Kiosk, unit_id: str) -> None:
    """Accept `unit_id` as this kiosk's too (idempotent), unless another active kiosk holds that slot."""
    if unit_id in kiosk_unit_ids(session, kiosk):
        return
    holders = set(session.scalars(select(Kiosk.id).where(Kiosk.unit_id == unit_id, Kiosk.kiosk_number == kiosk.kiosk_number, Kiosk.revoked_at.is_(None))))
    holders |= set(session.scalars(
        select(UnitAlias.kiosk_id).join(Kiosk, Kiosk.id == UnitAlias.kiosk_id)
        .where(UnitAlias.unit_id == unit_id, UnitAlias.kiosk_number == kiosk.kiosk_number, Kiosk.revoked_at.is_(None))
    ))
    if holders - {kiosk.id}:
        raise SlotTaken(f"unit {unit_id} kiosk {kiosk.kiosk_number} belongs to another kiosk")
    session.add(UnitAlias(kiosk_id=kiosk.id, unit_id=unit_id, kiosk_number=kiosk.kiosk_number))
    log.info("kiosk %s now also issues codes under unit %s", kiosk.id, unit_id)


def register_receipt_key(session: Session, kiosk: Kiosk, public_key_hex: str, unit_name: str = "", unit_id: str | None = None) -> ReceiptKey:
    """Record (idempotently) the public key a kiosk signs its receipt tokens with; `unit_id`, when it differs
    from the enrolment's, becomes an alias of the kiosk (raises SlotTaken when another kiosk holds it)."""
    if unit_id and unit_id != kiosk.unit_id:
        record_unit_alias(session, kiosk, unit_id)
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
    aliased_kiosks = select(UnitAlias.kiosk_id).where(UnitAlias.unit_id == unit_id, UnitAlias.kiosk_number == kiosk_number)
    rows = session.execute(
        select(ReceiptKey, Kiosk.revoked_at).join(Kiosk, Kiosk.id == ReceiptKey.kiosk_id).where(
            or_(
                (ReceiptKey.unit_id == unit_id) & (ReceiptKey.kiosk_number == kiosk_number),
                ReceiptKey.kiosk_id.in_(aliased_kiosks),  # a receipt under the kiosk's re-issued identifier
            )
        )
    ).all()
    keys = []
    for key, revoked_at in rows:
        if revoked_at is not None and revoked_at.astimezone(VN_TZ).date() < issued_on:
            continue
        keys.append((bytes.fromhex(key.public_key), key.unit_name))
    return keys
