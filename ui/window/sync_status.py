"""Status-bar indicator: online / offline / syncing, queued count, last successful sync, upload progress, "Đồng bộ ngay"."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from forms.timezone import VN_TZ

STATE_TEXT = {
    "disabled": ("#777777", "Không đồng bộ (chưa kết nối cổng)"),
    "offline": ("#b00020", "Mất kết nối cổng"),
    "online": ("#1b7f3b", "Đã kết nối cổng"),
    "refused": ("#b00020", "Cổng từ chối máy này"),
    "syncing": ("#0b4f8a", "Đang đồng bộ…"),
}


ERROR_WIDTH_PX = 420


class SyncStatusWidget(QWidget):
    sync_now_requested = Signal()
    queue_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state_label = QLabel()
        self.state_label.setObjectName("syncState")
        self.queue_label = QLabel()
        self.queue_label.setObjectName("syncQueue")
        self.last_label = QLabel()
        # The latest problem stays in sight (the status-bar message fades); full text in the tooltip and the queue view.
        self.error_label = QLabel()
        self.error_label.setObjectName("syncError")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.hide()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.setFormat("%p%")
        self.progress.hide()
        self.queue_button = QPushButton("Hàng đợi gửi")
        self.queue_button.setObjectName("syncQueueButton")
        self.sync_button = QPushButton("Đồng bộ ngay")
        self.sync_button.setObjectName("syncNow")
        for button in (self.queue_button, self.sync_button):
            button.setMinimumHeight(28)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.state_label, self.queue_label, self.last_label, self.error_label, self.progress, self.queue_button, self.sync_button):
            layout.addWidget(widget)
        self.sync_button.clicked.connect(self.sync_now_requested)
        self.queue_button.clicked.connect(self.queue_requested)
        self.set_state("disabled")

    def follow(self, sync: Any) -> None:
        """Show what the sync controller reports; "Đồng bộ ngay" asks it for a forced pass."""
        sync.state_changed.connect(self.set_state)
        sync.status_changed.connect(self.set_status)
        sync.progress.connect(self.set_progress)
        self.sync_now_requested.connect(lambda: sync.trigger(force=True))

    def set_state(self, state: str) -> None:
        colour, text = STATE_TEXT.get(state, STATE_TEXT["offline"])
        self.state_label.setText(f"<span style='color:{colour}'>●</span> {text}")
        self.sync_button.setEnabled(state not in ("disabled", "syncing"))
        if state != "syncing":
            self.progress.hide()

    def set_status(self, status: Any) -> None:
        from sync.engine import current_problem  # loaded already: the status was read by it on a worker

        queued = int(getattr(status, "queued", 0) or 0)
        self.queue_label.setText(f"· Chờ gửi: {queued}")
        last = getattr(status, "last_success_at", None)
        self.last_label.setText(f"· Đồng bộ lần cuối: {last.astimezone(VN_TZ):%H:%M %d/%m}" if last else "· Chưa đồng bộ lần nào")
        self.show_error(current_problem(status))

    def show_error(self, message: str | None) -> None:
        if not message:
            self.error_label.hide()
            self.error_label.setToolTip("")
            return
        text = f"· ⚠ {message}"
        self.error_label.setText(QFontMetrics(self.error_label.font()).elidedText(text, Qt.TextElideMode.ElideRight, ERROR_WIDTH_PX))
        self.error_label.setToolTip(message)
        self.error_label.show()

    def set_progress(self, code: str, sent: int, total: int) -> None:
        if total <= 0:
            return
        self.progress.show()
        self.progress.setMaximum(total)
        self.progress.setValue(min(sent, total))
        self.progress.setToolTip(f"Đang gửi hồ sơ {code}")
