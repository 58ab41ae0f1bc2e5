"""The audit trail: append-only events in the caller's transaction, chained by HMAC so tampering shows.

Row n carries `seq = n`, the previous row's MAC and its own MAC = HMAC-SHA256(audit key, prev_mac ‖
canonical JSON of the row). The audit key is derived from the data key, so rewriting history needs the
key, not just write access to the file. After every commit the newest (seq, mac) is written to
`keys/audit.head` (outside the database): deleting rows from the end then shows as well. The head may
lag the database by a crash, never lead it, so a lagging head is not an error.

`verify` says, row by row, what is wrong: altered, deleted (a gap in seq, or rows missing at the end),
or inserted (rows that are not in the chain). Details must never hold personal data.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.storage.files import write_atomic
from kiosk.storage.models import AuditEvent, utcnow

log = logging.getLogger(__name__)

GENESIS = "0" * 64
KEY_INFO = "audit_key"  # session.info key: the chain key
HEAD_INFO = "audit_head_path"  # session.info key: where the head is written after commit
PENDING_INFO = "audit_pending_head"


def install(sessions: sessionmaker[Session], key: bytes, head_path: Path) -> None:
    """Give a sessionmaker's sessions the chain key, and write the head after each commit that added events."""
    sessions.kw.setdefault("info", {})
    sessions.kw["info"] = dict(sessions.kw["info"], **{KEY_INFO: key, HEAD_INFO: str(head_path)})
    if not event.contains(sessions, "after_commit", _write_head_after_commit):
        event.listen(sessions, "after_commit", _write_head_after_commit)


def _canonical(row: AuditEvent | dict[str, Any]) -> bytes:
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    at = get("at")
    if isinstance(at, datetime):
        at = (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = {"seq": get("seq"), "at": at, "actor": get("actor"), "action": get("action"), "dossier_id": get("dossier_id"), "details": get("details") or {}}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _mac(key: bytes, prev_mac: str, row: AuditEvent | dict[str, Any]) -> str:
    return hmac.new(key, prev_mac.encode("ascii") + b"\n" + _canonical(row), hashlib.sha256).hexdigest()


def record(session: Session, actor: str, action: str, *, dossier_id: int | None = None, **details: Any) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction (which holds the write lock)."""
    key = session.info.get(KEY_INFO)
    if key is None:
        raise RuntimeError("audit event outside a kiosk context's session (no chain key)")
    event_row = AuditEvent(at=utcnow(), actor=actor[:80], action=action, dossier_id=dossier_id, details=details)
    last = session.execute(select(AuditEvent.seq, AuditEvent.mac).where(AuditEvent.seq.is_not(None)).order_by(AuditEvent.seq.desc()).limit(1)).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    event_row.seq, event_row.prev_mac = seq, prev
    event_row.mac = _mac(key, prev, event_row)
    session.add(event_row)
    session.info[PENDING_INFO] = (seq, event_row.mac)
    return event_row


def chain_unsealed(session: Session) -> int:
    """At the first start after the upgrade that added the chain, chain the older rows, oldest first.

    Only while no row is chained yet: once the chain exists, a row without a place in it was inserted
    behind the kiosk's back, and `verify` must say so rather than have it adopted here.
    """
    key = session.info[KEY_INFO]
    if session.scalar(select(AuditEvent.id).where(AuditEvent.seq.is_not(None)).limit(1)) is not None:
        return 0
    loose = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    if not loose:
        return 0
    seq, prev = 0, GENESIS
    for row in loose:
        seq += 1
        row.seq, row.prev_mac = seq, prev
        row.mac = prev = _mac(key, prev, row)
    session.info[PENDING_INFO] = (seq, prev)
    return len(loose)


def _write_head_after_commit(session: Session) -> None:
    pending = session.info.pop(PENDING_INFO, None)
    path = session.info.get(HEAD_INFO)
    if pending is None or not path:
        return
    try:
        write_head(Path(path), *pending)
    except OSError as exc:  # the events are committed; a lagging head only weakens tail-deletion detection
        log.warning("audit head not written: %s", exc.strerror or exc)


def write_head(path: Path, seq: int, mac: str) -> None:
    try:
        current = read_head(path)
    except ValueError:
        current = None
    if current and current[0] > seq:
        return  # another writer already moved it further
    write_atomic(path, json.dumps({"seq": seq, "mac": mac}).encode("ascii"))


def read_head(path: Path) -> tuple[int, str] | None:
    try:
        data = json.loads(path.read_text(encoding="ascii"))
        return int(data["seq"]), str(data["mac"])
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError("audit head unreadable") from exc


def reset_head(session: Session, path: Path) -> None:
    """After a restore: the head follows the restored database (whose newest rows are genuine)."""
    last = session.execute(select(AuditEvent.seq, AuditEvent.mac).where(AuditEvent.seq.is_not(None)).order_by(AuditEvent.seq.desc()).limit(1)).first()
    path.unlink(missing_ok=True)
    if last:
        write_head(path, last[0], last[1])


# --- verification --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    kind: str  # "altered" | "deleted" | "inserted" | "unchained"
    seq: int | None  # the row's seq (first missing one for "deleted")
    row_id: int | None
    message: str  # Vietnamese, says which row

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "seq": self.seq, "row_id": self.row_id, "message": self.message}


@dataclass(frozen=True)
class VerifyReport:
    rows: int
    head_seq: int | None
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        return not self.findings


def verify(session: Session, head_path: Path) -> VerifyReport:
    """Walk the chain in seq order and say what was altered, deleted or inserted."""
    key = session.info[KEY_INFO]
    findings: list[Finding] = []
    try:
        head = read_head(head_path)
    except ValueError:
        head = None
        findings.append(Finding("altered", None, None, "Tệp đầu chuỗi nhật ký (keys/audit.head) bị hỏng."))
    head_seq = head[0] if head else 0
    rows = list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq.is_(None), AuditEvent.seq, AuditEvent.id)))
    expected, prev_mac = 1, GENESIS
    for row in rows:
        if row.seq is None:
            findings.append(Finding("inserted", None, row.id, f"Dòng nhật ký id {row.id} ({row.action}) nằm ngoài chuỗi: bị chèn thêm."))
            continue
        gap = row.seq > expected
        if gap:
            missing = f"#{expected}" if row.seq - 1 == expected else f"#{expected}–#{row.seq - 1}"
            findings.append(Finding("deleted", expected, None, f"Thiếu dòng nhật ký {missing}: đã bị xóa."))
        content_ok = hmac.compare_digest(row.mac or "", _mac(key, row.prev_mac or "", row))
        linked = (row.prev_mac or "") == prev_mac
        if not content_ok or (not linked and not gap):
            if row.seq > head_seq:
                findings.append(Finding("inserted", row.seq, row.id, f"Dòng nhật ký #{row.seq} ({row.action}) không do máy ghi: bị chèn thêm."))
            else:
                findings.append(Finding("altered", row.seq, row.id, f"Dòng nhật ký #{row.seq} ({row.action}, {row.at:%d/%m/%Y %H:%M}) đã bị sửa."))
        expected, prev_mac = row.seq + 1, row.mac or ""
    last_seq = expected - 1
    if head and last_seq < head[0]:
        missing = f"#{head[0]}" if last_seq + 1 == head[0] else f"#{last_seq + 1}–#{head[0]}"
        findings.append(Finding("deleted", last_seq + 1, None, f"Thiếu dòng nhật ký {missing} ở cuối: đã bị xóa."))
    count = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    return VerifyReport(rows=int(count), head_seq=head[0] if head else None, findings=findings)
