"""Receipt screen: the receipt as it will print, Print… (system dialog), Save as PDF, New dossier; reprints load here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from kiosk.printed.receipt import ReceiptData
from ui.operations.lookup import load_receipt
from ui.pages.paper import PaperPage

if TYPE_CHECKING:
    from ui.session import Session


class ReceiptPage(PaperPage):
    new_dossier_requested = Signal()
    home_requested = Signal()
    reprint_loaded = Signal()  # a stored dossier's receipt is shown again (reprint)
    rating_requested = Signal(str)  # the dossier's code: the citizen rates the receipt

    WHAT = "giấy hẹn"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, print_label="In giấy hẹn", preview_name="receiptPreview", parent=parent)
        self.heading.setText("Đã tiếp nhận hồ sơ")
        self.code_label = QLabel()
        self.code_label.setObjectName("dossierCode")
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label.setStyleSheet("font-size: 26px; font-weight: bold; color: #0b4f8a;")
        self.appointment_label = QLabel()
        self.appointment_label.setObjectName("appointment")
        self.appointment_label.setStyleSheet("font-size: 18px;")
        self.new_button = QPushButton("Hồ sơ mới")
        self.rate_button = QPushButton("Mời công dân đánh &giá (F8)")
        self.rate_button.setShortcut("F8")  # F9 is the books page (ui/window/books_nav.py)
        self.home_button = QPushButton("Về trang chủ")
        self.side.addWidget(QLabel("Mã hồ sơ:"))
        self.side.addWidget(self.code_label)
        self.side.addWidget(self.appointment_label)
        self.add_controls(self.rate_button, self.new_button, self.home_button)
        self.new_button.clicked.connect(self.new_dossier_requested)
        self.rate_button.clicked.connect(lambda: self._data is not None and self.rating_requested.emit(self._data.dossier_code))
        self.home_button.clicked.connect(self.home_requested)

    @property
    def data(self) -> ReceiptData | None:
        return self._data

    def show_receipt(self, data: ReceiptData, *, heading: str, notice: str | None = None) -> None:
        self.code_label.setText(data.dossier_code)
        self.appointment_label.setText(
            f"Hẹn trả kết quả: {data.appointment_time} ngày {data.appointment_date:%d/%m/%Y}"
        )
        self.show_paper(data, heading=heading, notice=notice)

    def reprint(self, code: str) -> None:
        """Show a stored dossier's receipt again, marked as a reprint (audited)."""
        s = self._session
        s.run(load_receipt(s.context, code, s.actor, reprint=True).success(self._show_reprint))

    def _show_reprint(self, data: ReceiptData) -> None:
        self.show_receipt(data, heading="In lại giấy hẹn")
        self.reprint_loaded.emit()

    def print_title(self) -> str:
        return "In giấy tiếp nhận và hẹn trả kết quả"

    def file_name(self) -> str:
        return f"giay-hen-{self._data.dossier_code}.pdf"
