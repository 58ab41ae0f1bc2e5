"""`kiosk-admin doctor`'s clock findings: the floor and its source, a clock behind it, a clock behind the newest dossier.

Read after the portal's checks (which may confirm the clock just now), from the stored comparison: a dossier
dated by a clock that ran ahead no longer raises an error once the portal has confirmed the corrected clock.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from forms.timezone import VN_TZ
from kiosk.admin.doctor import Finding
from kiosk.clock import floor
from kiosk.storage.context import KioskContext
from kiosk.storage.models import Dossier


def clock_findings(ctx: KioskContext, now: datetime) -> list[Finding]:
    state = floor.load(ctx.data.root)
    findings = [Finding("clock_floor", "ok", f"Mốc thời gian tin cậy: {floor.describe(state)}.",
                        f"Clock floor {state.floor.isoformat(timespec='minutes')} (source: {state.source}).")]
    if now < state.floor - floor.TOLERANCE:
        allowed = state.override_until is not None and now <= state.override_until
        findings.append(Finding(
            "clock", "warning" if allowed else "error",
            floor.refusal_message(state, now) + (f" Quản trị viên ({state.override_by}) đã cho phép tiếp nhận tạm thời." if allowed else ""),
            "The PC clock is more than a day behind the clock floor: receiving is refused until the date and time are set."))
        return findings
    with ctx.read() as session:
        newest = session.scalar(select(func.max(Dossier.received_at)))
    if newest is None or now >= newest:
        return findings
    if floor.confirmed_recently(state, now):
        shown = newest.astimezone(VN_TZ)
        findings.append(Finding(
            "clock", "ok",
            f"Đồng hồ máy đã được cổng xác nhận đúng; hồ sơ mới nhất ({shown:%H:%M %d/%m/%Y}) mang giờ của đồng hồ chạy nhanh trước đó.",
            "The portal confirmed the clock; the newest dossier was dated by a clock that ran ahead before."))
        return findings
    shown = newest.astimezone(VN_TZ)
    findings.append(Finding(
        "clock", "error",
        f"Đồng hồ máy tính đang chậm hơn hồ sơ mới nhất (tiếp nhận lúc {shown:%H:%M ngày %d/%m/%Y}). "
        "Hãy chỉnh lại ngày giờ của máy; nếu đồng hồ đã đúng, lần đồng bộ tới với cổng sẽ xác nhận và hết báo lỗi.",
        "The PC clock is earlier than the newest dossier: set the date and time (a sync with the portal confirms a corrected clock)."))
    return findings
