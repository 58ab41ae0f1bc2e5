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

from ui.pages.widgets import subtitle
from ui.printing.logbook_render import report_lines
from ui.printing.report_charts import build_charts, render_charts


class ReportView(QScrollArea):
    """The figures beside the procedure chart, then the results and satisfaction charts side by side."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportView")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.report: Any = None
        self._charts: list[Any] = []
        body = QWidget()
        self.heading = subtitle("Chọn kỳ báo cáo rồi bấm \"Xem\".")
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
            view.setMinimumHeight(260)
            view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        grid = QGridLayout()
        grid.addWidget(self.figures, 0, 0)
        grid.addWidget(self.chart_views[0], 0, 1)
        grid.addWidget(self.chart_views[1], 1, 0)
        grid.addWidget(self.chart_views[2], 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(body)
        layout.addWidget(self.heading)
        layout.addLayout(grid)
        self.setWidget(body)

    def show_report(self, report: Any) -> None:
        """Fill the figures and rebuild the charts for ``report``."""
        self.report = report
        self.heading.setText(f"Từ ngày {report.start:%d/%m/%Y} đến ngày {report.end:%d/%m/%Y}")
        lines = report_lines(report)
        self.figures.setRowCount(len(lines))
        for row, (label, value) in enumerate(lines):
            self.figures.setItem(row, 0, QTableWidgetItem(label))
            item = QTableWidgetItem(value)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.figures.setItem(row, 1, item)
        self.figures.setMinimumHeight(self.figures.horizontalHeader().height() + sum(self.figures.rowHeight(r) for r in range(len(lines))) + 4)
        charts = build_charts(report)
        for view, chart in zip(self.chart_views, charts):
            view.setChart(chart)
        self._charts = charts  # held here: a chart the view shows must outlive this call; the previous ones go now

    def chart_images(self) -> list[Any]:
        """The charts as the PDF draws them (made here, on the GUI thread)."""
        return render_charts(self.report) if self.report is not None else []
