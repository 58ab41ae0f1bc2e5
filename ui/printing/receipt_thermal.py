"""The receipt on an 80 mm thermal roll: form 01 condensed into one narrow column, the page as long as its content.

A roll printer has ~72 mm of printable width and no page length, so the receipt is laid out first (at LAYOUT_DPI,
like the A4/A5 forms) and the page is then cut to its height: a custom ``QPageSize`` 80 mm wide. It keeps what the
citizen needs to come back (unit, title, code, name, procedure, received and appointment times, the documents
received, fee, where to collect, the officer) and the QR, drawn large enough to decode at 203 dpi (8 dots/mm, the
common thermal head): ~0.7 mm a module. No signature block: the paper is a slip, the signed copy is the A4/A5 form.
Both receipt layouts (2018, 2025) print the same slip; only the documents' second column differs (kind or way).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrinter

from kiosk.printed.receipt import (
    LAYOUT_2018,
    TITLE,
    ReceiptData,
    format_appointment,
    format_time_received,
    qr_matrix,
    reprint_mark,
    result_collection_in_full,
    short_tracking_address,
    way_text,
)
from ui.printing.layout_blocks import list_item
from ui.printing.page_output import RenderError, page_image, print_pages, write_pdf
from ui.printing.receipt_layout import BLANK, Composer, Style
from ui.printing.receipt_painter import LAYOUT_DPI, draw_composed, metrics_device
from ui.window.qt_app import register_fonts

THERMAL = "80mm"
ROLL_WIDTH_MM = 80.0
PRINT_WIDTH_MM = 72.0
MARGINS_MM = QMarginsF((ROLL_WIDTH_MM - PRINT_WIDTH_MM) / 2, 3.0, (ROLL_WIDTH_MM - PRINT_WIDTH_MM) / 2, 6.0)  # room for the cutter
QR_SYMBOL_MM = 36.0  # ~0.7 mm a module for a tracking address (version 7–8): 5–6 dots at 203 dpi
_QUIET_MODULES = 4
_WHAT = "giấy tiếp nhận (khổ 80 mm)"

# Fixed sizes: the roll is always the same width, so nothing interpolates between papers.
STYLE = Style(body=8.5, header=8.0, motto=8.0, title=9.5, code=11.0, table=8.0, small=7.2,
              qr_symbol_mm=QR_SYMBOL_MM, para_gap=1.4, sign_gap=0.0)


def compose(data: ReceiptData, copy_label: str, raster: bool) -> Composer:
    """One copy of the slip, top to bottom, at LAYOUT_DPI; ``composer.y`` is its height."""
    register_fonts()
    mm = LAYOUT_DPI / 25.4
    c = Composer(metrics_device(), LAYOUT_DPI, PRINT_WIDTH_MM * mm, STYLE, raster)
    s, u = STYLE, c.u
    centred = Qt.AlignmentFlag.AlignHCenter
    body, bold, small = c.font(s.body), c.font(s.body, bold=True), c.font(s.small, italic=True)

    c.paragraph([(data.agency_name.strip().upper(), c.font(s.header))], gap=0.0, align=centred)
    c.paragraph([("BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", c.font(s.header, bold=True))], gap=s.para_gap * u,
                align=centred)
    c.y += 1.5 * u
    c.rule(c.width * 0.35, c.width * 0.65, c.y)
    c.y += 4 * u
    title, w = c.heading_font_and_width(TITLE, c.font(s.title, bold=True), c.width, 0.92)  # balanced lines
    c.paragraph([(TITLE, title)], gap=2 * u, x=(c.width - w) / 2, width=w, align=centred)
    c.paragraph([("Mã hồ sơ", body)], gap=0.0, align=centred)
    code_font = c.fitted(data.dossier_code, c.font(s.code, bold=True), c.width, s.code * 0.7)
    c.paragraph([(data.dossier_code, code_font)], align=centred)
    if copy_label:
        c.paragraph([(f"({copy_label})", c.font(s.body, italic=True))], align=centred)
    mark = reprint_mark(data)
    if mark:
        c.reprint_box(mark)
    c.rule(0, c.width, c.y, 0.4)
    c.y += 2.5 * u

    c.paragraph([("Người nộp: ", body), (data.submitter_name.strip() or BLANK, bold)])
    procedure = data.procedure_name.strip() or BLANK
    if data.procedure_code.strip():
        procedure += f" (mã {data.procedure_code.strip()})"
    c.field("Thủ tục: ", procedure)
    c.field("Nhận hồ sơ: ", format_time_received(data.received_at))
    c.field("Hẹn trả kết quả: ", format_appointment(data.appointment_date, data.appointment_time), bold_value=True)
    c.paragraph([("Giấy tờ đã nhận:", body)], gap=0.5 * u)
    for i, doc in enumerate(data.documents, 1):
        how = doc.kind_label if data.layout_version == LAYOUT_2018 else way_text(doc)
        runs = [(doc.name.strip() or BLANK, body), (f" ({how.strip()})" if how.strip() else "", small)]
        runs.append((f", {doc.quantity:02d} bản" if doc.quantity > 1 else "", small))
        list_item(c, f"{i}.", [r for r in runs if r[0]], indent_pt=2.0)
    if not data.documents:
        c.paragraph([("Không có giấy tờ kèm theo", small)])
    c.field("Phí, lệ phí: ", data.fee_text)
    where = result_collection_in_full(data) if data.layout_version != LAYOUT_2018 else data.result_collection
    c.field("Nhận kết quả tại: ", where)
    if data.officer_name.strip():
        c.field("Người tiếp nhận: ", data.officer_name)
    if data.hotline.strip():
        c.paragraph([(f"Đường dây nóng: {data.hotline.strip()}", small)])
    _qr(c, data)
    return c


def _qr(c: Composer, data: ReceiptData) -> None:
    """The QR centred under the text, its caption and the short address the citizen can type."""
    matrix = qr_matrix(data.tracking_url)
    n = len(matrix)
    box = QR_SYMBOL_MM * c.mm / n * (n + 2 * _QUIET_MODULES)
    x, top = (c.width - box) / 2, c.y
    c.ops.append(lambda p: c.draw_qr(p, matrix, x, top, box))
    c.y = top + box
    centred = Qt.AlignmentFlag.AlignHCenter
    c.paragraph([("Quét mã để tra cứu hồ sơ", c.font(STYLE.small, italic=True))], gap=0.0, align=centred)
    c.paragraph([(short_tracking_address(data.tracking_url), c.font(STYLE.small))], gap=0.0, align=centred)


def page_size_for(composers: Sequence[Composer]) -> QPageSize:
    """80 mm wide, as long as the longest copy plus the margins (the roll is cut after it)."""
    mm = LAYOUT_DPI / 25.4
    height = max(c.y for c in composers) / mm + MARGINS_MM.top() + MARGINS_MM.bottom()
    return QPageSize(QSizeF(ROLL_WIDTH_MM, round(height + 0.5)), QPageSize.Unit.Millimeter, "Cuộn 80 mm",
                     QPageSize.SizeMatchPolicy.ExactMatch)


def _painters(composers: Sequence[Composer]):
    return [lambda painter, rect, c=c: draw_composed(painter, rect, c) for c in composers]


def render_pdf(data: ReceiptData, path: Path, copies: Sequence[str], error: type[RenderError] = RenderError) -> Path:
    """A PDF with one 80 mm page per copy; the file appears complete or not at all."""
    composers = [compose(data, label, raster=False) for label in copies]
    return write_pdf(path, page_size_for(composers), f"{TITLE} – {data.dossier_code}", _painters(composers),
                     _WHAT, error, margins_mm=MARGINS_MM)


def render_image(data: ReceiptData, dpi: int, copy_label: str) -> QImage:
    """One copy as a white image at ``dpi``, for the on-screen preview."""
    composer = compose(data, copy_label, raster=True)
    return page_image(page_size_for([composer]), dpi,
                      lambda painter, rect: draw_composed(painter, rect, composer), margins_mm=MARGINS_MM)


def print_slips(data: ReceiptData, printer: QPrinter, copies: Sequence[str],
                error: type[RenderError] = RenderError) -> None:
    """One slip per copy on a roll printer: its page set to 80 mm by the slip's length."""
    composers = [compose(data, label, raster=False) for label in copies]
    printer.setPageLayout(QPageLayout(page_size_for(composers), QPageLayout.Orientation.Portrait, MARGINS_MM,
                                      QPageLayout.Unit.Millimeter))
    print_pages(printer, _painters(composers), _WHAT, error, margins_mm=MARGINS_MM)


def is_roll(printer: QPrinter) -> bool:
    """A printer whose paper is narrower than A5 is a receipt roll: it gets the 80 mm slip."""
    width = printer.pageLayout().pageSize().size(QPageSize.Unit.Millimeter).width()
    return 0 < width < 100


__all__ = ["THERMAL", "compose", "is_roll", "page_size_for", "print_slips", "render_image", "render_pdf"]
