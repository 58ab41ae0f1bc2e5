"""Kiosk credentials: checking a `<kiosk_id>:<secret>` bearer token, and revoking a kiosk."""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.models import Kiosk, UnitAlias
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


@dataclass(frozen=True)
class KioskCredential:
    """What a write needs of the kiosk that sent it, read inside the write's own transaction (`authenticate_row`)."""

    id: str
    unit_id: str
    kiosk_number: int
    app_version: str
    unit_ids: frozenset[str]  # the enrolment's identifier and its aliases (what the kiosk's codes may carry)


_KIOSK_AND_ALIASES = (
    select(Kiosk.id, Kiosk.unit_id, Kiosk.kiosk_number, Kiosk.app_version, Kiosk.secret_sha256, Kiosk.revoked_at,
           UnitAlias.unit_id.label("alias_unit_id"))
    .outerjoin(UnitAlias, UnitAlias.kiosk_id == Kiosk.id)
    .where(Kiosk.id == bindparam("p_kiosk_id"))
)  # built once: a request only binds the id


def authenticate_row(session: Session, token: str | None) -> KioskCredential | None:
    """`authenticate`, in one indexed statement (the kiosk by primary key, its unit aliases by theirs' prefix).

    Run inside the writing transaction, so a revocation committed before it takes effect on this very request on
    every worker, and the write needs no second session. Unknown ids still pay a constant-time compare against
    a dummy hash, so the answer's timing does not tell an unknown id from a wrong secret.
    """
    parsed = parse_bearer(token)
    if parsed is None:
        return None
    kiosk_id, secret = parsed
    rows = session.connection().execute(_KIOSK_AND_ALIASES, {"p_kiosk_id": kiosk_id[:40]}).all()
    row = rows[0] if rows else None
    expected = row.secret_sha256 if row is not None else _DUMMY_HASH
    matches = hmac.compare_digest(expected.encode("ascii"), sha256_hex(secret).encode("ascii"))
    if row is None or not matches or row.revoked_at is not None:
        return None
    aliases = frozenset(r.alias_unit_id for r in rows if r.alias_unit_id is not None)
    return KioskCredential(row.id, row.unit_id, row.kiosk_number, row.app_version or "", aliases | {row.unit_id})


def revoke(session: Session, kiosk_id: str) -> Kiosk:
    kiosk = session.get(Kiosk, kiosk_id)
    if kiosk is None:
        raise BadInput(f"Không có máy kiosk {kiosk_id!r}")
    if kiosk.revoked_at is None:
        kiosk.revoked_at = utcnow()
        log.info("kiosk %s revoked", kiosk.id)
    return kiosk
