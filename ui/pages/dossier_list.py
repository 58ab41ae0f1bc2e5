"""Dossier list: search by code, name or ID number (no diacritics needed), filter by status and work list, reprint;
a dossier's detail, supplements, the hand-back, the QR camera."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pathlib import Path

from forms.timezone import VN_TZ
from kiosk.dossier.lookup import code_from_text
from forms.statuses import STATUSES, short_label
from forms.validators import parse_date
from kiosk.dossier.search import LIFECYCLE_LABELS, SYNC_LABELS, DossierSummary
from kiosk.dossier.worklists import WORKLISTS, ListFilter
from ui.operations.counter import find_worklist, hand_back_form
from ui.operations.lookup import code_from_image, dossier_detail
from ui.pages.widgets import banner, primary_button, show_banner, title

if TYPE_CHECKING:
    from ui.session import Session

Index = QModelIndex | QPersistentModelIndex

# (label, lifecycle, sync_state) — the filter never mixes the three states into one value.
FILTERS: tuple[tuple[str, str | None, str | None], ...] = (
    ("Tất cả hồ sơ", None, None),
    ("Chờ gửi lên cổng", None, "queued"),
    ("Gửi lỗi, sẽ thử lại", None, "failed"),
    ("Đã gửi lên cổng", None, "delivered"),
    ("Bị từ chối, cần xử lý", None, "rejected"),
    ("Đã hủy", "voided", None),
)


OVERDUE_BACKGROUND = QColor("#f8d7da")  # overdue rows: the pale red of the error banner


class DossierTableModel(QAbstractTableModel):
    HEADERS = ("Mã hồ sơ", "Người nộp", "Thủ tục", "Ngày nhận", "Hẹn trả", "Tại máy", "Đồng bộ", "Trên cổng")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[DossierSummary] = []

    def set_rows(self, rows: Sequence[DossierSummary]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return row.code
        if row.overdue and role == Qt.ItemDataRole.BackgroundRole:
            return OVERDUE_BACKGROUND
        if row.overdue and role == Qt.ItemDataRole.ToolTipRole:
            return "Quá hạn hẹn trả kết quả"
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        column = index.column()
        if column == 0:
            return row.code
        if column == 1:
            return row.submitter_name or ""
        if column == 2:
            return row.procedure_name
        if column == 3:
            return row.received_at.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M") if row.received_at else ""
        if column == 4:
            return row.appointment_date.strftime("%d/%m/%Y") if row.appointment_date else ""
        if column == 5:
            return LIFECYCLE_LABELS.get(row.lifecycle, row.lifecycle)
        if column == 6:
            return SYNC_LABELS.get(row.sync_state or "", "")
        if column == 7:
            return short_label(row.portal_status) or "Chưa có"
        return None


class DossierListPage(QWidget):
    reprint_requested = Signal(str)
    notice_recorded = Signal(object)  # a stop notice was recorded: its paper, for the notice screen
    queued = Signal(str)  # a supplement was recorded and queued for the portal: the status bar's message
    qr_image_chosen = Signal(object)  # Path of an image holding a receipt's QR
    home_requested = Signal()
    handed_back = Signal(str)  # a hand-back was recorded (its event's uuid): the citizen's rating follows
    supplement_dialog = property(lambda self: self.status5.supplement_dialog)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        from ui.pages.counter.supplement_request import SupplementRequest

        super().__init__(parent)
        self._session = session
        self.status5 = SupplementRequest(self, session)  # status 5: form 02, the supplement, the receipt again
        self.detail_dialog: Any = None  # the dialogs opened from here, which an idle lock closes
        self.stop_dialog: Any = None
        self.camera_dialog: Any = None
        self.hand_back_dialog: Any = None
        self.search = QLineEdit()
        self.search.setObjectName("dossierSearch")
        self.search.setPlaceholderText("Tìm theo mã hồ sơ, họ tên hoặc số định danh (không cần dấu)")
        self.search.setClearButtonEnabled(True)
        self.filter = QComboBox()
        for label, _lifecycle, _sync in FILTERS:
            self.filter.addItem(label)
        self.worklist = QComboBox()
        self.worklist.setObjectName("worklistFilter")
        self.worklist.addItem("Mọi hồ sơ", None)
        for key, label in WORKLISTS:
            self.worklist.addItem(label, key)
        self.received_from = self._date_box("ngày nhận, từ")
        self.received_to = self._date_box("ngày nhận, đến")
        self.due_on = self._date_box("ngày hẹn trả")
        self.procedure = QComboBox()
        self.procedure.addItem("Mọi thủ tục", None)
        # Procedure names are long: the box takes the row's spare width and elides, never widens the page.
        self.procedure.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.procedure.setMinimumContentsLength(28)
        self.portal_status = QComboBox()
        self.portal_status.addItem("Mọi trạng thái", None)
        for status in STATUSES.values():
            self.portal_status.addItem(f"{status.code}. {status.short}", status.code)
        self.model = DossierTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.reprint_button = primary_button("In lại giấy hẹn")
        self.hand_back_button = QPushButton("&Trả kết quả… (F6)")
        self.hand_back_button.setObjectName("handBackButton")
        self.hand_back_button.setShortcut("F6")
        self.detail_button = QPushButton("Xem chi tiết")
        self.qr_button = QPushButton("Đọc mã QR từ ảnh…")
        self.camera_button = QPushButton("Quét QR bằng máy ảnh")
        self.error = banner("errorBanner")
        self.home_button = QPushButton("Về trang chủ")
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)

        top = QHBoxLayout()
        top.addWidget(self.search, 3)
        top.addWidget(self.qr_button)
        top.addWidget(self.camera_button)
        top.addWidget(self.filter, 1)
        # Two filter rows so every label and box shows whole at 1366x768: what to list, then the days.
        lists = QHBoxLayout()
        days = QHBoxLayout()
        for row, items in ((lists, (("&Việc cần làm:", self.worklist), ("Thủ tụ&c:", self.procedure), ("Trạng thái trên cổn&g:", self.portal_status))),
                           (days, (("&Nhận từ ngày:", self.received_from), ("đến ngà&y:", self.received_to), ("Hẹn t&rả ngày:", self.due_on)))):
            for label, widget in items:
                caption = QLabel(label)
                caption.setBuddy(widget)
                row.addWidget(caption)
                row.addWidget(widget, 1 if widget is self.procedure else 0)
                row.addSpacing(8)
        days.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.home_button)
        bottom.addWidget(self.detail_button)
        bottom.addWidget(self.hand_back_button)
        bottom.addWidget(self.reprint_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title("Danh sách hồ sơ"))
        layout.addLayout(top)
        layout.addLayout(lists)
        layout.addLayout(days)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        chain = (self.search, self.qr_button, self.camera_button, self.filter, self.worklist, self.procedure, self.portal_status,
                 self.received_from, self.received_to, self.due_on, self.table, self.home_button, self.detail_button,
                 self.hand_back_button, self.reprint_button)
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

        self.search.textChanged.connect(lambda _text: self._debounce.start())
        self.search.returnPressed.connect(self.refresh)
        self._debounce.timeout.connect(self.refresh)
        self.filter.currentIndexChanged.connect(lambda _i: self.refresh())
        for combo in (self.worklist, self.procedure, self.portal_status):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        for box in (self.received_from, self.received_to, self.due_on):
            box.editingFinished.connect(self.refresh)
        self.table.activated.connect(lambda _index: self._open_row())  # Enter or a double click
        self.hand_back_button.clicked.connect(self._hand_back_selected)
        self.reprint_button.clicked.connect(self._reprint)
        self.detail_button.clicked.connect(self._detail)
        self.qr_button.clicked.connect(self._choose_qr_image)
        self.camera_button.clicked.connect(self._scan_with_camera)
        self.home_button.clicked.connect(self.home_requested)
        self.qr_image_chosen.connect(self._lookup_qr_image)

    @staticmethod
    def _date_box(what: str) -> QLineEdit:
        box = QLineEdit()
        box.setPlaceholderText("dd/mm/yyyy")
        box.setToolTip(f"Lọc theo {what} (dd/mm/yyyy); để trống: không lọc")
        # Wide enough for the placeholder and a typed date in the current font, with the frame's padding.
        box.setFixedWidth(box.fontMetrics().horizontalAdvance("dd/mm/yyyy  ") + 24)
        return box

    def set_procedures(self, procedures: Sequence[tuple[str, str]]) -> None:
        """The procedure filter's choices: (code, name), once the catalogue is known."""
        self.procedure.blockSignals(True)
        self.procedure.clear()
        self.procedure.addItem("Mọi thủ tục", None)
        for code, name in procedures:
            self.procedure.addItem(f"{name} ({code})", code)
        self.procedure.blockSignals(False)

    def show_worklist(self, key: str | None) -> None:
        """Open on one work list (from the home screen's counts), every other filter cleared."""
        for combo in (self.procedure, self.portal_status, self.filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        for box in (self.received_from, self.received_to, self.due_on):
            box.clear()
        self.search.clear()
        self.worklist.blockSignals(True)
        self.worklist.setCurrentIndex(max(0, self.worklist.findData(key)))
        self.worklist.blockSignals(False)
        self.refresh()
        self.table.setFocus()

    def list_filter(self) -> ListFilter | None:
        """The filters as typed, or None after saying which date is not one."""
        days = {}
        for name, box in (("received_from", self.received_from), ("received_to", self.received_to), ("due_on", self.due_on)):
            text = box.text().strip()
            days[name] = parse_date(text) if text else None
            if text and days[name] is None:
                show_banner(self.error, f"Ngày {text!r} không hợp lệ; nhập theo dạng dd/mm/yyyy.")
                box.setFocus()
                return None
        return ListFilter(worklist=self.worklist.currentData(), procedure_code=self.procedure.currentData(),
                          portal_status=self.portal_status.currentData(), **days)

    def refresh(self) -> None:
        show_banner(self.error, None)
        if self.procedure.count() == 1:  # the catalogue is in memory: no query
            self.set_procedures([(p.code, p.name) for p in self._session.context.catalogue.latest()])
        _label, lifecycle, sync_state = FILTERS[self.filter.currentIndex()]
        query = code_from_text(self.search.text()) or self.search.text()  # a pasted tracking URL finds its code
        filters = self.list_filter()
        if filters is not None:
            self._session.run(find_worklist(self._session.context, query, filters, lifecycle, sync_state).success(self.set_rows))

    def _open_row(self) -> None:
        """Enter on a row: the hand-back in the "result ready" list, the dossier's detail elsewhere."""
        if self.worklist.currentData() == "result_ready":
            self._hand_back_selected()
        else:
            self._detail()

    def _lookup_qr_image(self, path: Path) -> None:
        self._session.run(code_from_image(path).success(self.show_code).failure(self.show_error))

    def show_code(self, code: str) -> None:
        """Show one dossier found by its QR code."""
        self.filter.setCurrentIndex(0)
        self.search.setText(code)
        self.refresh()

    def show_error(self, message: str) -> None:
        show_banner(self.error, message)

    def _choose_qr_image(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "Chọn ảnh chụp mã QR trên giấy hẹn", "", "Ảnh (*.png *.jpg *.jpeg *.bmp)")
        if path:
            self.qr_image_chosen.emit(Path(path))

    def _detail(self) -> None:
        code = self.selected_code()
        if code:
            self.show_detail(code)

    def set_rows(self, rows: Sequence[DossierSummary]) -> None:
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(0)

    def selected_code(self) -> str | None:
        indexes = self.table.selectionModel().selectedRows()
        return self.model.data(indexes[0], Qt.ItemDataRole.UserRole) if indexes else None

    def _reprint(self) -> None:
        code = self.selected_code()
        if code:
            self.reprint_requested.emit(code)

    # --- the dialogs opened from the list -------------------------------------------------------------

    def show_detail(self, code: str) -> None:
        """A dossier's detail (the three states, the portal's history); opening it is audited."""
        op = dossier_detail(self._session.context, code, self._session.actor)
        self._session.run(op.success(lambda detail: self._open_detail(code, detail)).failure(self.show_error))

    def _open_detail(self, code: str, detail: Any) -> None:
        if detail is None:
            self.show_error(f"Không tìm thấy hồ sơ {code}.")
            return
        from ui.pages.dossier_detail import DossierDetailDialog

        self.detail_dialog = DossierDetailDialog(detail, self)
        self.detail_dialog.reprint_requested.connect(self.reprint_requested)
        self.detail_dialog.supplement_requested.connect(lambda _code: self.status5.supplement(detail))
        self.detail_dialog.guidance_requested.connect(lambda _code: self.status5.guidance(detail))
        self.detail_dialog.stop_requested.connect(self._stop)
        self.detail_dialog.hand_back_requested.connect(self.open_hand_back)
        self.detail_dialog.open()

    def _stop(self, code: str) -> None:
        from ui.operations.notices import stop_dossier
        from ui.pages.notice_dialogs import StopDialog

        officer, ctx = self._session.officer, self._session.context
        if officer is None:
            return
        dialog = self.stop_dialog = StopDialog(code, self)
        dialog.accepted.connect(lambda: self._session.run(
            stop_dossier(ctx, officer, code, dialog.reason()).success(self.notice_recorded.emit).failure(self.show_error)
        ))
        dialog.open()

    def _scan_with_camera(self) -> None:
        from ui.pages.camera_scan import CameraScanDialog

        self.camera_dialog = CameraScanDialog(self._session.tasks, self)
        self.camera_dialog.code_found.connect(self.show_code)
        self.camera_dialog.open()

    def _hand_back_selected(self) -> None:
        code = self.selected_code()
        if code:
            self.open_hand_back(code)

    def open_hand_back(self, code: str) -> None:
        """The result side of one dossier: hand back, mark ready, void, form 04."""
        self._session.run(hand_back_form(self._session.context, code).success(self._open_hand_back).failure(self.show_error))

    def _open_hand_back(self, form: Any) -> None:
        from ui.pages.counter.hand_back import HandBackDialog

        dialog = self.hand_back_dialog = HandBackDialog(self._session, form, self)
        dialog.changed.connect(self.queued)
        dialog.handed_back.connect(self.handed_back)
        dialog.finished.connect(lambda _result: self.refresh())
        dialog.open()

    def close_dialogs(self) -> None:
        """Close whichever of them is open: the idle lock hides every screen with personal data."""
        for dialog in (self.detail_dialog, self.stop_dialog, self.camera_dialog, self.hand_back_dialog):
            if dialog is not None and dialog.isVisible():
                dialog.reject()
        self.status5.close_dialogs()
