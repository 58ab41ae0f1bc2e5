"""Papers longer than a page (the logbook, the period report) laid out with the receipt's ``Composer``, page after page.

A ``Flow`` starts a new ``Composer`` whenever the next block would pass the page's bottom; a table repeats its
heading row at the top of every page it continues on, and every page gets "Trang i/n" at its foot. Layout is at
``receipt_painter.LAYOUT_DPI`` on a metrics image, so it can run off the GUI thread like the receipt's; each page
is replayed with ``receipt_painter.draw_composed``.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPageSize, QPen

from ui.printing.page_output import MARGIN_MM, PaintPage, page_size
from ui.printing.receipt_layout import Composer, Style
from ui.printing.receipt_painter import LAYOUT_DPI, draw_composed, metrics_device
from ui.window.qt_app import register_fonts

_FOOT_PT = 9.0  # "Trang 1/3" under the content


def content_size(paper: str, landscape: bool) -> QSizeF:
    """The printable area of ``paper`` inside the 15 mm margins, in layout units."""
    size = page_size(paper).size(QPageSize.Unit.Millimeter)
    if landscape:
        size = size.transposed()
    per_mm = LAYOUT_DPI / 25.4
    return QSizeF((size.width() - 2 * MARGIN_MM) * per_mm, (size.height() - 2 * MARGIN_MM) * per_mm)


class Flow:
    """Composes pages top to bottom; ``pages()`` gives the paint functions for page_output."""

    def __init__(self, paper: str, landscape: bool, table_scale: float = 1.0) -> None:
        register_fonts()
        size = content_size(paper, landscape)
        self.width = size.width()
        self.height = size.height() - 2.2 * _FOOT_PT * LAYOUT_DPI / 72.0  # room for the page number
        width_pt = self.width / (LAYOUT_DPI / 72.0)
        self.style = Style.for_width(width_pt, 1.0, table_scale)
        self._device = metrics_device()
        self.composers: list[Composer] = []
        self.new_page()

    @property
    def c(self) -> Composer:
        return self.composers[-1]

    def new_page(self) -> Composer:
        self.composers.append(Composer(self._device, LAYOUT_DPI, self.width, self.style, False))
        return self.c

    def room(self, height: float) -> None:
        """A new page unless ``height`` more fits on this one (a block taller than a page starts one anyway)."""
        if self.c.y > 0 and self.c.y + height > self.height:
            self.new_page()

    def text(self, text: str, *, bold: bool = False, italic: bool = False, pt: float | None = None,
             align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> None:
        font = self.c.font(pt or self.style.body, bold=bold, italic=italic)
        _layout, bottom = self.c.lay_out([(text, font)], 0, flow_around_qr=False)
        self.room(bottom)
        self.c.paragraph([(text, font)], align=align, flow_around_qr=False)

    def image(self, image: QImage, height_ratio: float) -> None:
        """A picture (a chart) across the full width, ``height_ratio`` × width tall."""
        height = self.width * height_ratio
        self.room(height)
        top = self.c.y
        rect = QRectF(0, top, self.width, height)
        self.c.ops.append(lambda p, img=image, r=rect: p.drawImage(r, img))
        self.c.y = top + height + self.style.para_gap * 2 * self.c.u

    def table(self, headings: Sequence[str], rows: Sequence[Sequence[str]], weights: Sequence[float],
              centred: frozenset[int] = frozenset()) -> None:
        """A ruled table whose heading row repeats on each page it runs onto; columns share the width by ``weights``."""
        c = self.c
        u = c.u
        pad, vpad = 3.0 * u, 1.8 * u
        head, cell = c.font(self.style.table, bold=True), c.font(self.style.table)
        total = float(sum(weights))
        xs = [0.0]
        for w in weights:
            xs.append(xs[-1] + self.width * w / total)

        def laid(values: Sequence[str], font: QFont, centre_all: bool) -> tuple[list, float]:
            cells = []
            for col, value in enumerate(values):
                align = Qt.AlignmentFlag.AlignHCenter if centre_all or col in centred else Qt.AlignmentFlag.AlignLeft
                layout, bottom = self.c.lay_out([(value or " ", font)], 0, xs[col] + pad, xs[col + 1] - xs[col] - 2 * pad,
                                                align, flow_around_qr=False)
                cells.append((layout, bottom))
            return cells, max(b for _, b in cells) + 2 * vpad

        heading = laid(headings, head, True)
        state = {"top": 0.0, "lines": []}

        def place(cells: list, row_h: float) -> None:
            y = self.c.y
            for layout, bottom in cells:
                self.c.ops.append(lambda p, lay=layout, d=y + (row_h - bottom) / 2: lay.draw(p, QPointF(0, d)))
            self.c.y = y + row_h
            state["lines"].append(self.c.y)

        def open_page() -> None:
            state["top"] = self.c.y
            state["lines"] = [self.c.y]
            place(*heading)

        def close_page() -> None:
            pen = QPen(QColor(Qt.GlobalColor.black), 0.6 * u)
            lines, top, bottom = tuple(state["lines"]), state["top"], self.c.y
            edges = (pen.widthF() / 2, *xs[1:-1], self.width - pen.widthF() / 2)

            def grid(p: QPainter) -> None:
                p.setPen(pen)
                for hy in lines:
                    p.drawLine(QPointF(edges[0], hy), QPointF(edges[-1], hy))
                for vx in edges:
                    p.drawLine(QPointF(vx, top), QPointF(vx, bottom))

            self.c.ops.append(grid)

        self.room(heading[1] * 2)
        open_page()
        for row in rows:
            cells = laid(row, cell, False)
            if self.c.y + cells[1] > self.height:
                close_page()
                self.new_page()
                open_page()
            place(*cells)
        close_page()
        self.c.y += self.style.para_gap * 3 * u

    def pages(self) -> list[PaintPage]:
        """One paint function per page, each adding "Trang i/n" at the foot."""
        count = len(self.composers)
        return [self._paint(composer, i, count) for i, composer in enumerate(self.composers, 1)]

    def _paint(self, composer: Composer, number: int, count: int) -> PaintPage:
        foot = composer.font(_FOOT_PT, italic=True)
        layout, _bottom = composer.lay_out([(f"Trang {number}/{count}", foot)], 0, 0, self.width,
                                           Qt.AlignmentFlag.AlignRight, flow_around_qr=False)
        full_height = self.height + 2.2 * _FOOT_PT * LAYOUT_DPI / 72.0
        y = full_height - layout.boundingRect().height()
        composer.ops.append(lambda p, lay=layout, d=y: lay.draw(p, QPointF(0, d)))

        def paint(painter: QPainter, rect: QRectF) -> None:
            draw_composed(painter, rect, composer)

        return paint
