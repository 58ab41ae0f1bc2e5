"""Status changes (national codes 1–10): the back office records them, each kiosk pulls its own by cursor.

The cursor is `status_change.seq`, numbered in commit order: a change gets its seq just before its transaction
commits, from the one `status_cursor` row, which stays locked until the commit. So when a reader sees seq n, every
change numbered below n has committed too: paging by seq never passes a change still being written, whatever order
concurrent writers commit in (docs/sync-protocol.md "Status changes"). Numbering by insert (the id) did: a change
written first and committed last got an id below a cursor the kiosk had already moved past.
"""

from __future__ import annotations

import json
import logging

from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session

from portal.db import iso, utcnow
from portal.models import Dossier, Kiosk, StatusChange, StatusChangeDetail, StatusCursor
from portal.services.dossiers import find_dossier
from portal.services.outcomes import BadInput, Outcome
from portal.services.receipt_keys import kiosk_unit_ids
from sync import wire

log = logging.getLogger("portal.service")  # one name for the whole layer: see portal/services/__init__.py

MAX_NOTE = 2000


def status_changes(session: Session, kiosk: Kiosk, since: str | None, limit: int) -> Outcome:
    since_seq = int(since) if since else 0
    rows = session.execute(
        select(StatusChange, Dossier.code, StatusChangeDetail)
        .join(Dossier, StatusChange.dossier_uuid == Dossier.uuid)
        .outerjoin(StatusChangeDetail, StatusChangeDetail.status_change_id == StatusChange.id)
        .where(StatusChange.unit_id.in_(kiosk_unit_ids(session, kiosk)), StatusChange.kiosk_number == kiosk.kiosk_number, StatusChange.seq > since_seq)
        .order_by(StatusChange.seq)
        .limit(limit + 1)
    ).all()
    more = len(rows) > limit
    rows = rows[:limit]
    changes = [
        {"cursor": str(change.seq), "uuid": change.dossier_uuid, "code": code, "status": change.status, "note": change.note, "at": iso(change.at),
         "event": {"uuid": detail.event_uuid, "kind": detail.event_kind} if detail is not None and detail.event_uuid else None,
         "missing": missing_of(detail)}
        for change, code, detail in rows
    ]
    return Outcome(200, {"changes": changes, "next": changes[-1]["cursor"] if changes else str(since_seq), "more": more})


def missing_of(detail: StatusChangeDetail | None) -> list[str]:
    """The items a status change asks for (status 5), [] when it names none."""
    if detail is None or not detail.missing:
        return []
    try:
        items = json.loads(detail.missing)
    except ValueError:
        return []
    return [str(i) for i in items] if isinstance(items, list) else []


def set_status(session: Session, code_or_uuid: str, status: int, note: str | None = None, missing: list[str] | None = None) -> StatusChange:
    """The back office sets a status; `missing` lists the items a status 5 asks for (only with 5)."""
    if status not in wire.PORTAL_STATUSES:
        raise BadInput(f"Trạng thái phải là một số từ 1 đến 10, không phải {status}")
    items = [" ".join(m.split())[:300] for m in (missing or []) if m and m.strip()]
    if items and status != 5:
        raise BadInput("Danh sách giấy tờ cần bổ sung (--missing) chỉ dùng với trạng thái 5 (Yêu cầu bổ sung hồ sơ)")
    dossier = find_dossier(session, code_or_uuid)
    if dossier is None:
        raise BadInput(f"Không có hồ sơ {code_or_uuid!r} trên cổng (hồ sơ chưa được đồng bộ?)")
    return record_change(session, dossier, status, note, missing=items)


def record_change(
    session: Session, dossier: Dossier, status: int, note: str | None = None, *,
    missing: list[str] | None = None, event_uuid: str | None = None, event_kind: str | None = None,
) -> StatusChange:
    """Append one status change and make it the dossier's status; its seq (the kiosks' cursor) comes at commit."""
    note = (note or "").strip()[:MAX_NOTE] or None
    now = utcnow()
    change = StatusChange(
        dossier_uuid=dossier.uuid, unit_id=dossier.unit_id, kiosk_number=dossier.kiosk_number, status=status, note=note, at=now
    )
    session.add(change)
    dossier.status = status
    dossier.status_at = now
    session.flush()
    if missing or event_uuid:
        session.add(StatusChangeDetail(
            status_change_id=change.id, event_uuid=event_uuid, event_kind=event_kind,
            missing=json.dumps(missing, ensure_ascii=False) if missing else None,
        ))
        session.flush()
    _number_at_commit(session, change)
    log.info("dossier %s (%s): status %s%s", dossier.uuid, dossier.code, status, f" (echo of {event_kind} {event_uuid})" if event_uuid else "")
    return change


_UNNUMBERED = "portal_unnumbered_status_changes"  # session.info key: this transaction's changes still without a seq
_HOOKED = "portal_numbering_hooked"  # session.info key: _number_changes listens on this session


def _number_at_commit(session: Session, change: StatusChange) -> None:
    """Have `change` numbered when its transaction commits (not now: the cursor row would be locked for the rest of
    the transaction, and taken before the other locks a writer may still need, two writers could deadlock)."""
    session.info.setdefault(_UNNUMBERED, []).append(change)
    if not session.info.get(_HOOKED):  # not `event.contains`: the registry keys by id(), and a new session that
        event.listen(session, "before_commit", _number_changes)  # reuses a collected one's id would look hooked
        session.info[_HOOKED] = True


def _number_changes(session: Session) -> None:
    """Give this transaction's new changes their seqs, the last thing it does: the cursor row's lock is then held
    only until the commit, and the next writer numbers after this commit is visible (commit order)."""
    changes = sorted((c for c in session.info.pop(_UNNUMBERED, []) if c in session and c.seq is None), key=lambda c: c.id)
    if not changes:
        return
    counter = StatusCursor.__table__
    connection = session.connection()
    last = connection.execute(
        update(counter).where(counter.c.id == 1).values(value=counter.c.value + len(changes)).returning(counter.c.value)
    ).scalar()
    if last is None:  # a schema made without migration 0003's row (create_all): start after every id held
        start = session.scalar(select(StatusChange.id).order_by(StatusChange.id.desc()).limit(1)) or 0
        last = start + len(changes)
        connection.execute(insert(counter).values(id=1, value=last))
    for offset, change in enumerate(changes):
        change.seq = last - len(changes) + 1 + offset
