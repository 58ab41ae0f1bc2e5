"""Enrolment: one-time codes for a kiosk slot (or a replacement PC), exchanged once for kiosk credentials."""

from __future__ import annotations

import logging
import secrets
import uuid as uuid_module
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.models import EnrolmentCode, Kiosk, KioskReplacement
from portal.services.credentials import revoke, sha256_hex
from portal.services.outcomes import BadInput
from portal.services.receipt_keys import register_receipt_key

log = logging.getLogger("portal.service")  # one name for the whole layer: see portal/services/__init__.py

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand
CODE_LENGTH = 12  # 60 bits
DEFAULT_CODE_VALID_HOURS = 72


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def issue_enrolment_code(session: Session, unit_id: str, kiosk_number: int, valid_hours: float = DEFAULT_CODE_VALID_HOURS) -> tuple[str, EnrolmentCode]:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    shown = "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))
    now = utcnow()
    row = EnrolmentCode(
        code_sha256=sha256_hex(raw),
        unit_id=unit_id,
        kiosk_number=kiosk_number,
        created_at=now,
        expires_at=now + timedelta(hours=valid_hours),
    )
    session.add(row)
    session.flush()
    return shown, row


def used_kiosk_numbers(session: Session, unit_id: str) -> set[int]:
    """Kiosk numbers any kiosk of the unit has had: their dossier codes exist, so a replacement never gets one."""
    return set(session.scalars(select(Kiosk.kiosk_number).where(Kiosk.unit_id == unit_id)))


def issue_replacement_code(session: Session, replaces: str, kiosk_number: int, valid_hours: float = DEFAULT_CODE_VALID_HOURS) -> tuple[str, EnrolmentCode]:
    """A code for the PC replacing `replaces`; it needs a kiosk number the unit never used (no code of the
    old PC can come back, even the ones it issued offline and never sent), and using it revokes the old kiosk."""
    old = session.get(Kiosk, replaces)
    if old is None:
        raise BadInput(f"Không có máy kiosk {replaces!r}")
    used = used_kiosk_numbers(session, old.unit_id)
    if kiosk_number in used:
        free = [n for n in range(1, 10) if n not in used]
        hint = f"; số còn trống: {', '.join(map(str, free))}" if free else "; đơn vị đã dùng hết số 1–9"
        raise BadInput(f"Số máy {kiosk_number} đã dùng ở đơn vị {old.unit_id}: máy thay thế cần số máy mới{hint}.")
    shown, row = issue_enrolment_code(session, old.unit_id, kiosk_number, valid_hours)
    session.add(KioskReplacement(code_sha256=row.code_sha256, replaces_kiosk_id=old.id))
    return shown, row


def enrol(
    session: Session, code: str, unit_id: str, kiosk_number: int, app_version: str, *, receipt_public_key: str | None = None, unit_name: str = ""
) -> tuple[Kiosk, str] | None:
    """Exchange a valid, unused, unexpired code issued for this (unit_id, kiosk_number) for credentials; else None."""
    row = session.scalars(select(EnrolmentCode).where(EnrolmentCode.code_sha256 == sha256_hex(normalise_code(code)))).first()
    now = utcnow()
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    if row.unit_id != unit_id or row.kiosk_number != kiosk_number:
        return None  # a code is for one kiosk slot; it stays unused
    secret = secrets.token_urlsafe(32)
    kiosk = Kiosk(
        id=f"k-{uuid_module.uuid4().hex[:20]}",
        unit_id=unit_id,
        kiosk_number=kiosk_number,
        secret_sha256=sha256_hex(secret),
        app_version=app_version,
        enrolled_at=now,
    )
    session.add(kiosk)
    row.used_at = now
    row.kiosk_id = kiosk.id
    session.flush()
    replacement = session.get(KioskReplacement, row.code_sha256)
    if replacement is not None:
        revoke(session, replacement.replaces_kiosk_id)
        log.info("kiosk %s replaces %s (revoked)", kiosk.id, replacement.replaces_kiosk_id)
    if receipt_public_key:
        register_receipt_key(session, kiosk, receipt_public_key, unit_name)
    log.info("kiosk %s enrolled for unit %s kiosk %s", kiosk.id, unit_id, kiosk_number)
    return kiosk, secret
