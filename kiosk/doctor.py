"""Health checks for `kiosk-admin doctor`: each finding has a severity and says what to do, in Vietnamese and English."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select, text

from kiosk.errors import KioskError
from kiosk.paths import DataDir

LOW_DISK_WARNING = 500 * 1024 * 1024
LOW_DISK_ERROR = 100 * 1024 * 1024


@dataclass(frozen=True)
class Finding:
    check: str
    severity: str  # "ok" | "warning" | "error"
    message_vi: str
    message_en: str


def run_checks(root: Path) -> list[Finding]:
    """Run every check that can run; a failure to open the data folder is itself a finding."""
    from kiosk.context import open_kiosk
    from kiosk.models import OutboxEntry, utcnow

    findings: list[Finding] = []
    data = DataDir(root)
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
            from kiosk.codes import clock_warning

            warning = clock_warning(session, utcnow())
            queued = session.scalar(select(func.count()).select_from(OutboxEntry).where(OutboxEntry.state.in_(("queued", "failed", "sending"))))
            officers = session.scalar(text("SELECT count(*) FROM officer WHERE active"))
        if warning:
            findings.append(Finding("clock", "error", warning, "The PC clock is earlier than the newest dossier: set the date and time."))
        if not officers:
            findings.append(Finding("officers", "error", "Chưa có cán bộ nào: thêm bằng kiosk-admin officer add.", "No officer accounts: add one with kiosk-admin officer add."))
        if ctx.settings.demo:
            findings.append(Finding("portal", "ok", "Chế độ trình diễn: không đồng bộ với cổng.", "Demo mode: no portal sync."))
        elif not ctx.settings.portal_url:
            findings.append(Finding("portal", "warning", "Chưa cấu hình địa chỉ cổng dịch vụ công: hồ sơ sẽ chờ gửi.", "No portal URL configured: dossiers stay queued."))
        findings.append(Finding("queue", "ok", f"{queued} hồ sơ đang chờ gửi.", f"{queued} dossiers queued."))
    finally:
        ctx.close()
    return findings
