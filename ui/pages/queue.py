"""Queue view: each dossier waiting for the portal, its sync state and last error in plain Vietnamese."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from forms.timezone import VN_TZ
from kiosk.dossier.search import SYNC_LABELS
from ui.operations.sync import queue
from ui.pages.widgets import banner, primary_button, show_banner, title

if TYPE_CHECKING:
    from ui.session import Session


class QueuePage(QWidget):
    sync_now_requested = Signal()
    home_requested = Signal()
    dossier_chosen = Signal(str)  # Enter or a double click on a row: its dossier code

    HEADERS = ("Mã hồ sơ", "Lần", "Trạng thái gửi", "Số lần thử", "Thử lại lúc", "Lỗi gần nhất")

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.message = banner("banner")
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setObjectName("queueTable")
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.activated.connect(lambda index: self._choose(index.row()))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.sync_button = primary_button("Đồng bộ ngay")
        self.refresh_button = QPushButton("Làm mới")
        self.home_button = QPushButton("Về trang chủ")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.home_button)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.sync_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title("Hàng đợi gửi lên cổng dịch vụ công"))
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.sync_button.clicked.connect(self.sync_now_requested)
        self.refresh_button.clicked.connect(self.refresh)
        self.home_button.clicked.connect(self.home_requested)

    def refresh(self) -> None:
        """Read the queue and the latest problem of a whole pass."""
        self._session.run(queue(self._session.context).success(lambda result: self.set_entries(*result)).failure(self.show_message))

    def set_entries(self, entries: Sequence[Any], problem: str | None = None) -> None:
        """The rows, and above them the latest problem of a whole pass (unreachable portal, 401, …) if any."""
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            next_at = getattr(entry, "next_attempt_at", None)
            cells = (
                str(getattr(entry, "code", "") or ""),
                str(getattr(entry, "revision", "") or ""),
                SYNC_LABELS.get(getattr(entry, "state", ""), getattr(entry, "state", "")),
                str(getattr(entry, "attempts", 0)),
                next_at.astimezone(VN_TZ).strftime("%H:%M %d/%m") if next_at else "",
                str(getattr(entry, "last_error", "") or ""),
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        show_banner(self.message, problem or (None if entries else "Không có hồ sơ nào đang chờ gửi."))
        if entries:
            self.table.selectRow(0)  # Enter opens the first at once

    def _choose(self, row: int) -> None:
        item = self.table.item(row, 0)
        if item is not None and item.text():
            self.dossier_chosen.emit(item.text())

    def show_message(self, text: str | None) -> None:
        show_banner(self.message, text)
