"""Puts the receipt on a PDF file, a preview image or a printer; safe off the GUI thread too.

The page set-up (paper sizes, margins, the PDF written whole or not at all) is ``page_output``'s, shared with the
notices (``notice_render``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrinter

from kiosk.printed.receipt import TITLE, ReceiptData
from ui.printing.page_output import MARGIN_MM, PDF_DPI, RenderError, page_image, print_pages, write_pdf
from ui.printing.receipt_painter import paint_receipt

__all__ = ["MARGIN_MM", "PDF_DPI", "ReceiptRenderError", "print_receipt", "render_image", "render_pdf"]

_WHAT = "giấy tiếp nhận"


class ReceiptRenderError(RenderError):
    """The receipt could not be written or printed; the message is for the officer."""


def _pages(data: ReceiptData, copies: Sequence[str]):
    # paint_receipt is looked up when a page is painted, so a test can replace it.
    return [lambda painter, rect, label=label: paint_receipt(painter, rect, data, label) for label in copies]


def render_pdf(data: ReceiptData, path: Path, paper: str = "A4",
               copies: Sequence[str] | None = None) -> Path:
    """Write a PDF with one page per copy (by default the receipt's own: ``ReceiptData.copy_labels``);
    the file appears complete or not at all."""
    copies = data.copy_labels if copies is None else copies
    if not copies:
        raise ValueError("at least one copy label is needed")
    return write_pdf(path, paper, f"{TITLE} – {data.dossier_code}", _pages(data, copies), _WHAT,
                     ReceiptRenderError)


def render_image(data: ReceiptData, paper: str = "A4", dpi: int = 110,
                 copy_label: str | None = None) -> QImage:
    """One copy (by default the receipt's first) as a white page image at ``dpi``, for the on-screen preview."""
    copy_label = data.copy_labels[0] if copy_label is None else copy_label
    return page_image(paper, dpi, lambda painter, rect: paint_receipt(painter, rect, data, copy_label))


def print_receipt(data: ReceiptData, printer: QPrinter,
                  copies: Sequence[str] | None = None) -> None:
    """Print one page per copy (by default the receipt's own) on ``printer`` (its paper size is kept; margins
    at least 15 mm)."""
    copies = data.copy_labels if copies is None else copies
    if not copies:
        raise ValueError("at least one copy label is needed")
    print_pages(printer, _pages(data, copies), _WHAT, ReceiptRenderError)
