"""`kiosk-admin doctor`'s checks that talk to the portal: reachability, enrolment, clock skew (rural PCs' clocks drift),
and what the portal said of this kiosk's audit chain at the last pass (sync/audit_witness.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from kiosk.clock.floor import PortalCheck
from kiosk.storage.context import KioskContext
from kiosk.admin.doctor import Finding
from kiosk.storage.models import utcnow
from sync.audit_witness import witness_findings
from sync.credentials import load_credentials
from sync.engine import default_client
from sync.clock_check import record_confirmed, timed_health
from sync.errors import PortalError

SKEW_WARNING_S = 120
SKEW_ERROR_S = 15 * 60  # a receipt's time and the appointment's day would be wrong


def portal_checks(ctx: KioskContext, clock: Callable[[], datetime] = utcnow) -> list[Finding]:
    if ctx.settings.demo:
        return [Finding("portal", "ok", "Chế độ trình diễn: không đồng bộ với cổng.", "Demo mode: no portal sync.")]
    if not ctx.settings.portal_url:
        return [Finding("portal", "warning", "Chưa cấu hình địa chỉ cổng dịch vụ công: hồ sơ sẽ chờ gửi.", "No portal URL configured: dossiers stay queued.")]
    findings: list[Finding] = witness_findings(ctx)  # what the portal said at the last pass, reachable now or not
    credentials = load_credentials(ctx.data)
    if credentials is None:
        findings.append(Finding(
            "enrolment", "error",
            "Máy chưa đăng ký với cổng: chạy echo MÃ | kiosk-admin enrol --portal URL --code - (mã do quản trị viên cổng cấp).",
            "This kiosk is not enrolled: run echo CODE | kiosk-admin enrol --portal URL --code -.",
        ))
    else:
        findings.append(Finding("enrolment", "ok", f"Đã đăng ký với cổng (mã máy {credentials.kiosk_id}).", f"Enrolled as kiosk {credentials.kiosk_id}."))
    client = default_client(ctx, timeout=(5.0, 10.0))
    try:
        try:
            answer, reading = timed_health(client, clock)
        except PortalError as exc:
            findings.append(Finding("portal", "error", f"Không kết nối được cổng {ctx.settings.portal_url}: {exc.message}",
                                    f"The portal {ctx.settings.portal_url} cannot be reached: check the network, then the address."))
            return findings
        findings.append(Finding("portal", "ok", f"{answer.get('portal_name') or ctx.settings.portal_url} trả lời (cổng dịch vụ công).", "The portal answers."))
        findings.append(_skew(reading))
        if credentials is not None:
            try:
                client.status_changes(None, limit=1)
                record_confirmed(ctx, reading)  # an authenticated answer: the comparison counts (docs/clock.md)
            except PortalError as exc:
                findings.append(Finding("enrolment", "error", exc.message, "The portal refuses this kiosk's credentials: enrol again with a new code."))
    finally:
        client.close()
    return findings


def _skew(reading: PortalCheck | None) -> Finding:
    if reading is None:
        return Finding("clock_skew", "warning", "Cổng không cho biết giờ; không so được đồng hồ.", "The portal gave no time; clock not compared.")
    skew = reading.skew_s
    minutes = abs(skew) / 60
    direction_vi, direction_en = ("nhanh", "ahead of") if skew > 0 else ("chậm", "behind")
    if abs(skew) > SKEW_ERROR_S:
        return Finding(
            "clock_skew", "error",
            f"Đồng hồ máy {direction_vi} hơn giờ của cổng {minutes:.0f} phút: hãy chỉnh ngày giờ của máy (giờ in trên giấy hẹn sẽ sai).",
            f"The PC clock is {minutes:.0f} minutes {direction_en} the portal's: set the date and time (receipts would show the wrong time).",
        )
    if abs(skew) > SKEW_WARNING_S:
        return Finding("clock_skew", "warning", f"Đồng hồ máy lệch {minutes:.0f} phút so với cổng: nên chỉnh lại.",
                       f"The PC clock is {minutes:.0f} minutes off the portal's: consider setting it.")
    return Finding("clock_skew", "ok", f"Đồng hồ máy khớp giờ của cổng (lệch {abs(skew):.0f} giây).", f"Clock within {abs(skew):.0f} s of the portal's.")
