"""The period report's charts (QtCharts): the same charts on screen (``ui/pages/books/report.py``) and in the PDF.

A chart is a graphics item, so it is built and rendered on the GUI thread (``render_charts``); the PDF writer
gets the rendered images and may run on the database worker.
"""

from __future__ import annotations

import math

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QHorizontalBarSeries,
    QPieSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QGraphicsScene

from kiosk.books.report import Report
from ui.printing.receipt_layout import FAMILY
from ui.window.qt_app import register_fonts

_BLUE, _GREEN, _ORANGE, _RED, _GREY = "#1f5fa8", "#2e8b57", "#e69500", "#c0392b", "#7f8c8d"
CHART_RATIO = 0.45  # height / width of each chart in the PDF
_PDF_WIDTH = 760  # a chart's logical width for the PDF: about the page's 180 mm in points, so its 9–11 pt text reads so
_PDF_SCALE = 3  # pixels per logical unit of the image: sharp at print resolution


def _chart(title: str) -> QChart:
    register_fonts()
    chart = QChart()
    chart.setTitle(title)
    font = QFont(FAMILY)
    font.setPointSizeF(11)
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundBrush(QColor("white"))
    chart.setMargins(QMargins(6, 6, 6, 6))
    chart.legend().setFont(QFont(FAMILY, 9))
    return chart


def count_axis(top: int) -> QValueAxis:
    """A count axis from 0 with whole-number ticks (1, 2, 3… or a round step for larger counts)."""
    top = max(1, top)
    step = 1 if top <= 8 else math.ceil(top / 5)
    axis = QValueAxis()
    axis.setLabelFormat("%d")
    axis.setRange(0, step * math.ceil((top + 0.5) / step))
    axis.setTickType(QValueAxis.TickType.TicksDynamic)
    axis.setTickAnchor(0)
    axis.setTickInterval(step)
    axis.setLabelsFont(QFont(FAMILY, 9))
    return axis


def _short(text: str, limit: int = 42) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def procedure_chart(report: Report) -> QChart:
    """Dossiers received, one bar per procedure."""
    chart = _chart("Hồ sơ tiếp nhận theo thủ tục")
    bars = QBarSet("Số hồ sơ")
    bars.setColor(QColor(_BLUE))
    labels = [_short(c.label) for c in reversed(report.by_procedure)] or ["(không có hồ sơ)"]
    for c in reversed(report.by_procedure):
        bars.append(c.count)
    if not report.by_procedure:
        bars.append(0)
    series = QHorizontalBarSeries()
    series.append(bars)
    series.setLabelsVisible(True)
    chart.addSeries(series)
    axis_y = QBarCategoryAxis()
    axis_y.append(labels)
    axis_y.setLabelsFont(QFont(FAMILY, 9))
    axis_x = count_axis(max([c.count for c in report.by_procedure] + [1]))
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_y)
    series.attachAxis(axis_x)
    chart.legend().setVisible(False)
    return chart


def results_chart(report: Report) -> QChart:
    """Results returned on time and late, overdue now, stopped: one bar each, the count in its label (a count
    drawn on a short bar would not read), laid sideways so the labels never need cutting."""
    chart = _chart("Kết quả giải quyết")
    labels = ["Trả đúng hẹn", "Trả quá hẹn", "Quá hạn, chưa trả", "Dừng giải quyết"]
    values = [report.returned_on_time, report.returned_late, report.overdue_now, report.stopped]
    bars = QBarSet("Số hồ sơ")
    bars.setColor(QColor(_GREEN))
    for value in reversed(values):
        bars.append(value)
    series = QHorizontalBarSeries()
    series.append(bars)
    chart.addSeries(series)
    axis_y = QBarCategoryAxis()
    axis_y.append([f"{label} ({value})" for label, value in zip(reversed(labels), reversed(values))])
    axis_y.setLabelsFont(QFont(FAMILY, 9))
    axis_x = count_axis(max(values))
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_y)
    series.attachAxis(axis_x)
    chart.legend().setVisible(False)
    return chart


def satisfaction_chart(report: Report, slice_labels: bool = True) -> QChart:
    """The share of each satisfaction level (1–4); without ``slice_labels`` only the legend names them (a narrow
    chart on screen, where labels beside the slices would be cut short)."""
    chart = _chart(f"Mức độ hài lòng ({report.rated} lượt đánh giá)")
    series = QPieSeries()
    for count, colour in zip(report.ratings, (_GREEN, _BLUE, _ORANGE, _RED)):
        piece = series.append(f"{count.label}: {count.count} ({report.share(count.count):g}%)", max(count.count, 0))
        piece.setColor(QColor(colour))
        piece.setLabelVisible(slice_labels and count.count > 0)
        piece.setLabelFont(QFont(FAMILY, 9))
    if not report.rated:
        empty = series.append("Chưa có lượt đánh giá", 1)
        empty.setColor(QColor(_GREY))
    chart.addSeries(series)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
    return chart


def build_charts(report: Report, screen: bool = False) -> list[QChart]:
    """The report's charts in the order the screen and the PDF show them (GUI thread)."""
    return [procedure_chart(report), results_chart(report), satisfaction_chart(report, slice_labels=not screen)]


def render_chart(chart: QChart, width: int, height: int, scale: int = _PDF_SCALE) -> QImage:
    """A chart laid out ``width`` × ``height`` logical units, drawn ``scale`` times as many pixels on a white image
    (GUI thread); the chart is put in a scene of its own for the time of it."""
    scene = QGraphicsScene()
    scene.addItem(chart)
    chart.setGeometry(QRectF(0, 0, width, height))
    image = QImage(width * scale, height * scale, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        scene.render(painter, QRectF(0, 0, width * scale, height * scale), QRectF(0, 0, width, height))
    finally:
        painter.end()
    scene.removeItem(chart)
    return image


def render_charts(report: Report) -> list[QImage]:
    """Each chart of ``build_charts`` as an image for the PDF (GUI thread)."""
    height = round(_PDF_WIDTH * CHART_RATIO)
    images = []
    for chart in build_charts(report):
        images.append(render_chart(chart, _PDF_WIDTH, height))
        chart.deleteLater()
    return images
