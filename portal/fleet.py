"""The fleet page: every kiosk's last sync, queue, version, clock skew and audit chain witness (HTML, for the province's IT)."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any, Sequence

from forms.timezone import VN_TZ
from portal.pages import frame

SKEW_WARN_S = 15 * 60


def _when(value: str | None) -> str:
    if not value:
        return "chưa đồng bộ"
    return datetime.fromisoformat(value).astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y")


def audit_text(row: dict[str, Any]) -> str:
    """The audit chain column: the head held, or the flag kept once a head went back or forked."""
    if row.get("audit_flag"):
        held, reported = row.get("audit_flag_held_seq"), row.get("audit_flag_reported_seq")
        what = (f"bị lùi từ #{held} về #{reported}" if row["audit_flag"] == "lower"
                else f"không nối tiếp #{held} (máy gửi #{reported}): các dòng đã bị xóa hoặc viết lại")
        return f"⚠ Chuỗi nhật ký {what}, lúc {_when(row.get('audit_flagged_at'))}; có thể do khôi phục bản sao lưu: cần kiểm tra máy"
    if row.get("audit_seq") is None:
        return "—"
    return f"liền mạch đến #{row['audit_seq']}"


def page(rows: Sequence[dict[str, Any]], portal_name: str) -> str:
    lines = []
    for row in rows:
        skew = row.get("clock_skew_s")
        skew_text = "—" if skew is None else f"{skew / 60:+.0f} phút" if abs(skew) >= 60 else f"{skew:+.0f} giây"
        flag = " ⚠" if skew is not None and abs(skew) > SKEW_WARN_S else ""
        state = "đã thu hồi" if row.get("revoked_at") else "đang dùng"
        cells = (
            f"{row['unit_id']} / máy {row['kiosk_number']}",
            row["kiosk_id"],
            row.get("app_version") or "—",
            _when(row.get("last_sync_at")),
            "—" if row.get("queue_length") is None else str(row["queue_length"]),
            skew_text + flag,
            audit_text(row),
            state,
        )
        lines.append("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{h}</th>" for h in ("Đơn vị / máy", "Mã máy", "Phiên bản", "Đồng bộ lần cuối", "Chờ gửi", "Lệch giờ", "Nhật ký kiểm tra", "Trạng thái"))
    content = (
        '<section class="card">\n<h2>Máy tiếp nhận</h2>\n'
        f'<table style="width:100%;border-collapse:collapse;font-size:15px"><thead><tr>{head}</tr></thead>\n<tbody>\n'
        + "\n".join(lines)
        + "\n</tbody></table>\n</section>"
    )
    return frame("Máy tiếp nhận", portal_name, content)
