"""The Vietnamese summary `kiosk-admin restore` prints: exactly what the restore did, and what the officer must do.

One source of the wording: the window's restore screen (ui/pages/restore/summary_page.py) shows `what_happened` and
lists the codes and notice numbers itself, with an action beside each code.
"""

from __future__ import annotations

from kiosk.storage.backup import RestoreReport

SHOWN = 30  # codes listed in the text; `--json` always has all of them


def _codes(codes: list[str]) -> str:
    listed = ", ".join(codes[:SHOWN])
    return listed + (f" … (và {len(codes) - SHOWN} mã khác, xem --json)" if len(codes) > SHOWN else "")


# How the summary names each numbered notice (forms.counter.NUMBERED_KINDS).
NOTICE_NAMES = {
    "guidance": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "refusal": "Phiếu từ chối tiếp nhận hồ sơ",
    "stop": "Thông báo dừng giải quyết hồ sơ",
    "hand_back": "Phiếu giao nhận kết quả",
}
REENTER_HOW = ("Với mỗi mã, tìm bản giấy của giấy tiếp nhận; nếu công dân đã nhận giấy mang mã đó, hãy tiếp nhận lại hồ sơ "
               "từ bản giấy theo đúng mã đó (trong cửa sổ tiếp nhận: màn hình \"Kết quả khôi phục dữ liệu\", nút "
               "\"Tiếp nhận lại theo mã này\"); không có bản giấy thì chọn \"Không có bản giấy\".")
NOTICE_HOW = "Hãy tìm bản giấy lưu của từng phiếu; số phiếu không bị cấp lại."


def notice_label(notice: dict[str, str]) -> str:
    """How a notice number is named, e.g. "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ số 1/3/2026"."""
    return f"{NOTICE_NAMES.get(notice.get('kind', ''), notice.get('kind', ''))} số {notice.get('number', '')}"


def summary_text(report: RestoreReport) -> str:
    return "\n".join(what_happened(report) + codes_lines(report) + notices_lines(report))


def what_happened(report: RestoreReport) -> list[str]:
    """What the restore did with the database and what it carried over (without the lists of codes to look for)."""
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
    return lines + purge_lines(report)


def purge_lines(report: RestoreReport) -> list[str]:
    """The purges done since the backup, applied again to it (docs/restore.md)."""
    if report.purges_reapplied is None:
        return ["KHÔNG đọc được sổ các lần xóa dữ liệu cá nhân (purge-ledger.json): dữ liệu cá nhân đã xóa khi hết hạn "
                "lưu trữ có thể đã trở lại cùng bản sao lưu. Hãy báo quản trị viên."]
    lines = []
    if report.purges_reapplied:
        lines.append(f"Đã xóa lại dữ liệu cá nhân của {len(report.purges_reapplied)} hồ sơ đã hết hạn lưu trữ mà bản sao lưu "
                     f"còn giữ: {_codes(report.purges_reapplied)}.")
    if report.notice_purges_reapplied:
        lines.append(f"Đã xóa lại thông tin cá nhân trên {len(report.notice_purges_reapplied)} phiếu hướng dẫn/từ chối đã hết hạn lưu trữ.")
    return lines


def codes_intro(report: RestoreReport) -> str:
    """The heading of the "codes that may have been issued" (which depends on whether anything was carried)."""
    if report.carried is None:
        return "Các mã có thể đã cấp mà máy không còn hồ sơ"
    return "Các mã đã được giữ chỗ nhưng không có hồ sơ (thường do mất điện lúc lưu)"


def codes_lines(report: RestoreReport) -> list[str]:
    """The dossier codes the code ledger says may have been issued, and what to do with each."""
    carried, lines = report.carried, []
    if report.possibly_issued is None:
        if carried is None:
            lines.append("Không xác định được những mã hồ sơ đã cấp sau bản sao lưu (sổ mã không đọc được). "
                         "Hãy đối chiếu sổ theo dõi và bản giấy các giấy tiếp nhận từ ngày sao lưu, rồi tiếp nhận lại từng hồ sơ.")
    elif report.possibly_issued:
        lines.append(f"{codes_intro(report)} ({len(report.possibly_issued)}): {_codes(report.possibly_issued)}. {REENTER_HOW}")
    elif carried is None:
        lines.append("Sổ mã cho biết không có mã hồ sơ nào cấp sau bản sao lưu.")
    return lines


def notices_lines(report: RestoreReport) -> list[str]:
    """Notice numbers possibly issued after the backup: listed only (a notice is not re-entered)."""
    notices = report.possibly_issued_notices
    if not notices:
        return []
    listed = "; ".join(notice_label(n) for n in notices[:SHOWN])
    more = f" … (và {len(notices) - SHOWN} phiếu khác, xem --json)" if len(notices) > SHOWN else ""
    return [f"Các số phiếu có thể đã cấp sau bản sao lưu mà máy không còn ({len(notices)}): {listed}{more}. {NOTICE_HOW}"]
