"""Receipt screen: the receipt as it will print, Print… (system dialog), Save as PDF, New dossier; reprints load here."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.printed.receipt import ReceiptData
from ui.operations.lookup import load_receipt
from ui.operations.printing import print_receipt, render_preview, save_pdf
from ui.pages.widgets import banner, primary_button, show_banner, title

if TYPE_CHECKING:
    from ui.session import Session


class ReceiptPage(QWidget):
    new_dossier_requested = Signal()
    home_requested = Signal()
    reprint_loaded = Signal()  # a stored dossier's receipt is shown again (reprint)
    rating_requested = Signal(str)  # the dossier's code: the citizen rates the receipt

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._tasks = session.tasks
        self._data: ReceiptData | None = None
        self.heading = title("Đã tiếp nhận hồ sơ")
        self.code_label = QLabel()
        self.code_label.setObjectName("dossierCode")
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label.setStyleSheet("font-size: 26px; font-weight: bold; color: #0b4f8a;")
        self.appointment_label = QLabel()
        self.appointment_label.setObjectName("appointment")
        self.appointment_label.setStyleSheet("font-size: 18px;")
        self.notice = banner("banner")
        self.error = banner("errorBanner")
        self.paper = QComboBox()
        self.paper.addItems(["A4", "A5"])
        self.print_button = primary_button("In giấy hẹn… (Ctrl+P)")
        self.print_button.setShortcut("Ctrl+P")
        self.pdf_button = QPushButton("Lưu PDF…")
        self.new_button = QPushButton("Hồ sơ mới")
        self.rate_button = QPushButton("Mời công dân đánh &giá (F9)")
        self.rate_button.setShortcut("F9")
        self.home_button = QPushButton("Về trang chủ")
        self.preview = QLabel("Đang dựng giấy hẹn…")
        self.preview.setObjectName("receiptPreview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.preview)

        side = QVBoxLayout()
        side.addWidget(self.heading)
        side.addWidget(QLabel("Mã hồ sơ:"))
        side.addWidget(self.code_label)
        side.addWidget(self.appointment_label)
        side.addWidget(self.notice)
        side.addWidget(self.error)
        side.addSpacing(12)
        paper_row = QHBoxLayout()
        paper_row.addWidget(QLabel("Khổ giấy:"))
        paper_row.addWidget(self.paper, 1)
        side.addLayout(paper_row)
        for button in (self.print_button, self.pdf_button, self.rate_button, self.new_button, self.home_button):
            side.addWidget(button)
        side.addStretch(1)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setFixedWidth(380)

        layout = QHBoxLayout(self)
        layout.addWidget(side_widget)
        layout.addWidget(scroll, 1)

        self.print_button.clicked.connect(self._print)
        self.pdf_button.clicked.connect(self._save_pdf)
        self.new_button.clicked.connect(self.new_dossier_requested)
        self.rate_button.clicked.connect(lambda: self._data is not None and self.rating_requested.emit(self._data.dossier_code))
        self.home_button.clicked.connect(self.home_requested)
        self.paper.currentTextChanged.connect(lambda _paper: self._render_preview())

    @property
    def data(self) -> ReceiptData | None:
        return self._data

    def show_receipt(self, data: ReceiptData, *, heading: str, notice: str | None = None) -> None:
        self._data = data
        self.heading.setText(heading)
        self.code_label.setText(data.dossier_code)
        self.appointment_label.setText(
            f"Hẹn trả kết quả: {data.appointment_time} ngày {data.appointment_date:%d/%m/%Y}"
        )
        show_banner(self.notice, notice)
        show_banner(self.error, None)
        self._render_preview()
        self.print_button.setFocus()

    def reprint(self, code: str) -> None:
        """Show a stored dossier's receipt again, marked as a reprint (audited)."""
        s = self._session
        s.run(load_receipt(s.context, code, s.actor, reprint=True).success(self._show_reprint))

    def _show_reprint(self, data: ReceiptData) -> None:
        self.show_receipt(data, heading="In lại giấy hẹn")
        self.reprint_loaded.emit()

    def _render_preview(self) -> None:
        data = self._data
        if data is None:
            return
        paper = self.paper.currentText()
        self.preview.setText("Đang dựng giấy hẹn…")
        render_preview(data, paper).success(self._show_image).failure(self._show_error).run_in_background(self._tasks)

    def _show_image(self, image: QImage) -> None:
        self.preview.setPixmap(QPixmap.fromImage(image))

    def _show_error(self, message: str) -> None:
        show_banner(self.error, message)

    def _print(self) -> None:
        data = self._data
        if data is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("In giấy tiếp nhận và hẹn trả kết quả")
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        show_banner(self.notice, "Đang gửi lệnh in…")
        (
            print_receipt(data, printer)
            .success(lambda _result: show_banner(self.notice, "Đã gửi giấy hẹn tới máy in."))
            .failure(self._show_error)
            .run_in_background(self._tasks)
        )

    def _save_pdf(self) -> None:
        data = self._data
        if data is None:
            return
        suggested = str(Path.home() / f"giay-hen-{data.dossier_code}.pdf")
        path, _filter = QFileDialog.getSaveFileName(self, "Lưu giấy hẹn dạng PDF", suggested, "PDF (*.pdf)")
        if path:
            self.save_pdf_to(Path(path))

    def save_pdf_to(self, path: Path) -> None:
        """Render the shown receipt to a PDF file on the worker (also used by tests)."""
        data = self._data
        if data is None:
            return
        paper = self.paper.currentText()
        (
            save_pdf(data, path, paper)
            .success(lambda saved: show_banner(self.notice, f"Đã lưu PDF: {saved}"))
            .failure(self._show_error)
            .run_in_background(self._tasks)
        )
