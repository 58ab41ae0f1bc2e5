"""Operations that draw a printed paper — the receipt or a notice (forms 02, 03, 05, the hand-back slip) — as the
on-screen preview, on the printer, or as a PDF file (Qt allows all three off the GUI thread)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Union

from ui.operations.op import Op

if TYPE_CHECKING:
    from PySide6.QtGui import QImage
    from PySide6.QtPrintSupport import QPrinter

    from kiosk.printed.notices import NoticeData
    from kiosk.printed.receipt import ReceiptData

    Paper = Union[ReceiptData, NoticeData]

PREVIEW_DPI = 96


def _is_receipt(data: Paper) -> bool:
    from kiosk.printed.receipt import ReceiptData

    return isinstance(data, ReceiptData)


def render_preview(data: Paper, paper: str) -> Op[QImage]:
    def work() -> QImage:
        if _is_receipt(data):
            from ui.printing.receipt_render import render_image

            return render_image(data, paper=paper, dpi=PREVIEW_DPI)
        from ui.printing.notice_render import render_notice_image

        return render_notice_image(data, paper, dpi=PREVIEW_DPI)

    return Op(work)


def print_receipt(data: Paper, printer: QPrinter) -> Op[None]:
    """Print the receipt or the notice on `printer`."""

    def work() -> None:
        if _is_receipt(data):
            from ui.printing.receipt_render import print_receipt as to_printer

            to_printer(data, printer)
        else:
            from ui.printing.notice_render import print_notice

            print_notice(data, printer)

    return Op(work)


def print_copies(data: ReceiptData, printer: QPrinter, count: int, two_up: bool) -> Op[int]:
    """Print the site's ``count`` copies of the receipt on ``printer`` without a dialog (the "Tiếp nhận và in giấy
    hẹn" path; docs/printing.md): two to a landscape A4 sheet when ``two_up``, the 80 mm slip on a roll printer,
    else one copy a page on the printer's paper. Returns the number of copies sent. Only the painting runs, on the
    worker: the GUI thread just finds the printer."""

    def work() -> int:
        from kiosk.printed.receipt import print_labels
        from ui.printing.receipt_render import TWO_UP, print_receipt as to_printer
        from ui.printing.receipt_thermal import THERMAL, is_roll

        labels = print_labels(data, count)
        paper = THERMAL if is_roll(printer) else TWO_UP if two_up else None
        to_printer(data, printer, labels, paper)
        return len(labels)

    return Op(work)


def save_pdf(data: Paper, path: Path, paper: str) -> Op[Path]:
    def work() -> Path:
        if _is_receipt(data):
            from ui.printing.receipt_render import render_pdf

            return render_pdf(data, path, paper=paper)
        from ui.printing.notice_render import render_notice_pdf

        return render_notice_pdf(data, path, paper)

    return Op(work)
