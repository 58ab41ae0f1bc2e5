"""Puts a notice (form 02, 03, 05 or the hand-back slip) on a PDF file, a preview image or a printer; one page each.

Shares ``page_output``'s page set-up with the receipt. ``python -m ui.printing.notice_render --sample guidance --out
X.pdf`` draws a sample with made-up people, to look at a form without a database.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrinter

from kiosk.printed.notices import KINDS, NoticeData, sample_notice
from ui.printing.notice_layout import paint_notice
from ui.printing.page_output import PAPERS, RenderError, page_image, print_pages, write_pdf

# How an error message names each paper ("Không tạo được trang mới khi in phiếu từ chối …").
_WHAT = {
    "guidance": "phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "refusal": "phiếu từ chối tiếp nhận hồ sơ",
    "stop": "thông báo dừng giải quyết hồ sơ",
    "hand_back": "phiếu giao nhận kết quả",
}


class NoticeRenderError(RenderError):
    """A notice could not be written or printed; the message is for the officer."""


def _page(data: NoticeData):
    return lambda painter, rect: paint_notice(painter, rect, data)


def _title(data: NoticeData) -> str:
    return f"{data.title} – Số {data.number}" if data.number.strip() else data.title


def render_notice_pdf(data: NoticeData, path: Path, paper: str = "A4") -> Path:
    """Write the notice as a one-page PDF on ``paper`` (A4 or A5); the file appears complete or not at all."""
    return write_pdf(path, paper, _title(data), [_page(data)], _WHAT[data.kind], NoticeRenderError)


def render_notice_image(data: NoticeData, paper: str = "A4", dpi: int = 110) -> QImage:
    """The notice as a white page image at ``dpi``, for the on-screen preview."""
    return page_image(paper, dpi, _page(data))


def print_notice(data: NoticeData, printer: QPrinter) -> None:
    """Print the notice on ``printer`` (its paper size is kept; margins at least 15 mm)."""
    print_pages(printer, [_page(data)], _WHAT[data.kind], NoticeRenderError)


def main(argv: list[str] | None = None) -> int:
    """Draw a sample notice to a PDF (or, with ``--png``, a 150 dpi image): for a successor to look at the forms."""
    parser = argparse.ArgumentParser(prog="python -m ui.printing.notice_render",
                                     description="Vẽ một phiếu mẫu (người giả định) ra tệp PDF hoặc PNG.")
    parser.add_argument("--sample", choices=KINDS, required=True, help="loại phiếu")
    parser.add_argument("--out", type=Path, required=True, help="tệp PDF (hoặc PNG với --png)")
    parser.add_argument("--paper", choices=PAPERS, default="A4")
    parser.add_argument("--png", action="store_true", help="ghi ảnh PNG 150 dpi thay cho PDF")
    args = parser.parse_args(argv)

    from ui.window.qt_app import ensure_gui_app

    ensure_gui_app()
    data = sample_notice(args.sample)
    try:
        if args.png:
            if not render_notice_image(data, args.paper, dpi=150).save(str(args.out), "PNG"):
                print(f"Không ghi được tệp: {args.out}", file=sys.stderr)
                return 1
        else:
            render_notice_pdf(data, args.out, args.paper)
    except RenderError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
