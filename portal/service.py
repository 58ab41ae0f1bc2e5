"""What the portal does, shared by the HTTP API (portal/app.py) and the command line (portal/cli.py).

Every function takes an open session (one transaction) and returns plain values; the API turns an
`Outcome` into an HTTP answer. Nothing here logs personal data: logs name dossiers by UUID and code.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import secrets
import uuid as uuid_module
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import statuses
from portal.db import iso, utcnow
from portal.models import Attachment, Delivery, Dossier, DossierRevision, EnrolmentCode, Kiosk, KioskReplacement, KioskReport, ReceiptKey, StatusChange
from portal.schemas import DossierBody
from portal.storage import ChunkError, FileStore, Held
from sync import wire

LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")

log = logging.getLogger(__name__)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand
CODE_LENGTH = 12  # 60 bits
DEFAULT_CODE_VALID_HOURS = 72
MAX_NOTE = 2000
_DUMMY_HASH = hashlib.sha256(b"no such kiosk").hexdigest()


class BadInput(ValueError):
    """A command-line argument that names nothing (unknown dossier code, unknown kiosk, bad status)."""


@dataclass
class Outcome:
    """An answer the API sends as JSON: HTTP status and body (the `service` marker is added by the API)."""

    status: int
    body: dict[str, Any] = field(default_factory=dict)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- enrolment and credentials -------------------------------------------------------------------


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
        if revoked_at is not None and revoked_at.astimezone(LOCAL_ZONE).date() < issued_on:
            continue
        keys.append((bytes.fromhex(key.public_key), key.unit_name))
    return keys


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


def record_report(session: Session, kiosk: Kiosk, queue_length: int, app_version: str, kiosk_time: datetime) -> KioskReport:
    """Keep what the kiosk said at this sync; the skew is its clock minus ours (rural PCs' clocks drift)."""
    now = utcnow()
    if kiosk_time.tzinfo is None:
        kiosk_time = kiosk_time.replace(tzinfo=timezone.utc)
    row = session.get(KioskReport, kiosk.id) or KioskReport(kiosk_id=kiosk.id)
    row.last_seen_at, row.queue_length, row.app_version = now, queue_length, app_version
    row.kiosk_time, row.clock_skew_s = kiosk_time, round((kiosk_time - now).total_seconds(), 1)
    session.add(row)
    return row


def list_kiosks(session: Session) -> list[dict[str, Any]]:
    reports = {r.kiosk_id: r for r in session.scalars(select(KioskReport))}
    rows = []
    for k in session.scalars(select(Kiosk).order_by(Kiosk.enrolled_at, Kiosk.id)):
        report = reports.get(k.id)
        rows.append({
            "kiosk_id": k.id,
            "unit_id": k.unit_id,
            "kiosk_number": k.kiosk_number,
            "app_version": (report.app_version if report and report.app_version else k.app_version),
            "enrolled_at": iso(k.enrolled_at),
            "revoked_at": iso(k.revoked_at),
            "last_sync_at": iso(report.last_seen_at) if report else None,
            "queue_length": report.queue_length if report else None,
            "clock_skew_s": report.clock_skew_s if report else None,
        })
    return rows


# --- attachments ---------------------------------------------------------------------------------


def _attachment_body(sha256: str, size: int, held: Held) -> dict[str, Any]:
    return {"sha256": sha256, "size": held.size if held.complete else size, "received": held.received, "complete": held.complete}


def attachment_status(session: Session, store: FileStore, sha256: str) -> Outcome:
    held = store.held(sha256)
    row = session.get(Attachment, sha256)
    size = held.size if held.complete else (row.size if row is not None else 0)
    return Outcome(200, _attachment_body(sha256, size or 0, held))


def put_chunk(session_factory, store: FileStore, kiosk: Kiosk, sha256: str, offset: int, size: int, data: bytes) -> Outcome:
    """Take bytes [offset, offset+len(data)) of a `size`-byte file (docs/sync-protocol.md); one writer per file.

    `session_factory()` opens a transaction: the bookkeeping row is written after the bytes are on disk.
    """
    with store.locked(sha256):
        held = store.held(sha256)
        if held.complete:
            if held.size != size:
                return Outcome(422, {"error": "size_mismatch", "message": "this SHA-256 names a file of another size", **_attachment_body(sha256, held.size or 0, held)})
            return Outcome(200, _attachment_body(sha256, size, held))
        with session_factory() as session:
            row = session.get(Attachment, sha256)
            if row is None:
                session.add(Attachment(sha256=sha256, size=size, first_kiosk_id=kiosk.id))
            elif row.size != size:
                # A different size for the same name: the bytes held so far belong to a mistake; start afresh.
                store.discard(sha256)
                row.size = size
        try:
            held = store.append(sha256, offset, size, data)
        except ChunkError as exc:
            if exc.kind == "offset_mismatch":
                return Outcome(409, {"error": exc.kind, "message": f"the portal holds {exc.held.received} bytes: continue from there", **_attachment_body(sha256, size, exc.held)})
            if exc.kind == "sha256_mismatch":
                log.warning("attachment %s: assembled file does not match its SHA-256; discarded", sha256)
            return Outcome(422, {"error": exc.kind, **_attachment_body(sha256, size, exc.held)})
        if held.complete:
            with session_factory() as session:
                row = session.get(Attachment, sha256)
                if row is not None and not row.complete:
                    row.complete = True
                    row.completed_at = utcnow()
            log.info("attachment %s complete (%d bytes)", sha256, size)
        return Outcome(200, _attachment_body(sha256, size, held))


# --- dossiers ------------------------------------------------------------------------------------


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed.astimezone(timezone.utc)


def _parse_attempt(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


def _ack(revision: DossierRevision, code: str) -> dict[str, Any]:
    return {
        "ack": {
            "uuid": revision.dossier_uuid,
            "revision": revision.revision,
            "body_sha256": revision.body_sha256,
            "code": code,
            "portal_received_at": iso(revision.portal_received_at),
        }
    }


def put_revision(
    session: Session,
    store: FileStore,
    kiosk: Kiosk,
    raw: bytes,
    body: DossierBody,
    *,
    sent_at: str | None = None,
    attempt: str | None = None,
    app_version: str | None = None,
) -> Outcome:
    """Store one revision exactly once (idempotent by uuid and revision; docs/sync-protocol.md)."""
    now = utcnow()
    digest = wire.body_sha256(raw)
    uuid = body.uuid.lower()
    sent_at_raw = (sent_at or "")[:64]
    attempt_raw = (attempt or "")[:16]

    def answer(outcome: str, status: int, payload: dict[str, Any]) -> Outcome:
        session.add(
            Delivery(
                dossier_uuid=uuid,
                revision=body.revision,
                body_sha256=digest,
                kiosk_id=kiosk.id,
                outcome=outcome,
                http_status=status,
                portal_received_at=now,
                kiosk_sent_at_raw=sent_at_raw,
                attempt_raw=attempt_raw,
            )
        )
        return Outcome(status, payload)

    forbidden = {"error": "forbidden", "message": "this dossier belongs to another kiosk"}
    if body.unit_id != kiosk.unit_id or body.kiosk_number != kiosk.kiosk_number:
        log.warning("dossier %s rev %s: unit/kiosk number in the body differ from kiosk %s's enrolment", uuid, body.revision, kiosk.id)
        return answer("forbidden", 403, forbidden)
    dossier = session.get(Dossier, uuid)
    if dossier is not None and (dossier.unit_id, dossier.kiosk_number) != (kiosk.unit_id, kiosk.kiosk_number):
        log.warning("dossier %s rev %s: kiosk %s tried to write another kiosk's dossier", uuid, body.revision, kiosk.id)
        return answer("forbidden", 403, forbidden)

    existing = session.scalars(
        select(DossierRevision).where(DossierRevision.dossier_uuid == uuid, DossierRevision.revision == body.revision)
    ).first()
    if existing is not None:
        if existing.body_sha256 == digest:
            return answer("repeat", 200, _ack(existing, dossier.code if dossier else body.code))
        log.warning(
            "conflict: dossier %s (%s) revision %s from kiosk %s: body sha256 %s differs from the one held (%s); refused",
            uuid, dossier.code if dossier else "?", body.revision, kiosk.id, digest, existing.body_sha256,
        )
        return answer("conflict", 409, {"error": "conflict", "reason": "body_differs", "message": "a different body is held for this uuid and revision"})

    if dossier is not None and dossier.code != body.code:
        log.warning("conflict: dossier %s revision %s changes its code %s; refused", uuid, body.revision, dossier.code)
        return answer("conflict", 409, {"error": "conflict", "reason": "code_changed", "message": "a revision cannot change the dossier code"})
    if dossier is None:
        other = session.scalars(select(Dossier.uuid).where(Dossier.code == body.code)).first()
        if other is not None:
            log.warning("conflict: dossier %s uses code %s already held by dossier %s; refused", uuid, body.code, other)
            return answer("conflict", 409, {"error": "conflict", "reason": "code_in_use", "message": "another dossier holds this code"})

    missing = sorted({a.sha256 for a in body.attachments if not store.is_complete(a.sha256)})
    if missing:
        log.info("dossier %s revision %s: %d attachment(s) not held yet", uuid, body.revision, len(missing))
        return answer("missing_attachments", 409, {"error": "missing_attachments", "missing": missing})
    for index, ref in enumerate(body.attachments):
        if store.path(ref.sha256).stat().st_size != ref.size:
            return answer("invalid", 422, {"error": "invalid", "detail": f"attachments.{index}.size: differs from the file held"})

    if dossier is None:
        dossier = Dossier(
            uuid=uuid,
            code=body.code,
            unit_id=body.unit_id,
            kiosk_number=body.kiosk_number,
            kiosk_id=kiosk.id,
            revision=0,
            procedure_code=body.procedure_code,
            procedure_version=body.procedure_version,
            tracking_token=body.tracking_token,
            created_at=now,
        )
        session.add(dossier)
    if body.revision > dossier.revision:  # the newest revision describes the dossier; an older one arriving late is history
        dossier.revision = body.revision
        dossier.procedure_code = body.procedure_code
        dossier.procedure_version = body.procedure_version
        dossier.received_at = _parse_time(body.received_at)
        dossier.appointment_date = body.appointment_date
        dossier.appointment_time = body.appointment_time
        dossier.tracking_token = body.tracking_token
        dossier.updated_at = now
    revision = DossierRevision(
        dossier_uuid=uuid,
        revision=body.revision,
        body=raw,
        body_sha256=digest,
        kiosk_id=kiosk.id,
        portal_received_at=now,
        kiosk_sent_at=_parse_time(sent_at_raw),
        kiosk_sent_at_raw=sent_at_raw,
        attempt=_parse_attempt(attempt_raw),
        app_version=(app_version or kiosk.app_version or "")[:40],
    )
    session.add(revision)
    session.flush()
    log.info("dossier %s (%s) revision %s received from kiosk %s", uuid, body.code, body.revision, kiosk.id)
    return answer("created", 201, _ack(revision, dossier.code))


def status_changes(session: Session, kiosk: Kiosk, since: str | None, limit: int) -> Outcome:
    since_id = int(since) if since else 0
    rows = session.execute(
        select(StatusChange, Dossier.code)
        .join(Dossier, StatusChange.dossier_uuid == Dossier.uuid)
        .where(StatusChange.unit_id == kiosk.unit_id, StatusChange.kiosk_number == kiosk.kiosk_number, StatusChange.id > since_id)
        .order_by(StatusChange.id)
        .limit(limit + 1)
    ).all()
    more = len(rows) > limit
    rows = rows[:limit]
    changes = [
        {"cursor": str(change.id), "uuid": change.dossier_uuid, "code": code, "status": change.status, "note": change.note, "at": iso(change.at)}
        for change, code in rows
    ]
    return Outcome(200, {"changes": changes, "next": changes[-1]["cursor"] if changes else str(since_id), "more": more})


def find_dossier(session: Session, code_or_uuid: str) -> Dossier | None:
    key = code_or_uuid.strip()
    for candidate in dict.fromkeys((key, key.upper())):
        found = session.scalars(select(Dossier).where(Dossier.code == candidate)).first()
        if found is not None:
            return found
    return session.get(Dossier, key.lower())


def set_status(session: Session, code_or_uuid: str, status: int, note: str | None = None) -> StatusChange:
    if status not in wire.PORTAL_STATUSES:
        raise BadInput(f"Trạng thái phải là một số từ 1 đến 10, không phải {status}")
    dossier = find_dossier(session, code_or_uuid)
    if dossier is None:
        raise BadInput(f"Không có hồ sơ {code_or_uuid!r} trên cổng (hồ sơ chưa được đồng bộ?)")
    note = (note or "").strip()[:MAX_NOTE] or None
    now = utcnow()
    change = StatusChange(
        dossier_uuid=dossier.uuid, unit_id=dossier.unit_id, kiosk_number=dossier.kiosk_number, status=status, note=note, at=now
    )
    session.add(change)
    dossier.status = status
    dossier.status_at = now
    session.flush()
    log.info("dossier %s (%s): status %s", dossier.uuid, dossier.code, status)
    return change


def dossier_summary(dossier: Dossier) -> dict[str, Any]:
    """A listing row: codes, numbers and times only (no personal data)."""
    first = dossier.revisions[0] if dossier.revisions else None
    return {
        "uuid": dossier.uuid,
        "code": dossier.code,
        "revision": dossier.revision,
        "revisions": [
            {
                "revision": r.revision,
                "body_sha256": r.body_sha256,
                "portal_received_at": iso(r.portal_received_at),
                "kiosk_sent_at": r.kiosk_sent_at_raw or None,
                "attempt": r.attempt,
                "kiosk_id": r.kiosk_id,
            }
            for r in dossier.revisions
        ],
        "procedure_code": dossier.procedure_code,
        "procedure_version": dossier.procedure_version,
        "procedure_name": procedure_name(dossier.procedure_code, dossier.procedure_version),
        "unit_id": dossier.unit_id,
        "kiosk_number": dossier.kiosk_number,
        "kiosk_id": dossier.kiosk_id,
        "received_at": iso(dossier.received_at),
        "appointment_date": dossier.appointment_date,
        "appointment_time": dossier.appointment_time,
        "status": dossier.status,
        "status_label": statuses.label(dossier.status) if dossier.status else None,
        "status_at": iso(dossier.status_at),
        "portal_received_at": iso(first.portal_received_at) if first else None,
        "updated_at": iso(dossier.updated_at),
        "attachments": sorted({a["sha256"] for r in dossier.revisions[-1:] for a in _attachments_of(r.body)}),
    }


def _attachments_of(raw: bytes) -> list[dict[str, Any]]:
    import json

    try:
        found = json.loads(raw).get("attachments") or []
    except (ValueError, AttributeError):
        return []
    return [a for a in found if isinstance(a, dict) and isinstance(a.get("sha256"), str)]


def list_dossiers(session: Session, limit: int | None = None) -> list[dict[str, Any]]:
    query = select(Dossier).order_by(Dossier.created_at, Dossier.code)
    if limit:
        query = query.limit(limit)
    deliveries = dict(session.execute(select(Delivery.dossier_uuid, func.count()).group_by(Delivery.dossier_uuid)).all())
    return [{**dossier_summary(d), "deliveries": deliveries.get(d.uuid, 0)} for d in session.scalars(query)]


# --- catalogue -----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def catalogue() -> tuple[dict[str, str], ...]:
    """Every procedure version in forms/ that loads (code, version, name, digest), by code then version."""
    from forms.catalogue import load_catalogue

    loaded = load_catalogue()
    for error in loaded.errors:
        log.warning("procedure definition not served: %s", error)
    return tuple({"code": p.code, "version": p.version, "name": p.name, "digest": p.digest} for p in loaded.all_versions())


def procedure_name(code: str, version: str | None = None) -> str | None:
    entries = [p for p in catalogue() if p["code"] == code]
    exact = [p for p in entries if p["version"] == version]
    chosen = exact or entries[-1:]
    return chosen[0]["name"] if chosen else None
