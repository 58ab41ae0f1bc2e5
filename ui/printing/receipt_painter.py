"""Draws the receipt (form 01) with QPainter: one drawing for the printer, the PDF and the preview; the notices
(``notice_layout``) fill their page the same way (``paint_fitted``).

Sizes are chosen from the physical width of ``page_rect`` (device units / the device's DPI), so an
A4 page gets ~12.5 pt body text and an A5 page ~9 pt. The page is laid out first and drawn after;
if the layout is taller than the page, the documents table and then all text shrink until one
copy fits on one page. The layout is made at a fixed virtual resolution (``LAYOUT_DPI``) and drawn
scaled to the device, so the 110 dpi preview breaks every line where the 300 dpi PDF and the
printer do: what the officer previews is what gets printed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap

from kiosk.printed.receipt import LAYOUT_2018, LAYOUT_2025, ReceiptData, qr_matrix
from ui.printing import layout_tt01_2018, layout_tt03_2025
from ui.printing.receipt_layout import Composer, Style
from ui.window.qt_app import register_fonts

log = logging.getLogger(__name__)

LAYOUT_DPI = 1200  # virtual resolution of the layout: rounding to its pixels is invisible

# Each receipt layout version and the function that composes it (docs/receipt-2025.md): a dossier is
# drawn with the layout it was received under.
COMPOSERS = {LAYOUT_2018: layout_tt01_2018.compose, LAYOUT_2025: layout_tt03_2025.compose}


# How the type shrinks when a copy is taller than the page: corners of a path of (text factor,
# documents-table factor); the layout takes the largest point along it that fits. The table
# shrinks first (to ~7 pt on A5), then everything. The far end is barely legible on purpose: a
# complete receipt in small type beats one with the signatures cut off.
_FIT_PATH = ((1.0, 1.0), (1.0, 0.78), (0.85, 0.72), (0.7, 0.65), (0.5, 0.5))
_FIT_ROUNDS = 8  # bisection steps: 1/256 of the path, finer than any visible size change


def metrics_device() -> QImage:
    """A paint device of LAYOUT_DPI for text metrics; usable in any thread."""
    image = QImage(1, 1, QImage.Format.Format_Mono)
    dots_per_metre = round(LAYOUT_DPI / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    return image


def _along_fit_path(t: float) -> tuple[float, float]:
    """The (text, table) factors at ``t`` in [0, 1] along ``_FIT_PATH``."""
    pos = max(0.0, min(1.0, t)) * (len(_FIT_PATH) - 1)
    i = min(int(pos), len(_FIT_PATH) - 2)
    f = pos - i
    (a1, b1), (a2, b2) = _FIT_PATH[i], _FIT_PATH[i + 1]
    return a1 + (a2 - a1) * f, b1 + (b2 - b1) * f


def paint_receipt(painter: QPainter, page_rect: QRectF, data: ReceiptData,
                  copy_label: str) -> None:
    """Draw one copy of the receipt inside ``page_rect``, given in the device's units (pixels/dots).

    The type size follows the physical page width: ``page_rect`` and the device's DPI give it.
    """
    matrix = qr_matrix(data.tracking_url)
    compose = COMPOSERS[data.layout_version]

    def layout(device, dpi: float, width: float, style: Style, raster: bool) -> Composer:
        return compose(device, dpi, width, data, copy_label, style, raster, matrix)

    paint_fitted(painter, page_rect, layout, f"receipt {data.dossier_code}")


ComposeFn = Callable[[QImage, float, float, Style, bool], Composer]


def paint_fitted(painter: QPainter, page_rect: QRectF, compose: ComposeFn, what: str) -> None:
    """Lay out one page with ``compose`` (device, dpi, width, style, raster) in the largest type that fits
    ``page_rect`` (device units) and draw it there: the receipt's and the notices' one way to fill a page.

    ``what`` names the page in the log line written when even the smallest type overflows.
    """
    register_fonts()
    device = painter.device()
    device_dpi = float(device.logicalDpiY())
    raster = isinstance(device, (QImage, QPixmap))
    scale = device_dpi / LAYOUT_DPI  # device units per layout unit
    width, height = page_rect.width() / scale, page_rect.height() / scale
    width_pt = width / (LAYOUT_DPI / 72.0)
    metrics = metrics_device()

    def attempt(t: float) -> Composer:
        style = Style.for_width(width_pt, *_along_fit_path(t))
        return compose(metrics, LAYOUT_DPI, width, style, raster)

    composer = attempt(0.0)
    if composer.y > height:
        composer = attempt(1.0)
        if composer.y > height:
            log.warning("%s does not fit the page even in the smallest type", what)
        else:
            lo, hi = 0.0, 1.0
            for _ in range(_FIT_ROUNDS):
                mid = (lo + hi) / 2
                candidate = attempt(mid)
                if candidate.y <= height:
                    hi, composer = mid, candidate
                else:
                    lo = mid

    draw_composed(painter, page_rect, composer)


def draw_composed(painter: QPainter, page_rect: QRectF, composer: Composer) -> None:
    """Replay a page composed at LAYOUT_DPI inside ``page_rect`` (device units), scaled to the device."""
    scale = float(painter.device().logicalDpiY()) / LAYOUT_DPI
    painter.save()
    try:
        painter.setClipRect(page_rect)
        painter.translate(page_rect.left(), page_rect.top())
        painter.scale(scale, scale)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.setPen(QColor(Qt.GlobalColor.black))
        for op in composer.ops:
            op(painter)
    finally:
        painter.restore()
