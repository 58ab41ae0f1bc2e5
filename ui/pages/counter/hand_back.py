"""The hand-back dialog: record who took a ready result away, then preview, print or save the hand-back slip.

Also the result side's other actions on one dossier: mark the result ready (the commune resolved it itself),
void a hand-back recorded by mistake (with a reason), record that form 04 was handed over (overdue only).
Every control has a mnemonic (Alt+letter); Enter records, Escape closes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from forms.validators import check_id_number
from ui.operations import counter as ops
from ui.pages.widgets import banner, primary_button, show_banner, title

if TYPE_CHECKING:
    from kiosk.dossier.events import EventResult
    from kiosk.printed.notices import HandBackSlip
    from ui.session import Session


def _labelled(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


class HandBackDialog(QDialog):
    """One dossier's result side. `handed_back(uuid)` fires after a hand-back is recorded (the rating follows)."""

    handed_back = Signal(str)
    changed = Signal(str)  # a status bar message: something was recorded and queued for the portal

    def __init__(self, session: Session, form: ops.HandBackForm, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.form = form
        self.slip: HandBackSlip | None = None
        self.setWindowTitle(f"Trả kết quả hồ sơ {form.code}")
        self.resize(1100, 680)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.error = banner("errorBanner")
        self.notice = banner("banner")

        # --- the form --------------------------------------------------------------------------------
        self.submitter_radio = QRadioButton("Người &nộp hồ sơ nhận")
        self.authorised_radio = QRadioButton("Người được ủ&y quyền nhận")
        self.submitter_radio.setChecked(True)
        who = QButtonGroup(self)
        who.addButton(self.submitter_radio)
        who.addButton(self.authorised_radio)
        self.name = QLineEdit(form.submitter_name)
        self.name.setObjectName("receiverName")
        self.id_number = QLineEdit()
        self.id_number.setObjectName("receiverId")
        self.id_number.setMaxLength(12)
        self.authorisation = QLineEdit()
        self.authorisation.setObjectName("authorisation")
        self.authorisation.setPlaceholderText("Ví dụ: Văn bản ủy quyền có chứng thực ngày 20/11/2026")
        self.by = QComboBox()
        self.by.addItem("Tại quầy", "counter")
        self.by.addItem("Qua bưu chính", "post")
        self.fee = QSpinBox()
        self.fee.setRange(0, 100_000_000)
        self.fee.setSingleStep(1000)
        self.fee.setSuffix(" đồng")
        self.fee.setGroupSeparatorShown(True)
        self.result_no = QLineEdit()
        self.result_no.setObjectName("resultNo")
        self.result_no.setPlaceholderText("Ví dụ: 45/2026/XNTTHN")

        fields = QFormLayout()
        who_row = QHBoxLayout()
        who_row.addWidget(self.submitter_radio)
        who_row.addWidget(self.authorised_radio)
        who_row.addStretch(1)
        fields.addRow("Người nhận:", who_row)
        fields.addRow(_labelled("&Họ tên người nhận:", self.name), self.name)
        fields.addRow(_labelled("Số đ&ịnh danh:", self.id_number), self.id_number)
        fields.addRow(_labelled("&Giấy ủy quyền:", self.authorisation), self.authorisation)
        fields.addRow(_labelled("&Cách trả:", self.by), self.by)
        self.fee_label = QLabel(f"Phí, lệ phí: {form.fee_text}")
        self.fee_label.setWordWrap(True)
        fields.addRow(self.fee_label)
        fields.addRow(_labelled("Thu &phí khi trả:", self.fee), self.fee)
        fields.addRow(_labelled("Số &văn bản kết quả:", self.result_no), self.result_no)
        self.fee.setEnabled(not form.fee_collected)  # taken at receipt: nothing to collect now

        self.record_button = primary_button("&Ghi nhận trả kết quả (Enter)")
        self.ready_button = QPushButton("Đánh &dấu đã có kết quả")
        self.void_button = QPushButton("H&ủy lần trả kết quả…")
        self.apology_button = QPushButton("Đã giao mẫu &04 (xin lỗi, hẹn lại)")
        self.close_button = QPushButton("Đóng (Esc)")
        actions = QHBoxLayout()
        for button in (self.ready_button, self.void_button, self.apology_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.close_button)
        actions.addWidget(self.record_button)
        form_page = QWidget()
        form_layout = QVBoxLayout(form_page)
        form_layout.addLayout(fields)
        form_layout.addStretch(1)
        form_layout.addLayout(actions)

        # --- the slip, once recorded -------------------------------------------------------------------
        self.paper = QComboBox()
        self.paper.addItems(["A4", "A5"])
        self.preview = QLabel("Đang dựng phiếu…")
        self.preview.setObjectName("slipPreview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        scroll = self.preview_scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.preview)
        self.print_button = primary_button("&In phiếu… (Ctrl+P)")
        self.print_button.setShortcut("Ctrl+P")
        self.pdf_button = QPushButton("&Lưu PDF…")
        self.done_button = QPushButton("&Xong — mời công dân đánh giá")
        slip_side = QVBoxLayout()
        slip_side.addWidget(QLabel("Khổ giấy:"))
        slip_side.addWidget(self.paper)
        for button in (self.print_button, self.pdf_button, self.done_button):
            slip_side.addWidget(button)
        slip_side.addStretch(1)
        side = QWidget()
        side.setLayout(slip_side)
        side.setFixedWidth(300)
        slip_page = QWidget()
        slip_layout = QHBoxLayout(slip_page)
        slip_layout.addWidget(side)
        slip_layout.addWidget(scroll, 1)

        self.pages = QStackedWidget()
        self.pages.addWidget(form_page)
        self.pages.addWidget(slip_page)
        layout = QVBoxLayout(self)
        layout.addWidget(title(f"Trả kết quả hồ sơ {form.code}"))
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(self.notice)
        layout.addWidget(self.pages, 1)

        self.submitter_radio.toggled.connect(self._receiver_changed)
        self.record_button.clicked.connect(self.record)
        self.ready_button.clicked.connect(self._mark_ready)
        self.void_button.clicked.connect(self._void)
        self.apology_button.clicked.connect(self._apology)
        self.close_button.clicked.connect(self.reject)
        self.print_button.clicked.connect(self._print)
        self.pdf_button.clicked.connect(self._save_pdf)
        self.done_button.clicked.connect(self._done)
        self.paper.currentTextChanged.connect(lambda _paper: self._render_preview())
        self.set_form(form)

    # --- state ----------------------------------------------------------------------------------------

    def set_form(self, form: ops.HandBackForm) -> None:
        """Show what the dossier allows now (ready, handed back, overdue)."""
        self.form = form
        due = f"; hẹn trả {form.appointment_date:%d/%m/%Y}" if form.appointment_date else ""
        state = "đã có kết quả, chờ trả" if form.ready else ("đã trả kết quả" if form.handed_back else "chưa có kết quả")
        self.summary.setText(f"{form.procedure_name} — người nộp: {form.submitter_name}{due}. Tình trạng: {state}"
                             + (" (quá hạn)" if form.overdue else "") + ".")
        for widget in (self.submitter_radio, self.authorised_radio, self.name, self.by, self.result_no, self.record_button):
            widget.setEnabled(form.ready)
        self.fee.setEnabled(form.ready and not form.fee_collected)
        self.ready_button.setEnabled(not form.ready and not form.handed_back)
        self.void_button.setEnabled(form.handed_back)
        self.apology_button.setEnabled(form.overdue)
        self._receiver_changed()
        (self.name if form.ready else self.close_button).setFocus()

    def _receiver_changed(self) -> None:
        authorised = self.authorised_radio.isChecked()
        self.id_number.setEnabled(self.form.ready and authorised)
        self.authorisation.setEnabled(self.form.ready and authorised)
        if not authorised:
            self.name.setText(self.form.submitter_name)
        elif self.name.text() == self.form.submitter_name:
            self.name.clear()

    def show_error(self, message: str) -> None:
        show_banner(self.error, message)

    def typed(self) -> ops.HandBackInput | None:
        """The form's values, or None after showing what is wrong (the core checks again)."""
        authorised = self.authorised_radio.isChecked()
        if not self.name.text().strip():
            self.show_error("Hãy nhập họ tên người nhận kết quả.")
            self.name.setFocus()
            return None
        if authorised:
            problem = check_id_number(self.id_number.text()) or (None if self.id_number.text().strip() else "Hãy nhập số định danh của người được ủy quyền.")
            if problem:
                self.show_error(problem)
                self.id_number.setFocus()
                return None
            if not self.authorisation.text().strip():
                self.show_error("Hãy nhập giấy ủy quyền của người nhận.")
                self.authorisation.setFocus()
                return None
        fee = self.fee.value() if self.fee.isEnabled() and self.fee.value() > 0 else None
        return ops.HandBackInput(
            receiver_name=self.name.text(), receiver_id=self.id_number.text().strip() if authorised else "",
            authorisation=self.authorisation.text() if authorised else "", by=str(self.by.currentData()), fee_vnd=fee,
            result_no=self.result_no.text(),
        )

    # --- actions --------------------------------------------------------------------------------------

    def record(self) -> None:
        typed = self.typed()
        officer = self._session.officer
        if typed is None or officer is None or not self.form.ready:
            return
        show_banner(self.error, None)
        self.record_button.setEnabled(False)
        op = ops.hand_back(self._session.context, officer, self.form.code, typed)
        self._session.run(op.success(self._recorded).failure(self._record_failed))

    def _record_failed(self, message: str) -> None:
        self.record_button.setEnabled(True)
        self.show_error(message)

    def _recorded(self, outcome: tuple[EventResult, HandBackSlip]) -> None:
        result, slip = outcome
        self.slip, self.event_uuid = slip, result.uuid
        show_banner(self.notice, f"Đã ghi nhận trả kết quả, phiếu số {result.notice_number}; sẽ gửi lên cổng.")
        self.changed.emit(f"Đã trả kết quả hồ sơ {self.form.code}; sẽ gửi lên cổng.")
        self.pages.setCurrentIndex(1)
        self._render_preview()
        self.print_button.setFocus()

    def _done(self) -> None:
        self.accept()
        if self.slip is not None:
            self.handed_back.emit(self.event_uuid)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.pages.currentIndex() == 0 and self.form.ready:
            if not isinstance(self.focusWidget(), QPushButton) or self.focusWidget() is self.record_button:
                self.record()
                return
        super().keyPressEvent(event)

    def _after(self, message: str) -> None:
        show_banner(self.error, None)
        show_banner(self.notice, message)
        self.changed.emit(message)
        self._session.run(ops.hand_back_form(self._session.context, self.form.code).success(self.set_form).failure(self.show_error))

    def _mark_ready(self) -> None:
        officer = self._session.officer
        if officer is not None:
            op = ops.mark_result_ready(self._session.context, officer, self.form.code)
            self._session.run(op.success(lambda _r: self._after(f"Đã ghi nhận hồ sơ {self.form.code} có kết quả.")).failure(self.show_error))

    def _void(self) -> None:
        reason, ok = QInputDialog.getText(self, "Hủy lần trả kết quả", "Lý do hủy (ghi nhầm người nhận, nhầm hồ sơ…):")
        self.void_with_reason(reason if ok else "")

    def void_with_reason(self, reason: str) -> None:
        officer = self._session.officer
        if officer is None or not reason.strip():
            return
        op = ops.void_hand_back(self._session.context, officer, self.form.code, reason)
        self._session.run(op.success(lambda _r: self._after("Đã hủy lần trả kết quả; phiếu cũ giữ nguyên số.")).failure(self.show_error))

    def _apology(self) -> None:
        officer = self._session.officer
        if officer is not None:
            op = ops.record_apology_handed(self._session.context, officer, self.form.code)
            self._session.run(op.success(lambda _r: self._after("Đã ghi nhận giao phiếu xin lỗi và hẹn lại ngày trả (mẫu 04).")).failure(self.show_error))

    # --- the slip ---------------------------------------------------------------------------------------

    def _render_preview(self) -> None:
        if self.slip is not None:
            self.preview.setText("Đang dựng phiếu…")
            self._session.run(ops.render_slip_preview(self.slip, self.paper.currentText()).success(self._show_image).failure(self.show_error))

    def _show_image(self, image: QImage) -> None:
        # Fit the page to the preview's width: the slip is read up and down, never scrolled sideways.
        width = max(200, self.preview_scroll.viewport().width() - self.preview_scroll.verticalScrollBar().sizeHint().width() - 8)
        pixmap = QPixmap.fromImage(image)
        if pixmap.width() > width:
            pixmap = pixmap.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
        self.preview.setPixmap(pixmap)

    def _print(self) -> None:
        if self.slip is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("In phiếu giao nhận kết quả")
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            self._session.run(ops.print_slip(self.slip, printer).success(lambda _r: show_banner(self.notice, "Đã gửi phiếu tới máy in.")).failure(self.show_error))

    def _save_pdf(self) -> None:
        if self.slip is None:
            return
        suggested = str(Path.home() / f"phieu-tra-ket-qua-{self.form.code}.pdf")
        path, _filter = QFileDialog.getSaveFileName(self, "Lưu phiếu giao nhận kết quả dạng PDF", suggested, "PDF (*.pdf)")
        if path:
            self.save_pdf_to(Path(path))

    def save_pdf_to(self, path: Path) -> None:
        if self.slip is not None:
            op = ops.save_slip_pdf(self.slip, path, self.paper.currentText())
            self._session.run(op.success(lambda saved: show_banner(self.notice, f"Đã lưu PDF: {saved}")).failure(self.show_error))
