"""The fleet: what each kiosk reports at its syncs (queue, version, clock) and the list of kiosks with it."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.db import iso, utcnow
from portal.models import Kiosk, KioskAuditHead, KioskReport


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
    heads = {h.kiosk_id: h for h in session.scalars(select(KioskAuditHead))}
    rows = []
    for k in session.scalars(select(Kiosk).order_by(Kiosk.enrolled_at, Kiosk.id)):
        report, head = reports.get(k.id), heads.get(k.id)
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
            "audit_seq": head.seq if head else None,
            "audit_flag": head.flag if head else None,
            "audit_flagged_at": iso(head.flagged_at) if head else None,
            "audit_flag_held_seq": head.flag_held_seq if head else None,
            "audit_flag_reported_seq": head.flag_reported_seq if head else None,
        })
    return rows
