"""A printed paper on screen: its preview as it will print, the paper size, Print… (system dialog) and Save as PDF.

Shared by the receipt screen and the notices screen (forms 02, 03, 05, the hand-back slip); each adds its own lines
above the buttons and names its paper for the dialogs, the file name and the messages.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from ui.operations.printing import print_receipt, render_preview, save_pdf
from ui.pages.widgets import banner, primary_button, show_banner, title

if TYPE_CHECKING:
    from ui.session import Session


class PaperPage(QWidget):
    """The preview and the print/PDF buttons; a subclass puts its own widgets in `self.side` (after the heading)."""

    WHAT = "giấy"  # "giấy hẹn", "phiếu": in the buttons and the messages

    def __init__(self, session: Session, *, print_label: str, preview_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._tasks = session.tasks
        self._data: Any = None
        self.heading = title("")
        self.notice = banner("banner")
        self.error = banner("errorBanner")
        self.paper = QComboBox()
        self.paper.addItems(["A4", "A5"])
        self.print_button = primary_button(f"{print_label}… (Ctrl+P)")
        self.print_button.setShortcut("Ctrl+P")
        self.pdf_button = QPushButton("Lưu PDF…")
        self.preview = QLabel(f"Đang dựng {self.WHAT}…")
        self.preview.setObjectName(preview_name)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.preview)

        self.side = QVBoxLayout()
        self.side.addWidget(self.heading)
        side_widget = QWidget()
        side_widget.setLayout(self.side)
        side_widget.setFixedWidth(380)
        layout = QHBoxLayout(self)
        layout.addWidget(side_widget)
        layout.addWidget(scroll, 1)

        self.print_button.clicked.connect(self.print_clicked)
        self.pdf_button.clicked.connect(self._save_pdf)
        self.paper.currentTextChanged.connect(lambda _paper: self._render_preview())

    def add_controls(self, *buttons: QPushButton) -> None:
        """The banners, the paper size, Print, Save as PDF, then `buttons`: called once by the subclass."""
        self.side.addWidget(self.notice)
        self.side.addWidget(self.error)
        self.side.addSpacing(12)
        paper_row = QHBoxLayout()
        paper_row.addWidget(QLabel("Khổ giấy:"))
        paper_row.addWidget(self.paper, 1)
        self.side.addLayout(paper_row)
        for button in (self.print_button, self.pdf_button, *buttons):
            self.side.addWidget(button)
        self.side.addStretch(1)

    @property
    def data(self) -> Any:
        return self._data

    def show_paper(self, data: Any, *, heading: str, notice: str | None = None) -> None:
        self._data = data
        self.heading.setText(heading)
        show_banner(self.notice, notice)
        show_banner(self.error, None)
        self._render_preview()
        self.print_button.setFocus()

    def paper_key(self) -> str:
        """The chosen paper: the item's data where a page gives one ("A4x2", "80mm"), else its text ("A4")."""
        return self.paper.currentData() or self.paper.currentText()

    def print_clicked(self) -> None:
        """The Print button: the system dialog here; the receipt prints straight to the default printer."""
        self._print()

    # --- what a subclass names -----------------------------------------------------------------------

    def print_title(self) -> str:
        return f"In {self.WHAT}"

    def file_name(self) -> str:
        return "giay.pdf"

    # --- the preview, the printer, the PDF ----------------------------------------------------------------

    def _render_preview(self) -> None:
        if self._data is None:
            return
        self.preview.setText(f"Đang dựng {self.WHAT}…")
        render_preview(self._data, self.paper_key()).success(self._show_image).failure(self._show_error).run_in_background(self._tasks)

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
        dialog.setWindowTitle(self.print_title())
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        show_banner(self.notice, "Đang gửi lệnh in…")
        (
            print_receipt(data, printer)
            .success(lambda _result: show_banner(self.notice, f"Đã gửi {self.WHAT} tới máy in."))
            .failure(self._show_error)
            .run_in_background(self._tasks)
        )

    def _save_pdf(self) -> None:
        if self._data is None:
            return
        suggested = str(Path.home() / self.file_name())
        path, _filter = QFileDialog.getSaveFileName(self, f"Lưu {self.WHAT} dạng PDF", suggested, "PDF (*.pdf)")
        if path:
            self.save_pdf_to(Path(path))

    def save_pdf_to(self, path: Path) -> None:
        """Render the shown paper to a PDF file on the worker (also used by tests)."""
        if self._data is None:
            return
        (
            save_pdf(self._data, path, self.paper_key())
            .success(lambda saved: show_banner(self.notice, f"Đã lưu PDF: {saved}"))
            .failure(self._show_error)
            .run_in_background(self._tasks)
        )
