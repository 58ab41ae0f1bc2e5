"""The logbook (form 07, landscape A4) and the period report (portrait A4, with its charts) as PDF files.

Both start with the receipt's header blocks (the agency, "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", the motto, the
place and date) and title, and flow over as many pages as they need (``flow_pages``): the logbook's heading row
repeats on each page. Safe off the GUI thread given the report's chart images (``report_charts.render_charts``,
made on the GUI thread).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPageLayout
from PySide6.QtPrintSupport import QPrinter

from forms.text import format_vnd
from kiosk.books.logbook import HEADINGS, Logbook
from kiosk.books.report import Report
from ui.printing.flow_pages import Flow
from ui.printing.page_output import RenderError, page_size, print_pages, write_pdf
from ui.printing.report_charts import CHART_RATIO

LOGBOOK_TITLE = "SỔ THEO DÕI HỒ SƠ"
REPORT_TITLE = "BÁO CÁO TÌNH HÌNH TIẾP NHẬN VÀ TRẢ KẾT QUẢ HỒ SƠ"
# Form 07's columns share the landscape width in these proportions (a code and an address need the most).
_LOGBOOK_WEIGHTS = (3.2, 18, 12.5, 9.5, 13, 9.5, 7.5, 7.5, 7.5, 10, 6.5)
_CENTRED = frozenset({0, 6, 7, 8})


def _period(start: date, end: date) -> str:
    return f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"


def _logbook_flow(book: Logbook, unit_name: str, place_name: str, today: date) -> Flow:
    """Form 07 on landscape A4: header, title, volume and period, the table with its heading row on every page."""
    flow = Flow("A4", landscape=True, table_scale=0.72)
    flow.c.header_blocks(unit_name, place_name, today)
    flow.c.title(LOGBOOK_TITLE)
    volumes = ", ".join(book.volumes) or "—"
    flow.text(f"Quyển số: {volumes}   ·   Lĩnh vực: {book.field_label}   ·   {_period(book.start, book.end)}",
              italic=True, align=Qt.AlignmentFlag.AlignHCenter)
    rows = [row.cells() for row in book.rows]
    if not rows:
        rows = [("", "", "Không có hồ sơ trong kỳ", "", "", "", "", "", "", "", "")]
    flow.table(HEADINGS, rows, _LOGBOOK_WEIGHTS, _CENTRED)
    return flow


def render_logbook_pdf(book: Logbook, path: Path, *, unit_name: str, place_name: str, today: date) -> Path:
    """The logbook as a PDF file (landscape A4)."""
    flow = _logbook_flow(book, unit_name, place_name, today)
    return write_pdf(path, "A4", f"Sổ theo dõi hồ sơ {_period(book.start, book.end)}", flow.pages(),
                     "sổ theo dõi hồ sơ", RenderError, landscape=True)


def print_logbook(book: Logbook, printer: QPrinter, *, unit_name: str, place_name: str, today: date) -> None:
    """The same pages on ``printer`` (the print dialog's choice), turned to landscape A4 as the PDF is."""
    printer.setPageSize(page_size("A4"))
    printer.setPageOrientation(QPageLayout.Orientation.Landscape)
    printer.setDocName(f"Sổ theo dõi hồ sơ {_period(book.start, book.end)}")
    print_pages(printer, _logbook_flow(book, unit_name, place_name, today).pages(), "sổ theo dõi hồ sơ", RenderError)


def report_lines(data: Report) -> list[tuple[str, str]]:
    """The summary table's lines (label, figure), shared with the screen."""
    return [
        ("Hồ sơ tiếp nhận", str(data.received)),
        ("Phiếu hướng dẫn bổ sung, hoàn thiện hồ sơ", str(data.guidance)),
        ("Phiếu từ chối tiếp nhận", str(data.refusals)),
        ("Trả kết quả đúng hẹn", str(data.returned_on_time)),
        ("Trả kết quả quá hẹn", str(data.returned_late)),
        (f"Quá hạn chưa trả (đến ngày {data.today:%d/%m/%Y})", str(data.overdue_now)),
        ("Dừng giải quyết theo yêu cầu", str(data.stopped)),
        (f"Phí, lệ phí thu khi tiếp nhận ({data.fees_at_receipt_count} hồ sơ)", format_vnd(data.fees_at_receipt_vnd)),
        (f"Phí, lệ phí thu khi trả kết quả ({data.fees_at_hand_back_count} hồ sơ)", format_vnd(data.fees_at_hand_back_vnd)),
        ("Tổng phí, lệ phí đã thu", format_vnd(data.fees_collected_vnd)),
        ("Lượt đánh giá mức độ hài lòng", str(data.rated)),
    ]


def render_report_pdf(data: Report, path: Path, *, unit_name: str, place_name: str, today: date,
                      charts: list[QImage]) -> Path:
    """The report on portrait A4: the figures, then each section with its table and chart."""
    flow = Flow("A4", landscape=False, table_scale=0.85)
    flow.c.header_blocks(unit_name, place_name, today)
    flow.c.title(REPORT_TITLE)
    flow.text(_period(data.start, data.end), italic=True, align=Qt.AlignmentFlag.AlignHCenter)
    flow.text("1. Tổng hợp", bold=True)
    flow.table(("Chỉ tiêu", "Số liệu"), report_lines(data), (5, 1.6), frozenset({1}))
    chart_iter = iter(charts)
    flow.text("2. Hồ sơ tiếp nhận theo thủ tục và hình thức nộp", bold=True)
    flow.table(("Thủ tục", "Mã", "Số hồ sơ"), [(c.label, c.key, str(c.count)) for c in data.by_procedure] or [("Không có hồ sơ", "", "0")],
               (6, 1.4, 1.2), frozenset({1, 2}))
    flow.table(("Hình thức nộp", "Số hồ sơ"), [(c.label, str(c.count)) for c in data.by_channel] or [("Không có hồ sơ", "0")],
               (6, 1.2), frozenset({1}))
    if (image := next(chart_iter, None)) is not None:
        flow.image(image, CHART_RATIO)
    flow.text("3. Kết quả giải quyết", bold=True)
    if (image := next(chart_iter, None)) is not None:
        flow.image(image, CHART_RATIO)
    flow.text("4. Mức độ hài lòng", bold=True)
    flow.table(("Mức", "Số lượt", "Tỷ lệ"), [(c.label, str(c.count), f"{data.share(c.count):g}%") for c in data.ratings],
               (5, 1.2, 1.2), frozenset({1, 2}))
    if data.rating_reasons:
        flow.table(("Lý do chưa hài lòng, không hài lòng", "Số lượt"), [(c.label, str(c.count)) for c in data.rating_reasons],
                   (6, 1.2), frozenset({1}))
    if (image := next(chart_iter, None)) is not None:
        flow.image(image, CHART_RATIO)
    return write_pdf(path, "A4", f"Báo cáo {_period(data.start, data.end)}", flow.pages(), "báo cáo", RenderError)
