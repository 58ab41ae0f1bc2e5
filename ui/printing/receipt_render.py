"""Puts the receipt on a PDF file, a preview image or a printer; safe off the GUI thread too."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtPrintSupport import QPrinter

from kiosk.printed.receipt import TITLE, ReceiptData
from kiosk.storage.files import replacing
from ui.printing.receipt_painter import paint_receipt

MARGIN_MM = 15.0
PDF_DPI = 300
_PAPERS = {"A4": QPageSize.PageSizeId.A4, "A5": QPageSize.PageSizeId.A5}


class ReceiptRenderError(RuntimeError):
    """The receipt could not be written or printed; the message is for the officer."""


def _page_size(paper: str) -> QPageSize:
    try:
        return QPageSize(_PAPERS[paper.upper()])
    except KeyError:
        raise ValueError(f"paper must be A4 or A5, got {paper!r}") from None


def _margins() -> QMarginsF:
    return QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM)


def _content_rect(layout: QPageLayout, dpi: int) -> QRectF:
    # The painter's origin is already the top-left of the printable area.
    rect = layout.paintRectPixels(dpi)
    return QRectF(0, 0, rect.width(), rect.height())


def _paint_copies(painter: QPainter, new_page, rect: QRectF, data: ReceiptData,
                  copies: Sequence[str]) -> None:
    for i, label in enumerate(copies):
        if i and not new_page():
            raise ReceiptRenderError("Không tạo được trang mới khi in giấy tiếp nhận.")
        paint_receipt(painter, rect, data, label)


def render_pdf(data: ReceiptData, path: Path, paper: str = "A4",
               copies: Sequence[str] | None = None) -> Path:
    """Write a PDF with one page per copy (by default the receipt's own: ``ReceiptData.copy_labels``);
    the file appears complete or not at all."""
    copies = data.copy_labels if copies is None else copies
    if not copies:
        raise ValueError("at least one copy label is needed")
    path = Path(path)
    page_size = _page_size(paper)
    with replacing(path) as tmp:
        writer = QPdfWriter(str(tmp))
        writer.setResolution(PDF_DPI)
        writer.setTitle(f"{TITLE} – {data.dossier_code}")
        writer.setCreator("Một Cửa Kiosk")
        writer.setPageLayout(QPageLayout(page_size, QPageLayout.Orientation.Portrait, _margins(),
                                         QPageLayout.Unit.Millimeter))
        painter = QPainter()
        if not painter.begin(writer):
            raise ReceiptRenderError(f"Không ghi được tệp PDF: {path}")
        try:
            rect = _content_rect(writer.pageLayout(), PDF_DPI)
            _paint_copies(painter, writer.newPage, rect, data, copies)
        finally:
            ok = painter.end()
        del writer  # closes the file
        if not ok:
            raise ReceiptRenderError(f"Không ghi được tệp PDF: {path}")
    return path


def render_image(data: ReceiptData, paper: str = "A4", dpi: int = 110,
                 copy_label: str | None = None) -> QImage:
    """One copy (by default the receipt's first) as a white page image at ``dpi``, for the on-screen preview."""
    copy_label = data.copy_labels[0] if copy_label is None else copy_label
    size_mm: QSizeF = _page_size(paper).size(QPageSize.Unit.Millimeter)  # exact, unlike points
    image = QImage(round(size_mm.width() * dpi / 25.4), round(size_mm.height() * dpi / 25.4),
                   QImage.Format.Format_RGB32)
    dots_per_metre = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.fill(0xFFFFFFFF)
    margin = MARGIN_MM * dpi / 25.4
    painter = QPainter(image)
    try:
        rect = QRectF(margin, margin, image.width() - 2 * margin, image.height() - 2 * margin)
        paint_receipt(painter, rect, data, copy_label)
    finally:
        painter.end()
    return image


def print_receipt(data: ReceiptData, printer: QPrinter,
                  copies: Sequence[str] | None = None) -> None:
    """Print one page per copy (by default the receipt's own) on ``printer`` (its paper size is kept; margins
    at least 15 mm)."""
    copies = data.copy_labels if copies is None else copies
    if not copies:
        raise ValueError("at least one copy label is needed")
    layout = printer.pageLayout()
    current = layout.margins(QPageLayout.Unit.Millimeter)
    wanted = QMarginsF(max(current.left(), MARGIN_MM), max(current.top(), MARGIN_MM),
                       max(current.right(), MARGIN_MM), max(current.bottom(), MARGIN_MM))
    printer.setPageMargins(wanted, QPageLayout.Unit.Millimeter)
    painter = QPainter()
    if not painter.begin(printer):
        raise ReceiptRenderError("Không mở được máy in. Kiểm tra máy in đã bật và còn giấy.")
    try:
        layout = printer.pageLayout()
        rect = layout.paintRectPixels(printer.resolution())
        if printer.fullPage():
            page_rect = QRectF(rect)
        else:
            page_rect = QRectF(0, 0, rect.width(), rect.height())
        _paint_copies(painter, printer.newPage, page_rect, data, copies)
    except BaseException:
        painter.end()
        raise
    if not painter.end():
        raise ReceiptRenderError("Máy in báo lỗi khi in giấy tiếp nhận.")
