"""The period report on screen: the figures in a table and the same QtCharts charts the PDF carries.

Only shows what it is given (a ``kiosk.books.report.Report`` read on the database worker); scrolls up and down
when the window is short, never sideways.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCharts import QChartView
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.printing.logbook_render import report_lines
from ui.printing.report_charts import build_charts, render_charts

_CHART_HEIGHT = 200  # each chart's least height on screen: two fit beside the eleven figures


class ReportView(QScrollArea):
    """The figures beside the procedure chart, with the results and satisfaction charts under that chart."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportView")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.report: Any = None
        self._charts: list[Any] = []
        body = QWidget()
        self.figures = QTableWidget(0, 2)
        self.figures.setObjectName("reportFigures")
        self.figures.setHorizontalHeaderLabels(("Chỉ tiêu", "Số liệu"))
        self.figures.verticalHeader().hide()
        self.figures.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.figures.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.figures.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.figures.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.chart_views = [QChartView() for _ in range(3)]
        for view in self.chart_views:
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(_CHART_HEIGHT)
            view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.chart_views[0].setMinimumHeight(_CHART_HEIGHT + 50)  # a bar per procedure: room for each name
        # The figures down the left; the procedures chart across the right, the results and satisfaction under it:
        # the whole report fits the tab at 1366x768 (a shorter window scrolls it up and down).
        grid = QGridLayout()
        grid.addWidget(self.figures, 0, 0, 2, 1)
        grid.addWidget(self.chart_views[0], 0, 1, 1, 2)
        grid.addWidget(self.chart_views[1], 1, 1)
        grid.addWidget(self.chart_views[2], 1, 2)
        grid.setColumnStretch(1, 4)  # the figures take the width their labels need, the charts the rest:
        grid.setColumnStretch(2, 5)  # the pie's legend more of it
        grid.setRowStretch(0, 5)
        grid.setRowStretch(1, 4)
        layout = QVBoxLayout(body)
        layout.addLayout(grid)
        self.setWidget(body)

    def show_report(self, report: Any) -> None:
        """Fill the figures and rebuild the charts for ``report``."""
        self.report = report
        # The period heads the figures (no line of its own: the report fits the tab at 1366x768).
        self.figures.setHorizontalHeaderLabels((f"Chỉ tiêu, {report.start:%d/%m/%Y} – {report.end:%d/%m/%Y}", "Số liệu"))
        lines = report_lines(report)
        self.figures.setRowCount(len(lines))
        for row, (label, value) in enumerate(lines):
            self.figures.setItem(row, 0, QTableWidgetItem(label))
            item = QTableWidgetItem(value)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.figures.setItem(row, 1, item)
        labels = max((self.figures.fontMetrics().horizontalAdvance(label) for label, _value in lines), default=0)
        values = max((self.figures.fontMetrics().horizontalAdvance(value) for _label, value in lines), default=0)
        self.figures.setFixedWidth(labels + values + 40)
        self.figures.setMinimumHeight(self.figures.horizontalHeader().height() + sum(self.figures.rowHeight(r) for r in range(len(lines))) + 4)
        charts = build_charts(report, screen=True)
        for view, chart in zip(self.chart_views, charts):
            view.setChart(chart)
        self._charts = charts  # held here: a chart the view shows must outlive this call; the previous ones go now

    def chart_images(self) -> list[Any]:
        """The charts as the PDF draws them (made here, on the GUI thread)."""
        return render_charts(self.report) if self.report is not None else []
