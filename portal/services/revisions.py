"""Dossier revisions: each (uuid, revision) stored exactly once, however often a kiosk delivers it.

The hot path of a herd of reconnecting kiosks (bench/ingest.py), so it is written in Core statements, not the ORM's
unit of work: a first delivery is one SELECT of the dossier, the dossier's and the revision's
`INSERT … ON CONFLICT DO NOTHING RETURNING`, and the delivery log's INSERT. The unique keys decide exactly-once;
an insert that did nothing is followed by the SELECT that tells a repeat from a conflict (docs/benchmarks.md).
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Row
from sqlalchemy.orm import Session

from portal.db import iso, utcnow
from portal.models import Delivery, Dossier, DossierRevision
from portal.schemas import DossierBody
from portal.services.outcomes import Outcome, RaceLost
from portal.services.credentials import KioskCredential
from portal.storage import FileStore
from sync import wire

log = logging.getLogger("portal.service")  # one name for the whole layer: see portal/services/__init__.py

DOSSIER, REVISION, DELIVERY = Dossier.__table__, DossierRevision.__table__, Delivery.__table__
FORBIDDEN = {"error": "forbidden", "message": "this dossier belongs to another kiosk"}
BODY_DIFFERS = {"error": "conflict", "reason": "body_differs", "message": "a different body is held for this uuid and revision"}
CODE_CHANGED = {"error": "conflict", "reason": "code_changed", "message": "a revision cannot change the dossier code"}
CODE_IN_USE = {"error": "conflict", "reason": "code_in_use", "message": "another dossier holds this code"}


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


def _ack(uuid: str, revision: int, digest: str, received_at: datetime, code: str) -> dict[str, Any]:
    return {"ack": {"uuid": uuid, "revision": revision, "body_sha256": digest, "code": code, "portal_received_at": iso(received_at)}}


def insert_ignoring_conflicts(dialect: str, table: Any) -> Any:
    """The dialect's own INSERT (PostgreSQL's or SQLite's: both have ON CONFLICT DO NOTHING … RETURNING)."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table).on_conflict_do_nothing()


# Built once: each request only binds its values (building a statement per request cost more than running it).
SELECT_DOSSIER = select(DOSSIER.c.code, DOSSIER.c.unit_id, DOSSIER.c.kiosk_number, DOSSIER.c.revision).where(DOSSIER.c.uuid == bindparam("p_uuid"))
SELECT_HELD = select(REVISION.c.body_sha256, REVISION.c.portal_received_at).where(
    REVISION.c.dossier_uuid == bindparam("p_uuid"), REVISION.c.revision == bindparam("p_revision")
)
SELECT_CODE_OWNERS = select(DOSSIER.c.uuid, DOSSIER.c.code).where(or_(DOSSIER.c.uuid == bindparam("p_uuid"), DOSSIER.c.code == bindparam("p_code")))
INSERT_DELIVERY = insert(DELIVERY)
UPDATE_NEWEST = update(DOSSIER).where(DOSSIER.c.uuid == bindparam("p_uuid"), DOSSIER.c.revision < bindparam("p_revision"))
INSERT_DOSSIER = {d: insert_ignoring_conflicts(d, DOSSIER).returning(DOSSIER.c.uuid) for d in ("postgresql", "sqlite")}
INSERT_REVISION = {d: insert_ignoring_conflicts(d, REVISION).returning(REVISION.c.id) for d in ("postgresql", "sqlite")}


def _held_revision(conn: Connection, uuid: str, revision: int) -> Row[Any] | None:
    return conn.execute(SELECT_HELD, {"p_uuid": uuid, "p_revision": revision}).first()


def put_revision(
    session: Session,
    store: FileStore,
    kiosk: KioskCredential,
    raw: bytes,
    body: DossierBody,
    *,
    sent_at: str | None = None,
    attempt: str | None = None,
    app_version: str | None = None,
) -> Outcome:
    """Store one revision exactly once (idempotent by uuid and revision; docs/sync-protocol.md).

    The answers and their order are the contract (tests/scenarios/portal/test_portal_api.py): forbidden, then a
    held revision's repeat (200) or conflict, then code_changed / code_in_use, then missing or mis-sized
    attachments, then created (201). Every answer is logged as a Delivery row in the same transaction.
    """
    conn = session.connection()
    dialect = "postgresql" if conn.dialect.name == "postgresql" else "sqlite"
    now = utcnow()
    digest = wire.body_sha256(raw)
    uuid = body.uuid.lower()
    sent_at_raw = (sent_at or "")[:64]
    attempt_raw = (attempt or "")[:16]

    def answer(outcome: str, status: int, payload: dict[str, Any]) -> Outcome:
        conn.execute(INSERT_DELIVERY, {
            "dossier_uuid": uuid, "revision": body.revision, "body_sha256": digest, "kiosk_id": kiosk.id, "outcome": outcome,
            "http_status": status, "portal_received_at": now, "kiosk_sent_at_raw": sent_at_raw, "attempt_raw": attempt_raw,
        })
        return Outcome(status, payload)

    def held_answer(code: str) -> Outcome | None:
        """A repeat (200, the original acknowledgement) or a conflict, when this revision is already held."""
        held = _held_revision(conn, uuid, body.revision)
        if held is None:
            return None
        if held.body_sha256 == digest:
            return answer("repeat", 200, _ack(uuid, body.revision, digest, held.portal_received_at, code))
        log.warning(
            "conflict: dossier %s (%s) revision %s from kiosk %s: body sha256 %s differs from the one held (%s); refused",
            uuid, code, body.revision, kiosk.id, digest, held.body_sha256,
        )
        return answer("conflict", 409, BODY_DIFFERS)

    if body.unit_id not in kiosk.unit_ids or body.kiosk_number != kiosk.kiosk_number:
        log.warning("dossier %s rev %s: unit/kiosk number in the body differ from kiosk %s's enrolment", uuid, body.revision, kiosk.id)
        return answer("forbidden", 403, FORBIDDEN)
    dossier = conn.execute(SELECT_DOSSIER, {"p_uuid": uuid}).first()
    if dossier is not None and (dossier.unit_id not in kiosk.unit_ids or dossier.kiosk_number != kiosk.kiosk_number):
        log.warning("dossier %s rev %s: kiosk %s tried to write another kiosk's dossier", uuid, body.revision, kiosk.id)
        return answer("forbidden", 403, FORBIDDEN)

    files_problem = _files_problem(store, body)
    if dossier is not None and (dossier.code != body.code or files_problem):  # rare: the answers' order decides
        held = held_answer(dossier.code)
        if held is not None:
            return held
        if dossier.code != body.code:
            log.warning("conflict: dossier %s revision %s changes its code %s; refused", uuid, body.revision, dossier.code)
            return answer("conflict", 409, CODE_CHANGED)
    if dossier is None and files_problem:
        owner = _code_owner(conn, uuid, body.code)
        if owner is not None:
            return answer("conflict", 409, CODE_IN_USE)
    if files_problem:
        outcome, status, payload = files_problem
        if outcome == "missing_attachments":
            log.info("dossier %s revision %s: %d attachment(s) not held yet", uuid, body.revision, len(payload["missing"]))
        return answer(outcome, status, payload)

    newest = {
        "revision": body.revision, "procedure_code": body.procedure_code, "procedure_version": body.procedure_version,
        "received_at": _parse_time(body.received_at), "appointment_date": body.appointment_date,
        "appointment_time": body.appointment_time, "tracking_token": body.tracking_token, "updated_at": now,
    }
    if dossier is None:
        made = conn.execute(INSERT_DOSSIER[dialect], {
            "uuid": uuid, "code": body.code, "unit_id": body.unit_id, "kiosk_number": body.kiosk_number, "kiosk_id": kiosk.id,
            "created_at": now, **newest,
        }).first()
        if made is None and _code_owner(conn, uuid, body.code) is not None:
            return answer("conflict", 409, CODE_IN_USE)
    stored = conn.execute(INSERT_REVISION[dialect], {
        "dossier_uuid": uuid, "revision": body.revision, "body": raw, "body_sha256": digest, "kiosk_id": kiosk.id,
        "portal_received_at": now, "kiosk_sent_at": _parse_time(sent_at_raw), "kiosk_sent_at_raw": sent_at_raw,
        "attempt": _parse_attempt(attempt_raw), "app_version": (app_version or kiosk.app_version or "")[:40],
    }).first()
    if stored is None:  # held already (a repeat, a conflict, or a racing delivery that committed first)
        held = held_answer(dossier.code if dossier is not None else body.code)
        if held is None:
            raise RaceLost(uuid)
        return held
    if dossier is not None and body.revision > dossier.revision:  # the newest revision describes the dossier
        conn.execute(UPDATE_NEWEST, {"p_uuid": uuid, "p_revision": body.revision, **newest})
    return answer("created", 201, _ack(uuid, body.revision, digest, now, dossier.code if dossier is not None else body.code))


def _files_problem(store: FileStore, body: DossierBody) -> tuple[str, int, dict[str, Any]] | None:
    """The answer for attachments not held completely (409) or held with another size (422); None when all are held."""
    missing = sorted({a.sha256 for a in body.attachments if not store.is_complete(a.sha256)})
    if missing:
        return "missing_attachments", 409, {"error": "missing_attachments", "missing": missing}
    for index, ref in enumerate(body.attachments):
        if store.path(ref.sha256).stat().st_size != ref.size:
            return "invalid", 422, {"error": "invalid", "detail": f"attachments.{index}.size: differs from the file held"}
    return None


def _code_owner(conn: Connection, uuid: str, code: str) -> str | None:
    """Another dossier holding `code`; raises RaceLost when this very dossier is held now (a racing first delivery)."""
    held = dict(conn.execute(SELECT_CODE_OWNERS, {"p_uuid": uuid, "p_code": code}).all())
    if uuid in held:
        raise RaceLost(uuid)
    other = next(iter(held), None)
    if other is not None:
        log.warning("conflict: dossier %s uses code %s already held by dossier %s; refused", uuid, code, other)
    return other
