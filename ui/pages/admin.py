"""Administration for the admin role: officers (add, unlock), site settings, enrolment, backup now, purge now.

Only admins see the way here (home page button) and the core functions check the role again; the page runs
its operations (ui/operations/admin.py) and tells the window when settings changed or the kiosk was enrolled.
Restores and key handling are `kiosk-admin` commands (docs/cli.md): they need the kiosk closed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from forms.timezone import VN_TZ
from ui.operations import admin as admin_ops
from ui.operations.op import Op
from ui.pages.widgets import banner, primary_button, show_banner, title

if TYPE_CHECKING:
    from ui.session import Session

ROLE_LABELS = {"officer": "Cán bộ tiếp nhận", "admin": "Quản trị viên"}


class AdminPage(QWidget):
    settings_changed = Signal(object)  # the new SiteSettings, in effect already
    enrolled = Signal()  # the kiosk has a portal now: sync can begin
    home_requested = Signal()

    HEADERS = ("Tên đăng nhập", "Họ và tên", "Vai trò", "Trạng thái")

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.message = banner("banner")
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setObjectName("officerTable")
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.unlock_button = QPushButton("Mở khóa tài khoản đã chọn")

        self.username = QLineEdit()
        self.username.setPlaceholderText("chữ thường không dấu, ví dụ: lan")
        self.full_name = QLineEdit()
        self.role = QComboBox()
        for role, label in ROLE_LABELS.items():
            self.role.addItem(label, role)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText("ít nhất 6 chữ số, không phải dãy dễ đoán")
        self.add_button = primary_button("Thêm cán bộ")
        form = QFormLayout()
        form.addRow("Tên đăng nhập:", self.username)
        form.addRow("Họ và tên:", self.full_name)
        form.addRow("Vai trò:", self.role)
        form.addRow("Mã PIN:", self.pin)
        form.addRow("", self.add_button)
        add_box = QGroupBox("Thêm cán bộ")
        add_box.setLayout(form)

        self.setting_edits: dict[str, Any] = {}
        settings_form = QFormLayout()
        settings_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # long Vietnamese labels above their field
        self.settings_box = QGroupBox("Thiết lập điểm tiếp nhận")
        inner = QWidget()
        inner.setLayout(settings_form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(inner)
        QVBoxLayout(self.settings_box).addWidget(scroll)
        self._settings_form = settings_form
        self.save_settings_button = QPushButton("Lưu thiết lập")
        self.portal_url = QLineEdit()
        self.portal_url.setPlaceholderText("https://dichvucong.tinh.gov.vn")
        self.enrolment_code = QLineEdit()
        self.enrolment_code.setPlaceholderText("mã đăng ký một lần, ví dụ 7KQM-P2XA-9RTD")
        self.enrol_button = QPushButton("Đăng ký máy với cổng")
        self.enrolment_state = QLabel("")
        self.enrolment_state.setWordWrap(True)
        enrol_form = QFormLayout()
        enrol_form.addRow("Địa chỉ cổng:", self.portal_url)
        enrol_form.addRow("Mã đăng ký:", self.enrolment_code)
        enrol_form.addRow("", self.enrol_button)
        enrol_form.addRow("", self.enrolment_state)
        self.enrol_box = QGroupBox("Đăng ký với cổng dịch vụ công")
        self.enrol_box.setLayout(enrol_form)
        self.backup_button = QPushButton("Sao lưu dữ liệu ngay")
        self.purge_button = QPushButton("Xóa dữ liệu cá nhân đã hết hạn lưu trữ")
        self.home_button = QPushButton("Về trang chủ")
        tools = QHBoxLayout()
        tools.addWidget(self.backup_button)
        tools.addWidget(self.purge_button)
        tools.addStretch(1)
        tools.addWidget(self.home_button)

        officers_box = QGroupBox("Cán bộ")
        officers_layout = QVBoxLayout(officers_box)
        officers_layout.addWidget(self.table)
        officers_layout.addWidget(self.unlock_button)
        right = QVBoxLayout()
        right.addWidget(add_box)
        right.addWidget(self.enrol_box)
        settings_column = QVBoxLayout()
        settings_column.addWidget(self.settings_box, 1)
        settings_column.addWidget(self.save_settings_button)
        body = QHBoxLayout()
        body.addWidget(officers_box, 3)
        body.addLayout(right, 2)
        body.addLayout(settings_column, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(title("Quản trị máy tiếp nhận"))
        layout.addWidget(self.message)
        layout.addLayout(body, 1)
        layout.addLayout(tools)

        self.add_button.clicked.connect(self._add)
        self.unlock_button.clicked.connect(self._unlock)
        self.backup_button.clicked.connect(self._backup)
        self.save_settings_button.clicked.connect(self._save_settings)
        self.enrol_button.clicked.connect(self._enrol)
        self.purge_button.clicked.connect(self._purge)
        self.home_button.clicked.connect(self.home_requested)

    def open(self) -> None:
        """Shown afresh: no message; the officers and the settings are read again."""
        self.show_message(None)
        self._refresh_officers()
        self._refresh_settings()

    def _run(self, op: Op[Any], on_done: Any) -> None:
        self._session.run(op.success(on_done).failure(self.show_message))

    def _refresh_officers(self) -> None:
        self._run(admin_ops.list_officers(self._session.context, self._session.officer), self.set_officers)

    def _refresh_settings(self) -> None:
        self._run(admin_ops.site_settings(self._session.context), self._show_settings)

    def _show_settings(self, view: admin_ops.SiteSettingsView) -> None:
        self.set_settings(view.settings, view.editable, _enrolled_text(view.portal_url, view.kiosk_id) if view.portal_url else None)

    def set_officers(self, rows: Sequence[Any]) -> None:
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            state = "Đang hoạt động" if row.active else "Ngừng hoạt động"
            if row.locked_until:
                state = f"Tạm khóa đến {row.locked_until.astimezone(VN_TZ):%H:%M %d/%m}"
            for column, text in enumerate((row.username, row.full_name, ROLE_LABELS.get(row.role, row.role), state)):
                self.table.setItem(index, column, QTableWidgetItem(text))

    def set_settings(self, settings: Any, editable: Sequence[str], enrolled: str | None) -> None:
        """Fill the settings form (labels from the settings' own declarations) and the enrolment state."""
        from dataclasses import fields

        if not self.setting_edits:
            for spec in fields(settings):
                if spec.name not in editable:
                    continue
                widget: Any = QCheckBox() if isinstance(spec.default, bool) else QLineEdit()
                widget.setObjectName(f"setting_{spec.name}")
                self.setting_edits[spec.name] = widget
                label = QLabel(spec.metadata["label"])
                label.setWordWrap(True)
                self._settings_form.addRow(label, widget)
        for name, widget in self.setting_edits.items():
            value = getattr(settings, name)
            if isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            else:
                widget.setText(str(value))
        self.portal_url.setText(settings.portal_url)
        self.enrolment_state.setText(enrolled or "Máy chưa đăng ký với cổng.")

    def _save_settings(self) -> None:
        from dataclasses import fields

        from kiosk.storage.settings import SiteSettings

        kinds = {spec.name: type(spec.default) for spec in fields(SiteSettings)}
        changes: dict[str, Any] = {}
        for name, widget in self.setting_edits.items():
            if isinstance(widget, QCheckBox):
                changes[name] = widget.isChecked()
            elif kinds[name] is int:
                text = widget.text().strip()
                changes[name] = int(text) if text.lstrip("-").isdigit() else text  # the check says what is wrong
            else:
                changes[name] = widget.text().strip()
        self._run(admin_ops.update_settings(self._session.context, self._session.officer, changes), self._settings_saved)

    def _settings_saved(self, settings: Any) -> None:
        self._session.context.adopt(settings=settings)  # here, on the GUI thread that owns the context
        self.settings_changed.emit(settings)
        self.show_message("Đã lưu thiết lập.")
        self._refresh_settings()

    def _enrol(self) -> None:
        self.show_message("Đang đăng ký với cổng…")
        s = self._session
        self._run(admin_ops.enrol(s.context, s.officer, self.portal_url.text(), self.enrolment_code.text()), self._enrolled)

    def _enrolled(self, credentials: Any) -> None:
        self._session.context.reload_settings()  # enrolment wrote the portal's address to settings.json
        self.enrolment_state.setText(_enrolled_text(credentials.portal_url, credentials.kiosk_id))  # at once, not after the refresh
        self.show_message(f"Đã đăng ký máy với cổng {credentials.portal_url}.")
        self.enrolment_code.clear()
        self._refresh_settings()
        self.enrolled.emit()

    def _backup(self) -> None:
        self._run(
            admin_ops.backup(self._session.context, self._session.officer),
            lambda info: self.show_message(f"Đã sao lưu vào {info.path.name} ({info.size:,} byte)."),
        )

    def _purge(self) -> None:
        self._run(
            admin_ops.purge(self._session.context, self._session.officer),
            lambda report: self.show_message(
                f"Đã xóa dữ liệu cá nhân của {len(report.purged)} hồ sơ hết hạn lưu trữ. {report.backups_summary()}".strip()),
        )

    def show_message(self, text: str | None) -> None:
        show_banner(self.message, text)

    def added(self, row: Any) -> None:
        self.username.clear()
        self.full_name.clear()
        self.pin.clear()
        self.show_message(f"Đã thêm {row.full_name} ({row.username}).")

    def _add(self) -> None:
        s = self._session
        role = str(self.role.currentData())
        self._run(admin_ops.add_officer(s.context, s.officer, self.username.text(), self.full_name.text(), role, self.pin.text()), self._added)

    def _added(self, row: Any) -> None:
        self.added(row)
        self._refresh_officers()

    def _unlock(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.show_message("Hãy chọn một cán bộ trong danh sách.")
            return
        username = self.table.item(rows[0].row(), 0).text()
        self._run(admin_ops.unlock_officer(self._session.context, self._session.officer, username), lambda _r: self._unlocked(username))

    def _unlocked(self, username: str) -> None:
        self.show_message(f"Đã mở khóa tài khoản {username}.")
        self._refresh_officers()


def _enrolled_text(portal_url: str, kiosk_id: str) -> str:
    return f"Đã đăng ký với {portal_url} (mã máy {kiosk_id})."
