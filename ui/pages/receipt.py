"""Receipt screen: the receipt as it will print, Print (the default printer, the site's copies, no dialog), Choose a
printer… (the system dialog), Save as PDF, New dossier; reprints load here. A dossier just received prints at once
("Tiếp nhận và in giấy hẹn": docs/printing.md); it was stored before, so a missing printer loses nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from kiosk.printed.receipt import ReceiptData
from ui.operations.lookup import load_receipt
from ui.operations.printing import print_copies
from ui.pages.paper import PaperPage
from ui.pages.widgets import show_banner
from ui.printing.printers import default_printer

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

    from ui.session import Session

NO_DEFAULT_PRINTER = (
    "Máy chưa có máy in mặc định nên chưa in được giấy hẹn; hồ sơ đã được lưu, có thể in lại từ danh sách hồ sơ "
    "(hoặc bấm “Chọn máy in…”). Đặt máy in mặc định trong phần cài đặt máy in của Windows."
)
# The paper choices of the preview and "Lưu PDF…": (shown, key of ui.printing.receipt_render.RECEIPT_PAPERS).
PAPERS = (("A4", "A4"), ("A5", "A5"), ("A4 – hai bản một tờ", "A4x2"), ("Cuộn 80 mm", "80mm"))


class ReceiptPage(PaperPage):
    new_dossier_requested = Signal()
    home_requested = Signal()
    reprint_loaded = Signal()  # a stored dossier's receipt is shown again (reprint)
    rating_requested = Signal(str)  # the dossier's code: the citizen rates the receipt

    WHAT = "giấy hẹn"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, print_label="In giấy hẹn", preview_name="receiptPreview", parent=parent)
        self.print_button.setText("In giấy hẹn (Ctrl+P)")  # straight to the default printer: no dialog, no "…"
        self.paper.clear()
        for shown, key in PAPERS:
            self.paper.addItem(shown, key)
        self.choose_printer_button = QPushButton("Chọn máy in…")
        # How the default printer is found: a test hands a PDF-backed QPrinter here instead of the machine's.
        self.find_printer: Callable[[], QPrinter | None] = default_printer
        self._standing_notice: str | None = None
        self.heading.setText("Đã tiếp nhận hồ sơ")
        self.code_label = QLabel()
        self.code_label.setObjectName("dossierCode")
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.appointment_label = QLabel()
        self.appointment_label.setObjectName("appointment")
        self.new_button = QPushButton("Hồ sơ mới")
        self.rate_button = QPushButton("Mời công dân đánh &giá (F8)")
        self.rate_button.setShortcut("F8")  # F9 is the books page (ui/window/books_nav.py)
        self.home_button = QPushButton("Về trang chủ")
        self.side.addWidget(QLabel("Mã hồ sơ:"))
        self.side.addWidget(self.code_label)
        self.side.addWidget(self.appointment_label)
        self.add_controls(self.choose_printer_button, self.rate_button, self.new_button, self.home_button)
        self.choose_printer_button.clicked.connect(self._print)
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

    def show_submitted(self, data: ReceiptData, clock_warning: str | None) -> None:
        """A dossier just received: show its receipt and print the site's copies on the default printer."""
        self.show_receipt(data, heading="Đã tiếp nhận hồ sơ", notice=clock_warning)
        self.print_to_default()

    def show_paper(self, data: ReceiptData, *, heading: str, notice: str | None = None) -> None:
        two_up = self._session.context.settings.receipt_two_up
        if two_up and self.paper_key() in ("A4", "A4x2"):  # the preview and the PDF show the sheet as it prints
            self.paper.setCurrentIndex(self.paper.findData("A4x2"))
        elif not two_up and self.paper_key() == "A4x2":
            self.paper.setCurrentIndex(self.paper.findData("A4"))
        self._standing_notice = notice  # the clock warning stays above the printing's progress
        super().show_paper(data, heading=heading, notice=notice)

    def _tell(self, status: str) -> None:
        show_banner(self.notice, "\n".join(part for part in (self._standing_notice, status) if part))

    def print_clicked(self) -> None:
        self.print_to_default()

    def print_to_default(self) -> None:
        """The site's number of copies on the default printer, no dialog; without one, say so (the dossier is
        already stored: it is printed again from the list)."""
        data = self._data
        if data is None:
            return
        printer = self.find_printer()
        if printer is None:
            show_banner(self.error, NO_DEFAULT_PRINTER)
            return
        settings = self._session.context.settings
        name = printer.printerName() or printer.outputFileName()
        show_banner(self.error, None)
        self._tell(f"Đang in giấy hẹn trên máy in {name}…")
        (
            print_copies(data, printer, settings.receipt_copies, settings.receipt_two_up)
            .success(lambda count: self._tell(f"Đã gửi {count} bản giấy hẹn tới máy in {name}."))
            .failure(self._show_error)
            .run_in_background(self._tasks)
        )

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
