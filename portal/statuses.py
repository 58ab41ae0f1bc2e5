"""The national dossier status codes 1–10 (shared/DOMAIN.md) with their Vietnamese labels."""

from __future__ import annotations

from sync.wire import PORTAL_STATUSES

STATUS_LABELS: dict[int, str] = {
    1: "Mới tiếp nhận (trực tuyến)",
    2: "Đã tiếp nhận",
    3: "Từ chối tiếp nhận",
    4: "Đang xử lý",
    5: "Yêu cầu bổ sung hồ sơ",
    6: "Chờ thanh toán phí, lệ phí",
    7: "Công dân đã rút hồ sơ",
    8: "Dừng xử lý",
    9: "Đã có kết quả",
    10: "Đã trả kết quả",
}

# What a citizen should do next, shown under the current status on the tracking page.
STATUS_HINTS: dict[int, str] = {
    3: "Vui lòng liên hệ bộ phận một cửa nơi nộp hồ sơ để biết lý do.",
    5: "Vui lòng liên hệ bộ phận một cửa nơi nộp hồ sơ để bổ sung giấy tờ.",
    6: "Vui lòng liên hệ bộ phận một cửa nơi nộp hồ sơ để nộp phí, lệ phí.",
    8: "Vui lòng liên hệ bộ phận một cửa nơi nộp hồ sơ để biết thêm chi tiết.",
    9: "Mời ông/bà đến nhận kết quả theo giấy hẹn (mang theo giấy tiếp nhận).",
}

RECEIVED = 2  # shown when the back office has set no status yet: the counter received it in person

assert set(STATUS_LABELS) == set(PORTAL_STATUSES)


def label(status: int | None) -> str:
    return STATUS_LABELS.get(status or RECEIVED, f"Trạng thái {status}")
