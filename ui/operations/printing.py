"""Operations that draw the receipt: the on-screen preview, the printer, a PDF file (Qt allows all three off the GUI thread)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ui.operations.op import Op

if TYPE_CHECKING:
    from PySide6.QtGui import QImage
    from PySide6.QtPrintSupport import QPrinter

    from kiosk.printed.receipt import ReceiptData

PREVIEW_DPI = 96


def render_preview(data: ReceiptData, paper: str) -> Op[QImage]:
    def work() -> QImage:
        from ui.printing.receipt_render import render_image

        return render_image(data, paper=paper, dpi=PREVIEW_DPI)

    return Op(work)


def print_receipt(data: ReceiptData, printer: QPrinter) -> Op[None]:
    def work() -> None:
        from ui.printing.receipt_render import print_receipt as to_printer

        to_printer(data, printer)

    return Op(work)


def save_pdf(data: ReceiptData, path: Path, paper: str) -> Op[Path]:
    def work() -> Path:
        from ui.printing.receipt_render import render_pdf

        return render_pdf(data, path, paper=paper)

    return Op(work)
