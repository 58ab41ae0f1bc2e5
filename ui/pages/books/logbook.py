"""The "Sổ theo dõi và báo cáo" page: the logbook (form 07) of a period and lĩnh vực, and the period report with charts.

The period and the lĩnh vực are chosen at the top (a day, this month, quarter or year, or any range); "Xem" reads
both on the database worker; "Xuất Excel" / "Xuất PDF" write the tab shown; "In sổ" prints the logbook with the PDF's
drawing. Nothing scrolls sideways at 1366x768: the logbook table's columns share its width and wrap.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QDate, QEvent, Qt, Signal
from PySide6.QtGui import QPageLayout
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from forms.model import FIELD_LABELS
from forms.timezone import local_today
from kiosk.books.logbook import HEADINGS
from kiosk.books.report import period_of
from ui.operations.books import export_logbook, export_report, print_logbook, read_logbook, read_report
from ui.pages.books.report import ReportView
from ui.pages.widgets import banner, primary_button, show_banner, title

if TYPE_CHECKING:
    from ui.session import Session

PERIOD_CHOICES = (("day", "Hôm nay"), ("month", "Tháng này"), ("quarter", "Quý này"), ("year", "Năm nay"), ("range", "Khoảng ngày tự chọn"))
# The logbook table fits 1366x768 without scrolling sideways: STT, the dossier code and the three dates ("HH:MM" over
# "dd/mm/yyyy") take what their text needs on one line; the other columns share the rest in these proportions and
# wrap, as do the headings.
_DAY = "00/00/0000"
# Per column, in form 07's order: the text it must show whole (its width), or its share of the rest.
_COLUMNS: tuple[str | float, ...] = ("STT", "000.00.00.H00-000000-0000", 13, 10.5, 15, 9.5, _DAY, _DAY, _DAY, 10.5, 5.4)


class _FittingTable(QTableWidget):
    """A table whose columns always fill its width: rows grow, the table never scrolls sideways."""

    def viewportEvent(self, event: Any) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize:  # the table resized, or its up-and-down scroll bar came or went
            self.fit_columns()
        return super().viewportEvent(event)

    def fit_columns(self) -> None:
        # Taller rows may bring the up-and-down scroll bar, which narrows the viewport: fit again (twice at most).
        for _ in range(3):
            width = self.viewport().width()
            self._fit(width)
            if self.viewport().width() == width:
                return

    def _fit(self, width: int) -> None:
        least = self.horizontalHeader().minimumSectionSize()  # the header widens a narrower column to this
        cells, heads = self.fontMetrics(), self.horizontalHeader().fontMetrics()
        widths = [max(least, cells.horizontalAdvance(c) + 18, heads.horizontalAdvance(c) + 18) if isinstance(c, str) else 0
                  for c in _COLUMNS]
        rest = max(0, width - sum(widths))
        total = sum(c for c in _COLUMNS if not isinstance(c, str))
        widths = [w if isinstance(c, str) else int(rest * c / total) for w, c in zip(widths, _COLUMNS)]
        widths[-1] += width - sum(widths)  # what rounding left over
        for column, share in enumerate(widths):
            self.setColumnWidth(column, share)
        self.resizeRowsToContents()


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class BooksPage(QWidget):
    home_requested = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.book: Any = None
        # Where an export goes: a save dialog; tests put a function returning a path here.
        self.ask_path: Callable[[str, str], Path | None] = self._ask_path
        # Which printer "In sổ" uses: the standard print dialog; tests put a function returning a PDF QPrinter here.
        self.ask_printer: Callable[[], QPrinter | None] = self._ask_printer
        self.message = banner("banner")
        self.period = QComboBox()
        for key, label in PERIOD_CHOICES:
            self.period.addItem(label, key)
        self.period.setCurrentIndex(1)
        self.start, self.end = QDateEdit(), QDateEdit()
        for edit in (self.start, self.end):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
        self.field = QComboBox()
        self.field.addItem("Tất cả lĩnh vực", "")
        for key, label in FIELD_LABELS.items():
            self.field.addItem(label, key)
        self.show_button = primary_button("Xem")
        self.xlsx_button = QPushButton("Xuất Excel")
        self.pdf_button = QPushButton("Xuất PDF")
        self.print_button = QPushButton("&In sổ…")
        self.print_button.setObjectName("printLogbook")
        self.print_button.setToolTip("In sổ theo dõi hồ sơ của kỳ đang xem (khổ A4 ngang), như tệp PDF (Alt+I)")
        self.home_button = QPushButton("Về trang chủ")
        for button in (self.xlsx_button, self.pdf_button, self.print_button):
            button.setEnabled(False)

        self.table = _FittingTable(0, len(HEADINGS))
        self.table.setObjectName("logbookTable")
        self.table.setHorizontalHeaderLabels(HEADINGS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.AlignmentFlag(Qt.TextFlag.TextWordWrap.value))
        header.setFixedHeight(2 * header.fontMetrics().lineSpacing() + 12)  # the longer headings wrap to two lines
        self.report_view = ReportView()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.table, "Sổ theo dõi hồ sơ (mẫu 07)")
        self.tabs.addTab(self.report_view, "Báo cáo")

        controls = QHBoxLayout()
        for label, widget in (("&Kỳ:", self.period), ("Từ &ngày:", self.start), ("Đến ngà&y:", self.end), ("&Lĩnh vực:", self.field)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            controls.addWidget(caption)
            controls.addWidget(widget)
        controls.addWidget(self.show_button)
        controls.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.home_button)
        buttons.addStretch(1)
        buttons.addWidget(self.xlsx_button)
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title("Sổ theo dõi và báo cáo"))
        layout.addLayout(controls)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

        self.period.currentIndexChanged.connect(self._period_changed)
        self.show_button.clicked.connect(self.refresh)
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.print_button.clicked.connect(self.print_book)
        self.home_button.clicked.connect(self.home_requested)
        self.start.dateChanged.connect(lambda _d: self._custom())
        self.end.dateChanged.connect(lambda _d: self._custom())

    # --- the period --------------------------------------------------------------------------------

    def open(self) -> None:
        """Shown from the navigation: this month, read at once."""
        self.period.setCurrentIndex(1)
        self._period_changed()
        self.period.setFocus()
        self.refresh()

    def _period_changed(self) -> None:
        kind = self.period.currentData()
        if kind == "range":
            self.start.setFocus()
            return
        start, end = period_of(kind, local_today(self._session.context.now()))
        self._setting = True
        try:
            self.start.setDate(_qdate(start))
            self.end.setDate(_qdate(end))
        finally:
            self._setting = False

    def _custom(self) -> None:
        if not getattr(self, "_setting", False) and self.period.currentData() != "range":
            self.period.blockSignals(True)
            self.period.setCurrentIndex(len(PERIOD_CHOICES) - 1)
            self.period.blockSignals(False)

    def set_period(self, start: date, end: date, field: str = "") -> None:
        """A range of days and a lĩnh vực, as the officer would pick them."""
        self.start.setDate(_qdate(start))
        self.end.setDate(_qdate(end))
        self.field.setCurrentIndex(max(0, self.field.findData(field)))

    # --- reading and showing -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the logbook and the report of the period shown, on the database worker."""
        ctx = self._session.context
        start, end, field = _day(self.start.date()), _day(self.end.date()), self.field.currentData() or ""
        show_banner(self.message, "Đang đọc số liệu…")
        self._session.run(read_logbook(ctx, start, end, field).success(self.show_logbook).failure(self._failed))
        self._session.run(read_report(ctx, start, end).success(self.show_report).failure(self._failed))

    def _failed(self, message: str) -> None:
        show_banner(self.message, message)

    def show_logbook(self, book: Any) -> None:
        self.book = book
        self.table.setRowCount(len(book.rows))
        for row, entry in enumerate(book.rows):
            for column, text in enumerate(entry.cells()):
                item = QTableWidgetItem(text)
                if column in (0, 6, 7, 8):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, column, item)
        self.table.fit_columns()
        volumes = ", ".join(book.volumes)
        show_banner(self.message, f"{len(book.rows)} hồ sơ trong sổ" + (f" (quyển {volumes})" if volumes else "")
                    + f", {book.field_label.lower()}." if book.rows else "Không có hồ sơ nào trong kỳ đã chọn.")
        self._enable_exports()

    def show_report(self, report: Any) -> None:
        self.report_view.show_report(report)
        self._enable_exports()

    def _enable_exports(self) -> None:
        ready = self.book is not None and self.report_view.report is not None
        self.xlsx_button.setEnabled(ready)
        self.pdf_button.setEnabled(ready)
        self.print_button.setEnabled(self.book is not None)

    # --- exports -----------------------------------------------------------------------------------

    def _ask_path(self, fmt: str, suggested: str) -> Path | None:
        pattern = "Excel (*.xlsx)" if fmt == "xlsx" else "PDF (*.pdf)"
        chosen, _ = QFileDialog.getSaveFileName(self, "Lưu tệp", str(Path.home() / suggested), pattern)
        return Path(chosen) if chosen else None

    def export(self, fmt: str) -> None:
        """Write the tab shown (the logbook or the report) as XLSX or PDF, to a path the officer chooses."""
        ctx, actor = self._session.context, self._session.actor
        on_logbook = self.tabs.currentWidget() is self.table
        source = self.book if on_logbook else self.report_view.report
        if source is None:
            return
        stem = "so-theo-doi-ho-so" if on_logbook else "bao-cao"
        path = self.ask_path(fmt, f"{stem}-{source.start:%Y%m%d}-{source.end:%Y%m%d}.{fmt}")
        if path is None:
            return
        if on_logbook:
            op = export_logbook(ctx, self.book, path, fmt, actor)
        else:
            charts = self.report_view.chart_images() if fmt == "pdf" else []
            op = export_report(ctx, self.report_view.report, charts, path, fmt, actor)
        show_banner(self.message, "Đang ghi tệp…")
        self._session.run(op.success(lambda target: show_banner(self.message, f"Đã lưu {target}")).failure(self._failed))

    # --- printing ----------------------------------------------------------------------------------

    def _ask_printer(self) -> QPrinter | None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("In sổ theo dõi hồ sơ")
        return printer if dialog.exec() == QPrintDialog.DialogCode.Accepted else None

    def print_book(self) -> None:
        """Print the logbook shown (whichever tab is open) on the printer the officer picks, on the database worker."""
        if self.book is None:
            return
        printer = self.ask_printer()
        if printer is None:
            return
        self._printer = printer  # held until the worker is done with it
        show_banner(self.message, "Đang gửi sổ tới máy in…")
        op = print_logbook(self._session.context, self.book, printer, self._session.actor)
        self._session.run(op.success(lambda _none: show_banner(self.message, "Đã gửi sổ theo dõi hồ sơ tới máy in.")).failure(self._failed))
