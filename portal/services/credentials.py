"""Kiosk credentials: checking a `<kiosk_id>:<secret>` bearer token, and revoking a kiosk."""

from __future__ import annotations

import hashlib
import hmac
import logging

from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.models import Kiosk
from portal.services.outcomes import BadInput

log = logging.getLogger("portal.service")  # one name for the whole layer: see portal/services/__init__.py

_DUMMY_HASH = hashlib.sha256(b"no such kiosk").hexdigest()


def sha256_hex(text: str) -> str:
    """How secrets and enrolment codes are stored: only their SHA-256 (hex)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_bearer(token: str | None) -> tuple[str, str] | None:
    if not token or ":" not in token:
        return None
    kiosk_id, secret = token.split(":", 1)
    return (kiosk_id, secret) if kiosk_id and secret else None


def authenticate(session: Session, token: str | None) -> Kiosk | None:
    """The kiosk whose `<kiosk_id>:<secret>` this is, unless unknown, wrong or revoked (constant-time compare)."""
    parsed = parse_bearer(token)
    if parsed is None:
        return None
    kiosk_id, secret = parsed
    kiosk = session.get(Kiosk, kiosk_id[:40])
    expected = kiosk.secret_sha256 if kiosk is not None else _DUMMY_HASH
    matches = hmac.compare_digest(expected.encode("ascii"), sha256_hex(secret).encode("ascii"))
    if kiosk is None or not matches or kiosk.revoked_at is not None:
        return None
    return kiosk


def revoke(session: Session, kiosk_id: str) -> Kiosk:
    kiosk = session.get(Kiosk, kiosk_id)
    if kiosk is None:
        raise BadInput(f"Không có máy kiosk {kiosk_id!r}")
    if kiosk.revoked_at is None:
        kiosk.revoked_at = utcnow()
        log.info("kiosk %s revoked", kiosk.id)
    return kiosk
