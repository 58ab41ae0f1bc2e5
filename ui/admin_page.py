"""Administration for the admin role: officers (add, unlock), backup now, retention purge now.

Only admins see the way here (home page button) and the core functions check the role again.
Site settings, enrolment and restores are `kiosk-admin` commands for now (docs/cli.md).
"""

from __future__ import annotations

from typing import Any, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.codes import LOCAL_TZ
from ui.widgets import banner, primary_button, show_banner, title

ROLE_LABELS = {"officer": "Cán bộ tiếp nhận", "admin": "Quản trị viên"}


class AdminPage(QWidget):
    add_requested = Signal(str, str, str, str)  # username, full name, role, PIN
    unlock_requested = Signal(str)
    backup_requested = Signal()
    purge_requested = Signal()
    home_requested = Signal()

    HEADERS = ("Tên đăng nhập", "Họ và tên", "Vai trò", "Trạng thái")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        self.pin.setPlaceholderText("4–64 ký tự")
        self.add_button = primary_button("Thêm cán bộ")
        form = QFormLayout()
        form.addRow("Tên đăng nhập:", self.username)
        form.addRow("Họ và tên:", self.full_name)
        form.addRow("Vai trò:", self.role)
        form.addRow("Mã PIN:", self.pin)
        form.addRow("", self.add_button)
        add_box = QGroupBox("Thêm cán bộ")
        add_box.setLayout(form)

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
        body = QHBoxLayout()
        body.addWidget(officers_box, 3)
        body.addWidget(add_box, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(title("Quản trị máy tiếp nhận"))
        layout.addWidget(self.message)
        layout.addLayout(body, 1)
        layout.addLayout(tools)

        self.add_button.clicked.connect(self._add)
        self.unlock_button.clicked.connect(self._unlock)
        self.backup_button.clicked.connect(self.backup_requested)
        self.purge_button.clicked.connect(self.purge_requested)
        self.home_button.clicked.connect(self.home_requested)

    def set_officers(self, rows: Sequence[Any]) -> None:
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            state = "Đang hoạt động" if row.active else "Ngừng hoạt động"
            if row.locked_until:
                state = f"Tạm khóa đến {row.locked_until.astimezone(LOCAL_TZ):%H:%M %d/%m}"
            for column, text in enumerate((row.username, row.full_name, ROLE_LABELS.get(row.role, row.role), state)):
                self.table.setItem(index, column, QTableWidgetItem(text))

    def show_message(self, text: str | None) -> None:
        show_banner(self.message, text)

    def added(self, row: Any) -> None:
        self.username.clear()
        self.full_name.clear()
        self.pin.clear()
        self.show_message(f"Đã thêm {row.full_name} ({row.username}).")

    def _add(self) -> None:
        self.add_requested.emit(self.username.text(), self.full_name.text(), str(self.role.currentData()), self.pin.text())

    def _unlock(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.show_message("Hãy chọn một cán bộ trong danh sách.")
            return
        self.unlock_requested.emit(self.table.item(rows[0].row(), 0).text())
