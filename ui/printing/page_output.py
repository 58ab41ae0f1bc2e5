"""Where a printed paper goes: a PDF file, a preview image or a printer; the page set-up the receipt and the notices share.

Each caller gives a ``paint(painter, rect)`` per page (``rect`` in device units, inside 15 mm margins); this module
owns the paper sizes, the margins, the PDF's resolution and the file appearing complete or not at all. Safe off the
GUI thread: Qt allows QPdfWriter, QImage and QPrinter there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtPrintSupport import QPrinter

from kiosk.errors import KioskError
from kiosk.storage.files import replacing

MARGIN_MM = 15.0
PDF_DPI = 300
PAPERS = ("A4", "A5")
_PAPER_IDS = {"A4": QPageSize.PageSizeId.A4, "A5": QPageSize.PageSizeId.A5}

PaintPage = Callable[[QPainter, QRectF], None]


class RenderError(KioskError):
    """A paper could not be written or printed; the message is for the officer (and `kiosk-admin` prints it, exit 1)."""


def page_size(paper: str | QPageSize) -> QPageSize:
    """A named paper ("A4", "A5") or a custom size (the 80 mm roll, as long as its receipt) as it is."""
    if isinstance(paper, QPageSize):
        return paper
    try:
        return QPageSize(_PAPER_IDS[paper.upper()])
    except KeyError:
        raise ValueError(f"paper must be A4 or A5, got {paper!r}") from None


def _paint_pages(painter: QPainter, new_page: Callable[[], bool], rect: QRectF,
                 pages: Sequence[PaintPage], what: str, error: type[RenderError]) -> None:
    for i, paint in enumerate(pages):
        if i and not new_page():
            raise error(f"Không tạo được trang mới khi in {what}.")
        paint(painter, rect)


def write_pdf(path: Path, paper: str | QPageSize, title: str, pages: Sequence[PaintPage], what: str,
              error: type[RenderError] = RenderError, landscape: bool = False,
              margins_mm: QMarginsF | None = None) -> Path:
    """A PDF with one page per ``pages`` entry on ``paper`` (turned for a wide table or two copies: ``landscape``);
    ``what`` ("giấy tiếp nhận") names the paper in errors; ``margins_mm`` replaces the 15 mm (a roll's 4 mm)."""
    if not pages:
        raise ValueError("at least one page is needed")
    path = Path(path)
    size = page_size(paper)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # an export folder on a USB stick may not exist yet
    except OSError as exc:
        raise error(f"Không tạo được thư mục {path.parent} để ghi tệp PDF ({exc.strerror or exc}).") from exc
    with replacing(path) as tmp:
        writer = QPdfWriter(str(tmp))
        writer.setResolution(PDF_DPI)
        writer.setTitle(title)
        writer.setCreator("Một Cửa Kiosk")
        margins = margins_mm or QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM)
        orientation = QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
        writer.setPageLayout(QPageLayout(size, orientation, margins,
                                         QPageLayout.Unit.Millimeter))
        painter = QPainter()
        if not painter.begin(writer):
            raise error(f"Không ghi được tệp PDF: {path}")
        try:
            # The painter's origin is already the top-left of the printable area.
            printable = writer.pageLayout().paintRectPixels(PDF_DPI)
            rect = QRectF(0, 0, printable.width(), printable.height())
            _paint_pages(painter, writer.newPage, rect, pages, what, error)
        finally:
            ok = painter.end()
        del writer  # closes the file
        if not ok:
            raise error(f"Không ghi được tệp PDF: {path}")
    return path


def page_image(paper: str | QPageSize, dpi: int, paint: PaintPage, landscape: bool = False,
               margins_mm: QMarginsF | None = None) -> QImage:
    """One page as a white image at ``dpi``, for the on-screen preview."""
    size_mm: QSizeF = page_size(paper).size(QPageSize.Unit.Millimeter)  # exact, unlike points
    if landscape:
        size_mm = size_mm.transposed()
    image = QImage(round(size_mm.width() * dpi / 25.4), round(size_mm.height() * dpi / 25.4),
                   QImage.Format.Format_RGB32)
    dots_per_metre = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.fill(0xFFFFFFFF)
    m = margins_mm or QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM)
    k = dpi / 25.4
    painter = QPainter(image)
    try:
        paint(painter, QRectF(m.left() * k, m.top() * k, image.width() - (m.left() + m.right()) * k,
                              image.height() - (m.top() + m.bottom()) * k))
    finally:
        painter.end()
    return image


def print_pages(printer: QPrinter, pages: Sequence[PaintPage], what: str,
                error: type[RenderError] = RenderError, margins_mm: QMarginsF | None = None) -> None:
    """Print one page per ``pages`` entry on ``printer`` (its paper size is kept; margins at least 15 mm, or
    ``margins_mm`` for a roll)."""
    if not pages:
        raise ValueError("at least one page is needed")
    current = printer.pageLayout().margins(QPageLayout.Unit.Millimeter)
    floor = margins_mm or QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM)
    wanted = QMarginsF(max(current.left(), floor.left()), max(current.top(), floor.top()),
                       max(current.right(), floor.right()), max(current.bottom(), floor.bottom()))
    printer.setPageMargins(wanted, QPageLayout.Unit.Millimeter)
    painter = QPainter()
    if not painter.begin(printer):
        raise error("Không mở được máy in. Kiểm tra máy in đã bật và còn giấy.")
    try:
        rect = printer.pageLayout().paintRectPixels(printer.resolution())
        page_rect = QRectF(rect) if printer.fullPage() else QRectF(0, 0, rect.width(), rect.height())
        _paint_pages(painter, printer.newPage, page_rect, pages, what, error)
    except BaseException:
        painter.end()
        raise
    if not painter.end():
        raise error(f"Máy in báo lỗi khi in {what}.")
