"""Status changes (national codes 1–10): the back office records them, each kiosk pulls its own by cursor."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.db import iso, utcnow
from portal.models import Dossier, Kiosk, StatusChange
from portal.services.dossiers import find_dossier
from portal.services.outcomes import BadInput, Outcome
from portal.services.receipt_keys import kiosk_unit_ids
from sync import wire

log = logging.getLogger("portal.service")  # one name for the whole layer: see portal/services/__init__.py

MAX_NOTE = 2000


def status_changes(session: Session, kiosk: Kiosk, since: str | None, limit: int) -> Outcome:
    since_id = int(since) if since else 0
    rows = session.execute(
        select(StatusChange, Dossier.code)
        .join(Dossier, StatusChange.dossier_uuid == Dossier.uuid)
        .where(StatusChange.unit_id.in_(kiosk_unit_ids(session, kiosk)), StatusChange.kiosk_number == kiosk.kiosk_number, StatusChange.id > since_id)
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
