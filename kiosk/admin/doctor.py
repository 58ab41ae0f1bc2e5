"""Health checks for `kiosk-admin doctor`: each finding has a severity and says what to do, in Vietnamese and English."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Sequence

from sqlalchemy import func, select, text

from kiosk.errors import KioskError

LOW_DISK_WARNING = 500 * 1024 * 1024
LOW_DISK_ERROR = 100 * 1024 * 1024


@dataclass(frozen=True)
class Finding:
    check: str
    severity: str  # "ok" | "warning" | "error"
    message_vi: str
    message_en: str


QUEUE_AGE_WARNING_H = 24
QUEUE_AGE_ERROR_H = 72


def run_checks(root: Path, extra_checks: Sequence[Callable[[Any], list[Finding]]] = (), clock: Callable[[], datetime] | None = None) -> list[Finding]:
    """Run every check that can run; a failure to open the data folder is itself a finding.

    `extra_checks` get the open context: the CLI adds the portal's (sync/doctor.py) and the printer's
    (ui/printing/printers.py), which the core cannot import. `clock` stands in for the PC's clock in tests.
    """
    from kiosk.storage.context import open_kiosk
    from kiosk.storage.models import OutboxEntry, utcnow

    clock = clock or utcnow

    findings: list[Finding] = []
    free = shutil.disk_usage(root if root.exists() else root.parent).free
    if free < LOW_DISK_ERROR:
        findings.append(Finding("disk", "error", f"Ổ đĩa chỉ còn {free // 2**20} MB trống: hãy giải phóng dung lượng ngay.", f"Only {free // 2**20} MB free: free up disk space now."))
    elif free < LOW_DISK_WARNING:
        findings.append(Finding("disk", "warning", f"Ổ đĩa còn {free // 2**20} MB trống: nên giải phóng dung lượng.", f"{free // 2**20} MB free: consider freeing disk space."))
    else:
        findings.append(Finding("disk", "ok", f"Ổ đĩa còn {free // 2**30} GB trống.", f"{free // 2**30} GB free."))
    try:
        ctx = open_kiosk(root)
    except KioskError as exc:
        findings.append(Finding("settings", "error", exc.message, "The data folder cannot be opened; see the Vietnamese message."))
        return findings
    try:
        with ctx.engine.connect() as connection:
            result = connection.exec_driver_sql("PRAGMA integrity_check").scalar()
        if result == "ok":
            findings.append(Finding("database", "ok", "Cơ sở dữ liệu toàn vẹn.", "Database integrity check passed."))
        else:
            findings.append(Finding("database", "error", f"Cơ sở dữ liệu bị lỗi ({result}): hãy báo quản trị viên để khôi phục.", f"Database integrity check failed ({result}): restore from a backup."))
        for error in ctx.catalogue.errors:
            findings.append(Finding("forms", "error", f"Biểu mẫu lỗi: {error}", f"Procedure definition broken: {error}"))
        if not ctx.catalogue.errors:
            findings.append(Finding("forms", "ok", f"{len(ctx.catalogue.latest())} thủ tục sẵn sàng.", f"{len(ctx.catalogue.latest())} procedures loaded."))
        with ctx.transaction() as session:
            waiting = OutboxEntry.state.in_(("queued", "failed", "sending"))
            queued = session.scalar(select(func.count()).select_from(OutboxEntry).where(waiting))
            oldest = session.scalar(select(func.min(OutboxEntry.created_at)).where(waiting))
            officers = session.scalar(text("SELECT count(*) FROM officer WHERE active"))
        if not officers:
            findings.append(Finding("officers", "error", "Chưa có cán bộ nào: thêm bằng kiosk-admin officer add.", "No officer accounts: add one with kiosk-admin officer add."))
        findings.append(_queue(queued, oldest, clock(), demo=ctx.settings.demo))
        from kiosk.admin.uncanonical import uncanonical_findings

        findings.extend(uncanonical_findings(ctx))  # numbers migration 0008 could not make whole (docs/canonical-forms.md)
        findings.append(_audit_chain(ctx))
        for check in extra_checks:
            try:
                findings.extend(check(ctx))
            except Exception as exc:  # noqa: BLE001 - one broken check must not hide the others
                findings.append(Finding("doctor", "warning", f"Một bước kiểm tra không chạy được ({type(exc).__name__}).", f"A check could not run ({type(exc).__name__})."))
        from kiosk.clock.findings import clock_findings

        findings.extend(clock_findings(ctx, clock()))  # after the portal's checks: they may have confirmed the clock
    finally:
        ctx.close()
    return findings


def _queue(queued: int, oldest: datetime | None, now: datetime, *, demo: bool) -> Finding:
    if not queued or oldest is None or demo:
        return Finding("queue", "ok", f"{queued} hồ sơ đang chờ gửi.", f"{queued} dossiers queued.")
    hours = (now - oldest).total_seconds() / 3600
    since = f"hồ sơ cũ nhất chờ {hours:.0f} giờ"
    if hours > QUEUE_AGE_ERROR_H:
        return Finding("queue", "error", f"{queued} hồ sơ chờ gửi, {since}: kiểm tra mạng và kết nối cổng (kiosk-admin sync).",
                       f"{queued} dossiers queued, the oldest for {hours:.0f} h: check the network and the portal (kiosk-admin sync).")
    if hours > QUEUE_AGE_WARNING_H:
        return Finding("queue", "warning", f"{queued} hồ sơ chờ gửi, {since}.", f"{queued} dossiers queued, the oldest for {hours:.0f} h.")
    return Finding("queue", "ok", f"{queued} hồ sơ đang chờ gửi ({since}).", f"{queued} dossiers queued (oldest {hours:.0f} h).")


def _audit_chain(ctx: Any) -> Finding:
    """The audit chain, walked as `kiosk-admin audit verify` walks it (read-only: the doctor records nothing)."""
    from kiosk.security import audit

    with ctx.read() as session:
        report = audit.verify(session, ctx.data.audit_head_path)
    if report.ok and not report.findings:
        return Finding("audit", "ok", f"Nhật ký kiểm tra nguyên vẹn ({report.rows} dòng).", f"Audit chain intact ({report.rows} rows).")
    if report.ok:
        return Finding("audit", "ok", f"Nhật ký kiểm tra: {len(report.findings)} vấn đề đã được quản trị viên xác nhận (kiosk-admin audit verify liệt kê).",
                       f"Audit chain: {len(report.findings)} finding(s), all acknowledged by an administrator.")
    open_ = report.open_findings
    shown = "; ".join(f.message for f in open_[:3]) + (f" (và {len(open_) - 3} vấn đề khác)" if len(open_) > 3 else "")
    return Finding("audit", "error", f"Nhật ký kiểm tra không nguyên vẹn: {shown} Chạy kiosk-admin audit verify để xem đủ và báo quản trị viên.",
                   f"The audit chain has {len(open_)} unacknowledged finding(s): run kiosk-admin audit verify.")
