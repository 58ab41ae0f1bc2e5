"""The portal as witness of each kiosk's audit chain (docs/security.md, "Audit trail"; docs/sync-protocol.md).

At each sync the kiosk sends its chain head (seq, MAC: no content) and its MAC at the seq the portal holds.
The held head moves forward only when the kiosk proves the new head extends it (its row at the held seq has
the held MAC); a head lower than the one held, or one whose row at the held seq differs or is gone, is a
truncated or rewritten chain: flagged, the flag kept (a later clean head does not clear it), and the new
head held from then on so the witnessing goes on. A kiosk that cannot prove (it missed the last answer) is
answered what is held and proves at its next pass; nothing moves meanwhile.
"""

from __future__ import annotations

import hmac
from typing import Any

from sqlalchemy.orm import Session

from portal.db import iso, utcnow
from portal.models import Kiosk, KioskAuditHead


def witness(session: Session, kiosk: Kiosk, seq: int, mac: str, held_seq: int | None, held_mac: str | None) -> KioskAuditHead:
    """Hold the kiosk's head against the one held; flag a head that went back or forked."""
    now = utcnow()
    row = session.get(KioskAuditHead, kiosk.id)
    if row is None:
        row = KioskAuditHead(kiosk_id=kiosk.id, seq=seq, mac=mac, seen_at=now)
        session.add(row)
        return row
    if seq < row.seq:
        _flag(row, "lower", seq, now)
    elif seq == row.seq:
        if not hmac.compare_digest(mac, row.mac):
            _flag(row, "diverged", seq, now)
    elif held_seq == row.seq:
        if held_mac is None or not hmac.compare_digest(held_mac, row.mac):
            _flag(row, "diverged", seq, now)
    else:
        return row  # no proof for the seq held: answer it, the kiosk proves next time
    row.seq, row.mac, row.seen_at = seq, mac, now
    return row


def _flag(row: KioskAuditHead, reason: str, reported: int, now: Any) -> None:
    row.flag, row.flagged_at, row.flag_held_seq, row.flag_reported_seq = reason, now, row.seq, reported


def answer(row: KioskAuditHead) -> dict[str, Any]:
    flag = None
    if row.flag:
        flag = {"reason": row.flag, "at": iso(row.flagged_at), "held_seq": row.flag_held_seq, "reported_seq": row.flag_reported_seq}
    return {"seq": row.seq, "mac": row.mac, "flag": flag}
