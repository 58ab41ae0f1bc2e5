"""The kiosk's side of the portal's witness of its audit chain (docs/security.md, "Audit trail").

Locally, deleting the newest rows *and* putting back the head file the kiosk wrote at that point leaves
nothing to see. So at each sync pass the kiosk's report (`PUT /kiosk-report`, made anyway) carries its
chain head, seq and MAC only, plus its MAC at the seq the portal said it holds; the portal keeps the
latest proven head per kiosk and flags one that went back or does not extend it (portal/services/
audit_witness.py). Its answer is kept in sync_meta, and `kiosk-admin doctor` reports a flag from there.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy import select

from kiosk.admin.doctor import Finding
from kiosk.storage.context import KioskContext
from kiosk.storage.models import AuditEvent
from sync import meta

log = logging.getLogger(__name__)


def chain_head(ctx: KioskContext) -> dict[str, Any] | None:
    """What the report carries: the newest chained row and this kiosk's row at the seq the portal holds."""
    with ctx.read() as session:
        last = session.execute(select(AuditEvent.seq, AuditEvent.mac).where(AuditEvent.seq.is_not(None))
                               .order_by(AuditEvent.seq.desc()).limit(1)).first()
        if last is None or not last[1]:
            return None
        held = _stored(meta.get(session, meta.AUDIT_WITNESS))
        held_seq = held.get("seq") if isinstance(held.get("seq"), int) and held["seq"] >= 1 else None
        held_mac = session.scalar(select(AuditEvent.mac).where(AuditEvent.seq == held_seq)) if held_seq else None
    return {"seq": int(last[0]), "mac": str(last[1]), "held_seq": held_seq, "held_mac": held_mac}


def remember(ctx: KioskContext, answer: Any) -> None:
    """Keep the portal's `audit_witness` (an older portal sends none: nothing is kept, nothing reported)."""
    witness = answer.get("audit_witness") if isinstance(answer, dict) else None
    if not isinstance(witness, dict):
        return
    with ctx.transaction() as session:
        meta.put(session, meta.AUDIT_WITNESS, json.dumps(witness, sort_keys=True))
    if witness.get("flag"):
        log.warning("the portal flags this kiosk's audit chain: %s", witness["flag"].get("reason"))


def _stored(value: str | None) -> dict[str, Any]:
    try:
        data = json.loads(value) if value else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def witness_findings(ctx: KioskContext) -> list[Finding]:
    """The doctor's line: what the portal said at the last pass about this kiosk's audit chain."""
    with ctx.read() as session:
        witness = _stored(meta.get(session, meta.AUDIT_WITNESS))
    if not witness:
        return []
    flag = witness.get("flag")
    if not isinstance(flag, dict):
        return [Finding("audit_witness", "ok", f"Cổng dịch vụ công xác nhận chuỗi nhật ký kiểm tra liền mạch đến #{witness.get('seq')}.",
                        f"The portal confirms the audit chain up to #{witness.get('seq')}.")]
    held, reported = flag.get("held_seq"), flag.get("reported_seq")
    what = (f"bị lùi: cổng đã giữ #{held}, máy lại gửi #{reported}" if flag.get("reason") == "lower"
            else f"không nối tiếp dòng #{held} cổng đã giữ (máy gửi #{reported}): các dòng đó đã bị xóa hoặc viết lại")
    return [Finding(
        "audit_witness", "error",
        f"Cổng dịch vụ công ghi nhận chuỗi nhật ký kiểm tra của máy này {what} (lúc {flag.get('at')}). "
        "Nếu máy vừa được khôi phục từ bản sao lưu thì đó là nguyên nhân; nếu không, nhật ký đã bị can thiệp: báo quản trị viên.",
        f"The portal flags this kiosk's audit chain ({flag.get('reason')}: held #{held}, got #{reported}); unless a backup was restored, it was tampered with.",
    )]
