"""The logbook (form 07) and the period report as XLSX workbooks (openpyxl), for units that keep them on a computer.

The logbook sheet has form 07's eleven headings in row 1 (frozen, so they stay on screen and repeat on every
printed page) and one row per entry. The report workbook has one sheet per section. Files appear complete or
not at all (`kiosk.storage.files.replacing`).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from kiosk.books.logbook import HEADINGS, Logbook
from kiosk.books.report import Count, Report
from kiosk.storage.files import replacing

_WIDTHS = (7, 24, 34, 24, 34, 28, 17, 17, 17, 28, 14)
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")


def _save(book: Workbook, path: Path) -> Path:
    path = Path(path)
    with replacing(path) as tmp:
        book.save(str(tmp))
    return path


def write_logbook_xlsx(book: Logbook, path: Path, unit_name: str = "") -> Path:
    """Sheet "Sổ theo dõi hồ sơ": the headings in row 1, one row per entry from row 2."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sổ theo dõi hồ sơ"
    sheet.append(list(HEADINGS))
    for row in book.rows:
        sheet.append(list(row.cells()))
    for col, width in enumerate(_WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    for cells in sheet.iter_rows():
        for cell in cells:
            cell.border, cell.alignment = _BOX, _WRAP
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.oddHeader.center.text = f"{unit_name} – Sổ theo dõi hồ sơ ({book.field_label}) {book.start:%d/%m/%Y}–{book.end:%d/%m/%Y}"
    return _save(workbook, path)


def _table(workbook: Workbook, title: str, headings: tuple[str, ...], rows: list[tuple]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(list(headings))
    for row in rows:
        sheet.append(list(row))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 44
    for col in range(2, len(headings) + 1):
        sheet.column_dimensions[get_column_letter(col)].width = 18


def _counts(counts: tuple[Count, ...]) -> list[tuple]:
    return [(c.label, c.key, c.count) for c in counts]


def write_report_xlsx(data: Report, path: Path, unit_name: str = "") -> Path:
    """One sheet per section: summary, by procedure, by channel, results, fees, satisfaction."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Tổng hợp"
    summary.append([f"Báo cáo tình hình tiếp nhận và trả kết quả – {unit_name}".rstrip(" –")])
    summary.append([f"Từ ngày {data.start:%d/%m/%Y} đến ngày {data.end:%d/%m/%Y}"])
    summary["A1"].font = Font(bold=True)
    for label, value in (
        ("Hồ sơ tiếp nhận", data.received),
        ("Phiếu hướng dẫn bổ sung, hoàn thiện hồ sơ", data.guidance),
        ("Phiếu từ chối tiếp nhận", data.refusals),
        ("Trả kết quả đúng hẹn", data.returned_on_time),
        ("Trả kết quả quá hẹn", data.returned_late),
        (f"Quá hạn chưa trả (đến ngày {data.today:%d/%m/%Y})", data.overdue_now),
        ("Dừng giải quyết theo yêu cầu", data.stopped),
        ("Phí, lệ phí đã thu (đồng)", data.fees_collected_vnd),
        ("Lượt đánh giá mức độ hài lòng", data.rated),
    ):
        summary.append([label, value])
    summary.column_dimensions["A"].width = 52
    summary.column_dimensions["B"].width = 16
    _table(workbook, "Theo thủ tục", ("Thủ tục", "Mã thủ tục", "Số hồ sơ"), _counts(data.by_procedure))
    _table(workbook, "Theo hình thức nộp", ("Hình thức", "Mã", "Số hồ sơ"), _counts(data.by_channel))
    _table(workbook, "Kết quả", ("Chỉ tiêu", "Số hồ sơ"), [
        ("Trả kết quả đúng hẹn", data.returned_on_time), ("Trả kết quả quá hẹn", data.returned_late),
        (f"Quá hạn chưa trả (đến ngày {data.today:%d/%m/%Y})", data.overdue_now), ("Dừng giải quyết theo yêu cầu", data.stopped),
    ])
    _table(workbook, "Phí lệ phí", ("Thời điểm thu", "Số hồ sơ", "Số tiền (đồng)"), [
        ("Khi tiếp nhận", data.fees_at_receipt_count, data.fees_at_receipt_vnd),
        ("Khi trả kết quả", data.fees_at_hand_back_count, data.fees_at_hand_back_vnd),
        ("Tổng cộng", data.fees_at_receipt_count + data.fees_at_hand_back_count, data.fees_collected_vnd),
    ])
    _table(workbook, "Mức độ hài lòng", ("Mức", "Mã", "Số lượt", "Tỷ lệ (%)"),
           [(c.label, c.key, c.count, data.share(c.count)) for c in data.ratings]
           + [("Lý do chưa hài lòng / không hài lòng", "", None, None)] + _counts(data.rating_reasons))
    return _save(workbook, path)
