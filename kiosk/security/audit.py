"""The audit trail: append-only events in the caller's transaction, chained by HMAC so tampering shows.

Row n carries `seq = n`, the previous row's MAC and its own MAC = HMAC-SHA256(audit key, prev_mac ‖
canonical JSON of the row). The audit key is a secret of its own (keys/audit.key), so rewriting history
needs the key, not just write access to the file. Around every commit the head file (kiosk/security/
audit_head.py: MACed, written in two phases so a power cut never leaves it behind) says where the chain
ends: deleting rows from the end then shows as well. A seq is never issued twice: a new row goes above
both the newest row and the head, so a deleted tail stays a gap however many events follow.

`verify` says, row by row, what is wrong: altered, deleted (a gap in seq, or rows missing at the end),
inserted (rows that are not in the chain), and head (the head missing, forged or behind the rows, now or
when an earlier event was recorded). Details must never hold personal data.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.security import audit_head
from kiosk.storage.models import AuditEvent, utcnow

log = logging.getLogger(__name__)

GENESIS = "0" * 64
KEY_INFO = "audit_key"  # session.info key: the chain key
HEAD_INFO = "audit_head_path"  # session.info key: where the head is written after commit
PENDING_INFO = "audit_pending_head"
HOOKS_MARK = "_kiosk_audit_head_hooks"  # set on a sessionmaker once its head hooks are listening


def install(sessions: sessionmaker[Session], key: bytes, head_path: Path) -> None:
    """Give a sessionmaker's sessions the chain key, and write the head around each commit that added events."""
    sessions.kw.setdefault("info", {})
    sessions.kw["info"] = dict(sessions.kw["info"], **{KEY_INFO: key, HEAD_INFO: str(head_path)})
    # The mark is on the sessionmaker itself, not asked of `event.contains`: SQLAlchemy's event registry keys by id(),
    # so a new sessionmaker that reuses a collected one's id "contains" its hooks and would get none (a context
    # reopened in a long-running process would then write no head at all).
    if not getattr(sessions, HOOKS_MARK, False):
        for name, listener in (("before_commit", _head_before_commit), ("after_commit", _head_after_commit),
                               ("after_rollback", _forget_pending)):
            event.listen(sessions, name, listener)
        setattr(sessions, HOOKS_MARK, True)


def _canonical(row: AuditEvent | dict[str, Any]) -> bytes:
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    at = get("at")
    if isinstance(at, datetime):
        at = (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = {"seq": get("seq"), "at": at, "actor": get("actor"), "action": get("action"), "dossier_id": get("dossier_id"), "details": get("details") or {}}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _mac(key: bytes, prev_mac: str, row: AuditEvent | dict[str, Any]) -> str:
    return hmac.new(key, prev_mac.encode("ascii") + b"\n" + _canonical(row), hashlib.sha256).hexdigest()


def _tip(session: Session) -> tuple[int, str] | None:
    """The newest chained row's (seq, MAC), as the database holds it."""
    last = session.execute(select(AuditEvent.seq, AuditEvent.mac).where(AuditEvent.seq.is_not(None)).order_by(AuditEvent.seq.desc()).limit(1)).first()
    return (int(last[0]), str(last[1] or "")) if last else None


def _append(session: Session, key: bytes, actor: str, action: str, dossier_id: int | None, details: dict[str, Any], floor: int) -> AuditEvent:
    event_row = AuditEvent(at=utcnow(), actor=actor[:80], action=action, dossier_id=dossier_id, details=details)
    tip = _tip(session)
    event_row.seq = max(tip[0] if tip else 0, floor) + 1  # never below the head: a deleted tail stays a gap
    event_row.prev_mac = tip[1] if tip else GENESIS
    event_row.mac = _mac(key, event_row.prev_mac, event_row)
    session.add(event_row)
    base = session.info[PENDING_INFO][0] if PENDING_INFO in session.info else tip
    session.info[PENDING_INFO] = (base, (event_row.seq, event_row.mac))
    return event_row


def record(session: Session, actor: str, action: str, *, dossier_id: int | None = None, **details: Any) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction (which holds the write lock).

    The first event of a transaction compares the head with the database. Anything wrong (no head while rows
    exist, a forged head, a head behind the rows) is recorded first, as a chained `audit.head_mismatch`
    event, so the finding outlives the head this commit writes: running `verify` never erases it.
    """
    key = session.info.get(KEY_INFO)
    if key is None:
        raise RuntimeError("audit event outside a kiosk context's session (no chain key)")
    floor = 0
    if PENDING_INFO not in session.info and session.info.get(HEAD_INFO):
        problem, floor, head_seq, legacy = _check_head(session, key, Path(session.info[HEAD_INFO]))
        if problem:
            tip = _tip(session)
            _append(session, key, "kiosk", audit_head.MISMATCH_ACTION, None,
                    {"reason": problem, "head_seq": head_seq, "db_seq": tip[0] if tip else None}, floor)
        elif legacy:
            _append(session, key, "kiosk", audit_head.SIGNED_ACTION, None, {}, floor)
    return _append(session, key, actor, action, dossier_id, details, floor)


def _check_head(session: Session, key: bytes, path: Path) -> tuple[str | None, int, int | None, bool]:
    """(problem, floor, head seq, legacy): what is wrong with the head against the database, if anything; the
    seq below which no new row may go; the head's seq; whether it is the unsigned format still to be signed."""
    tip = _tip(session)
    try:
        head = audit_head.read(path, key)
    except audit_head.HeadForged:
        return "forged", 0, None, False
    if head is None:
        return ("missing" if tip is not None else None), 0, None, False
    if head.legacy and _signed_before(session):
        return "forged", 0, head.seq, False
    if tip is not None and tip[0] > head.top:
        return ("stale" if not head.legacy else None), head.seq, head.seq, head.legacy
    if tip is not None and tip[0] in (head.seq, head.top) and not head.legacy and not head.accepts(tip):
        return "replaced", head.seq, head.seq, False
    return None, head.seq, head.seq, head.legacy  # a tail deleted below the head shows as a gap: the floor keeps it


def _signed_before(session: Session) -> bool:
    return session.scalar(select(AuditEvent.id).where(AuditEvent.action == audit_head.SIGNED_ACTION, AuditEvent.seq.is_not(None)).limit(1)) is not None


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
    session.info[PENDING_INFO] = (None, (seq, prev))
    return len(loose)


def _head_before_commit(session: Session) -> None:
    pending, path = session.info.get(PENDING_INFO), session.info.get(HEAD_INFO)
    if pending is not None and path:
        audit_head.safe(audit_head.before_commit, Path(path), session.info[KEY_INFO], *pending)


def _head_after_commit(session: Session) -> None:
    pending, path = session.info.pop(PENDING_INFO, None), session.info.get(HEAD_INFO)
    if pending is not None and path:
        audit_head.safe(audit_head.after_commit, Path(path), session.info[KEY_INFO], pending[1])


def _forget_pending(session: Session) -> None:
    session.info.pop(PENDING_INFO, None)  # the rows were not committed; the phase-one head still accepts the old tip


def reset_head(session: Session, path: Path) -> None:
    """After a restore: the head follows the restored database (whose newest rows are genuine)."""
    audit_head.reset(path, session.info[KEY_INFO], _tip(session))


# --- verification --------------------------------------------------------------------------------


ACK_ACTION = "audit.acknowledged"  # an administrator has looked into these findings (kiosk-admin audit acknowledge)


@dataclass(frozen=True)
class Finding:
    kind: str  # "altered" | "deleted" | "inserted" | "head"
    seq: int | None  # the row's seq (first missing one for "deleted")
    row_id: int | None
    message: str  # Vietnamese, says which row
    acknowledged_by: str | None = None  # the administrator who acknowledged it (it is still listed: nothing disappears)

    @property
    def key(self) -> str:
        """What an acknowledgement names: the same finding gets the same key at every walk."""
        return f"{self.kind}:{self.seq}:{self.row_id}"

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "seq": self.seq, "row_id": self.row_id, "message": self.message,
                "acknowledged_by": self.acknowledged_by}


@dataclass(frozen=True)
class VerifyReport:
    rows: int
    head_seq: int | None
    findings: list[Finding]

    @property
    def open_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.acknowledged_by is None]

    @property
    def ok(self) -> bool:
        """No finding an administrator has not acknowledged (acknowledged ones are still listed, for good)."""
        return not self.open_findings


def verify(session: Session, head_path: Path) -> VerifyReport:
    """Walk the chain in seq order and say what was altered, deleted or inserted, then hold the head against it.

    Read-only. The head findings here describe the files as they are now; the first event recorded after them
    chains an `audit.head_mismatch` row (see `record`), which this reports for good.
    """
    key = session.info[KEY_INFO]
    findings: list[Finding] = []
    try:
        head, forged = audit_head.read(head_path, key), False
    except audit_head.HeadForged:
        head, forged = None, True
    if head is not None and head.legacy and _signed_before(session):
        head, forged = None, True
    head_seq = head.seq if head else 0
    rows = list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq.is_(None), AuditEvent.seq, AuditEvent.id)))
    expected, prev_mac = 1, GENESIS
    good: tuple[int, str] | None = None  # the newest row this kiosk wrote (its MAC holds)
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
            if row.seq > (head.top if head else 0):
                findings.append(Finding("inserted", row.seq, row.id, f"Dòng nhật ký #{row.seq} ({row.action}) không do máy ghi: bị chèn thêm."))
            else:
                findings.append(Finding("altered", row.seq, row.id, f"Dòng nhật ký #{row.seq} ({row.action}, {row.at:%d/%m/%Y %H:%M}) đã bị sửa."))
        else:
            good = (row.seq, row.mac or "")
            if row.action == audit_head.MISMATCH_ACTION:
                findings.append(_recorded_mismatch(row))
        expected, prev_mac = row.seq + 1, row.mac or ""
    last_seq = expected - 1
    if head and last_seq < head.seq:
        missing = f"#{head.seq}" if last_seq + 1 == head.seq else f"#{last_seq + 1}–#{head.seq}"
        findings.append(Finding("deleted", last_seq + 1, None, f"Thiếu dòng nhật ký {missing} ở cuối: đã bị xóa."))
    findings.extend(_head_findings(head, forged, good))
    findings = _mark_acknowledged(findings, [row for row in rows if row.action == ACK_ACTION and row.seq is not None
                                             and hmac.compare_digest(row.mac or "", _mac(key, row.prev_mac or "", row))])
    count = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    return VerifyReport(rows=int(count), head_seq=head.seq if head else None, findings=findings)


def _mark_acknowledged(findings: list[Finding], acknowledgements: list[AuditEvent]) -> list[Finding]:
    """Findings named by a genuine acknowledgement row carry who acknowledged them; a row that is itself altered
    acknowledges nothing (its MAC is checked by the caller), and a finding that appears later is not covered."""
    by_key: dict[str, str] = {}
    for row in acknowledgements:
        for key in (row.details or {}).get("findings", []):
            by_key.setdefault(str(key), f"{row.actor} ({row.at:%d/%m/%Y %H:%M})")
    return [replace(f, acknowledged_by=by_key.get(f.key)) for f in findings]


def acknowledge(ctx: Any, actor: str) -> VerifyReport:
    """An administrator acknowledges every finding of the chain as it is now (`kiosk-admin audit acknowledge`).

    Two transactions: the first records `audit.acknowledging`, so that a head found missing, forged or stale is
    first chained as `audit.head_mismatch` (see `record`); the walk after it names every finding there is, and the
    second records `audit.acknowledged` with their keys. The findings stay listed by `verify`, marked with who
    acknowledged them; only `ok` (and what waits on it, such as `key rotate`) no longer counts them.
    """
    with ctx.transaction() as session:
        record(session, actor, "audit.acknowledging")
    with ctx.read() as session:
        report = verify(session, ctx.data.audit_head_path)
    keys = [f.key for f in report.open_findings]
    with ctx.transaction() as session:
        record(session, actor, ACK_ACTION, findings=keys)  # keys only: no free text, so no personal data
    with ctx.read() as session:
        return verify(session, ctx.data.audit_head_path)


HEAD_NAME = "keys/audit.head"
_REASONS = {
    "missing": "không có tệp đầu chuỗi nhật ký ({name}) dù nhật ký đã có dòng: tệp đã bị xóa",
    "forged": "tệp đầu chuỗi nhật ký ({name}) bị sửa hoặc giả (mã xác thực không khớp)",
    "stale": "tệp đầu chuỗi nhật ký ({name}) dừng ở #{head} trong khi nhật ký đã đến #{db}: tệp bị thay bằng bản cũ, hoặc máy đã không ghi được tệp (đĩa đầy, lỗi đĩa)",
    "replaced": "dòng nhật ký cuối (#{db}) không phải dòng máy đã ghi theo tệp đầu chuỗi ({name}): bị thay",
}


def _recorded_mismatch(row: AuditEvent) -> Finding:
    details = row.details or {}
    reason = _REASONS.get(str(details.get("reason")), "tệp đầu chuỗi nhật ký không khớp nhật ký")
    what = reason.format(name=HEAD_NAME, head=details.get("head_seq"), db=details.get("db_seq"))
    return Finding("head", row.seq, row.id, f"Lúc ghi dòng #{row.seq} ({row.at:%d/%m/%Y %H:%M}) máy thấy {what}. Dấu vết này được giữ trong chuỗi.")


def _head_findings(head: audit_head.Head | None, forged: bool, good: tuple[int, str] | None) -> list[Finding]:
    """The head as it is now against the newest genuine row (a lagging head is never a power cut: see audit_head)."""
    if forged:
        return [Finding("head", None, None, "Tệp đầu chuỗi nhật ký (keys/audit.head) bị sửa hoặc giả: mã xác thực không khớp.")]
    if head is None:
        if good is None:
            return []
        return [Finding("head", None, None, f"Không có tệp đầu chuỗi nhật ký (keys/audit.head) dù nhật ký đã đến #{good[0]}: tệp đã bị xóa; không còn gì chứng minh các dòng cuối không bị xóa.")]
    if good is None or head.legacy:
        return []  # no genuine row: the walk above has said why; a legacy head is checked by seq only, as before
    if good[0] > head.top:
        return [Finding("head", good[0], None, f"Tệp đầu chuỗi nhật ký (keys/audit.head) dừng ở #{head.seq} trong khi nhật ký đã đến #{good[0]}: tệp bị thay bằng bản cũ, hoặc máy đã không ghi được tệp (đĩa đầy, lỗi đĩa).")]
    if good[0] in (head.seq, head.top) and not head.accepts(good):
        return [Finding("head", good[0], None, f"Dòng nhật ký #{good[0]} không phải dòng máy đã ghi theo tệp đầu chuỗi (keys/audit.head): bị thay.")]
    return []
