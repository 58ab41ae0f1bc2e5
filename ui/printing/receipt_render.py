"""Puts the receipt on a PDF file, a preview image or a printer; safe off the GUI thread too.

The receipt's papers (docs/printing.md): "A4" and "A5" (one copy a page, the form drawn to the page's width),
"A4x2" (two A5-sized copies side by side on a landscape A4 sheet, to be cut apart: the site's ``receipt_two_up``)
and "80mm" (the condensed slip on a thermal roll, ``receipt_thermal``). The page set-up (paper sizes, margins, the
PDF written whole or not at all) is ``page_output``'s, shared with the notices (``notice_render``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPen
from PySide6.QtPrintSupport import QPrinter

from kiosk.printed.receipt import TITLE, ReceiptData, sheet_pairs
from ui.printing import receipt_thermal
from ui.printing.page_output import MARGIN_MM, PDF_DPI, RenderError, page_image, print_pages, write_pdf
from ui.printing.receipt_painter import paint_receipt

__all__ = ["MARGIN_MM", "PDF_DPI", "RECEIPT_PAPERS", "ReceiptRenderError", "TWO_UP", "print_receipt",
           "render_image", "render_pdf"]

_WHAT = "giấy tiếp nhận"
TWO_UP = "A4x2"
THERMAL = receipt_thermal.THERMAL
RECEIPT_PAPERS = ("A4", "A5", TWO_UP, THERMAL)
TWO_UP_GUTTER_MM = 20.0  # between the two copies on a sheet: the cut line runs down its middle


class ReceiptRenderError(RenderError):
    """The receipt could not be written or printed; the message is for the officer."""


def _check(paper: str) -> str:
    if paper not in RECEIPT_PAPERS:
        raise ValueError(f"paper must be one of {', '.join(RECEIPT_PAPERS)}, got {paper!r}")
    return paper


def _pages(data: ReceiptData, copies: Sequence[str]):
    # paint_receipt is looked up when a page is painted, so a test can replace it.
    return [lambda painter, rect, label=label: paint_receipt(painter, rect, data, label) for label in copies]


def paint_sheet(painter: QPainter, rect: QRectF, data: ReceiptData, pair: Sequence[str]) -> None:
    """Two copies side by side in ``rect`` (a landscape A4's printable area, device units), a dashed cut line
    between them: each half is a little wider than an A5 page's text, so each copy is the A5 form."""
    gutter = TWO_UP_GUTTER_MM * painter.device().logicalDpiX() / 25.4
    half = (rect.width() - gutter) / 2
    for i, label in enumerate(pair):
        paint_receipt(painter, QRectF(rect.left() + i * (half + gutter), rect.top(), half, rect.height()), data, label)
    pen = QPen(QColor(150, 150, 150), max(1.0, painter.device().logicalDpiX() / 300))
    pen.setStyle(Qt.PenStyle.DashLine)
    painter.save()
    painter.setPen(pen)
    middle = rect.center().x()
    painter.drawLine(QLineF(middle, rect.top(), middle, rect.bottom()))
    painter.restore()


def _sheets(data: ReceiptData, copies: Sequence[str]):
    return [lambda painter, rect, pair=pair: paint_sheet(painter, rect, data, pair)
            for pair in sheet_pairs(tuple(copies))]


def render_pdf(data: ReceiptData, path: Path, paper: str = "A4",
               copies: Sequence[str] | None = None) -> Path:
    """Write a PDF with one page per copy (by default the receipt's own: ``ReceiptData.copy_labels``), or one
    sheet per two copies on "A4x2" (a lone copy is doubled: a sheet holds two); the file appears complete or not
    at all."""
    copies = data.copy_labels if copies is None else copies
    if not copies:
        raise ValueError("at least one copy label is needed")
    paper = _check(paper)
    title = f"{TITLE} – {data.dossier_code}"
    if paper == THERMAL:
        return receipt_thermal.render_pdf(data, path, copies, ReceiptRenderError)
    if paper == TWO_UP:
        return write_pdf(path, "A4", title, _sheets(data, copies), _WHAT, ReceiptRenderError, landscape=True)
    return write_pdf(path, paper, title, _pages(data, copies), _WHAT, ReceiptRenderError)


def render_image(data: ReceiptData, paper: str = "A4", dpi: int = 110,
                 copy_label: str | None = None) -> QImage:
    """One copy (by default the receipt's first) as a white page image at ``dpi``, for the on-screen preview; on
    "A4x2" the whole first sheet."""
    paper = _check(paper)
    labels = data.copy_labels
    copy_label = labels[0] if copy_label is None else copy_label
    if paper == THERMAL:
        return receipt_thermal.render_image(data, dpi, copy_label)
    if paper == TWO_UP:
        pair = sheet_pairs(tuple(labels))[0]
        return page_image("A4", dpi, lambda painter, rect: paint_sheet(painter, rect, data, pair), landscape=True)
    return page_image(paper, dpi, lambda painter, rect: paint_receipt(painter, rect, data, copy_label))


def print_receipt(data: ReceiptData, printer: QPrinter,
                  copies: Sequence[str] | None = None, paper: str | None = None) -> None:
    """Print one page per copy (by default the receipt's own) on ``printer``: on its own paper size (margins at
    least 15 mm) unless ``paper`` says "A4x2" (the printer is set to landscape A4, two copies a sheet) or "80mm"
    (the slip, the page cut to its length)."""
    copies = data.copy_labels if copies is None else copies
    if not copies:
        raise ValueError("at least one copy label is needed")
    if paper == THERMAL:
        receipt_thermal.print_slips(data, printer, copies, ReceiptRenderError)
    elif paper == TWO_UP:
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        print_pages(printer, _sheets(data, copies), _WHAT, ReceiptRenderError)
    else:
        print_pages(printer, _pages(data, copies), _WHAT, ReceiptRenderError)
