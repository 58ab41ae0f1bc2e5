"""The national dossier status codes 1–10 (shared/DOMAIN.md) with their Vietnamese labels, written once.

`label` is the full wording (the citizen's tracking page, the portal's commands); `short` fits the
officer's dossier list column; `hint` tells a citizen what to do next, where there is something to do.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PortalStatus:
    code: int
    label: str
    short: str
    hint: str | None = None


_CONTACT = "Vui lòng liên hệ bộ phận một cửa nơi nộp hồ sơ"

STATUSES: dict[int, PortalStatus] = {
    s.code: s
    for s in (
        PortalStatus(1, "Mới tiếp nhận (trực tuyến)", "Mới (trực tuyến)"),
        PortalStatus(2, "Đã tiếp nhận", "Đã tiếp nhận"),
        PortalStatus(3, "Từ chối tiếp nhận", "Từ chối", f"{_CONTACT} để biết lý do."),
        PortalStatus(4, "Đang xử lý", "Đang xử lý"),
        PortalStatus(5, "Yêu cầu bổ sung hồ sơ", "Yêu cầu bổ sung", f"{_CONTACT} để bổ sung giấy tờ."),
        PortalStatus(6, "Chờ thanh toán phí, lệ phí", "Chờ thanh toán", f"{_CONTACT} để nộp phí, lệ phí."),
        # 7 is the stop at the citizen's own request (form 05, recorded at the counter); 8 stays the resolving agency's stop.
        PortalStatus(7, "Đã dừng giải quyết (theo yêu cầu của người nộp)", "Dừng theo yêu cầu"),
        PortalStatus(8, "Dừng xử lý", "Dừng xử lý", f"{_CONTACT} để biết thêm chi tiết."),
        PortalStatus(9, "Đã có kết quả", "Đã có kết quả", "Mời ông/bà đến nhận kết quả theo giấy hẹn (mang theo giấy tiếp nhận)."),
        PortalStatus(10, "Đã trả kết quả", "Đã trả kết quả"),
    )
}

RECEIVED = 2  # shown when the back office has set no status yet: the counter received it in person


def label(status: int | None) -> str:
    """The full wording; a dossier with no status yet was received at the counter (2)."""
    found = STATUSES.get(status or RECEIVED)
    return found.label if found else f"Trạng thái {status}"


def short_label(status: int | None) -> str | None:
    """The list-column wording; None when the portal has reported nothing (or nothing known) yet."""
    found = STATUSES.get(status) if status else None
    return found.short if found else None


def hint(status: int | None) -> str | None:
    found = STATUSES.get(status or RECEIVED)
    return found.hint if found else None
