"""The Vietnamese summary `kiosk-admin restore` prints: exactly what the restore did, and what the officer must do."""

from __future__ import annotations

from kiosk.storage.backup import RestoreReport

SHOWN = 30  # codes listed in the text; `--json` always has all of them


def _codes(codes: list[str]) -> str:
    listed = ", ".join(codes[:SHOWN])
    return listed + (f" … (và {len(codes) - SHOWN} mã khác, xem --json)" if len(codes) > SHOWN else "")


def summary_text(report: RestoreReport) -> str:
    lines = [f"Đã khôi phục cơ sở dữ liệu từ {report.restored}."]
    if report.previous_kept_as:
        lines.append(f"Cơ sở dữ liệu trước khi khôi phục được giữ tại {report.previous_kept_as}.")
    carried = report.carried
    if carried is not None:
        if carried.dossiers:
            lines.append(f"Đã chuyển sang {len(carried.dossiers)} hồ sơ tiếp nhận sau bản sao lưu (giữ nguyên mã và trạng thái gửi): {_codes(carried.dossiers)}.")
        else:
            lines.append("Không có hồ sơ nào tiếp nhận sau bản sao lưu cần chuyển sang.")
        if carried.updated:
            lines.append(f"Giữ bản mới hơn (đã bổ sung/cập nhật sau bản sao lưu) của {len(carried.updated)} hồ sơ: {_codes(carried.updated)}.")
        lines.append(f"Đã chuyển sang {carried.events} sự kiện quầy (trả kết quả, phiếu, đánh giá…)"
                     + (f" và {carried.drafts} hồ sơ đang soạn dở." if carried.drafts else "."))
        if carried.officers:
            lines.append(f"Đã chuyển sang {len(carried.officers)} tài khoản cán bộ tạo sau bản sao lưu: {', '.join(carried.officers)}.")
        if carried.conflicts:
            lines.append(f"KHÔNG chuyển được {len(carried.conflicts)} hồ sơ vì bản sao lưu đã có mã đó cho hồ sơ khác: "
                         f"{_codes(carried.conflicts)}. Hãy báo quản trị viên; chúng vẫn có trong bản giữ lại.")
    else:
        lines.append(f"KHÔNG đọc được cơ sở dữ liệu trước khi khôi phục ({report.unreadable_reason}): "
                     "các hồ sơ tiếp nhận sau bản sao lưu không được chuyển sang.")
    if report.possibly_issued is None:
        if carried is None:
            lines.append("Không xác định được những mã hồ sơ đã cấp sau bản sao lưu (sổ mã không đọc được). "
                         "Hãy đối chiếu sổ theo dõi và bản giấy các giấy tiếp nhận từ ngày sao lưu, rồi tiếp nhận lại từng hồ sơ.")
    elif report.possibly_issued:
        intro = "Các mã có thể đã cấp mà máy không còn hồ sơ" if carried is None else "Các mã đã được giữ chỗ nhưng không có hồ sơ (thường do mất điện lúc lưu)"
        lines.append(f"{intro} ({len(report.possibly_issued)}): {_codes(report.possibly_issued)}. "
                     "Với mỗi mã, tìm bản giấy của giấy tiếp nhận; nếu công dân đã nhận giấy mang mã đó, hãy tiếp nhận lại hồ sơ "
                     "từ bản giấy và ghi mã cũ vào phần ghi chú.")
    elif carried is None:
        lines.append("Sổ mã cho biết không có mã hồ sơ nào cấp sau bản sao lưu.")
    return "\n".join(lines)
