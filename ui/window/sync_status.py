"""Status-bar indicator: online / offline / syncing, queued count, last successful sync, upload progress, "Đồng bộ ngay".

At the narrowest window (1366x768 at 125% scaling leaves 1093 px) the status bar cannot hold everything, so it gives
way in a fixed order: the state, the queue count, the last sync and the two buttons stay whole (fixed width); the
latest problem and the site line (`ElidedLabel`, also used by the main window) shorten with "…", their whole text
in the tooltip (the problem also in the queue view).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy, QWidget

from forms.timezone import VN_TZ, local_today

STATE_TEXT = {
    "disabled": ("#777777", "Chưa kết nối cổng"),  # short: it must fit a 1093 px window whole
    "offline": ("#b00020", "Mất kết nối cổng"),
    "online": ("#1b7f3b", "Đã kết nối cổng"),
    "refused": ("#b00020", "Cổng từ chối máy này"),
    "syncing": ("#0b4f8a", "Đang đồng bộ…"),
}


ERROR_WIDTH_PX = 420  # the problem never takes more of the bar than this
ELIDED_MIN_PX = 60  # a shortened label keeps at least this much (a word and "…")


class ElidedLabel(QLabel):
    """A one-line plain-text label that gives way: narrower than its text, it shows the start and "…".

    `text()` is what is shown; `full_text()` the whole, also its tooltip. The layout may shrink it down to
    `ELIDED_MIN_PX` (or its whole text, when shorter), so neighbours with a fixed width keep theirs.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def full_text(self) -> str:
        return self._full

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        self._full = text
        self.setToolTip(text)
        self.updateGeometry()
        self._show_elided()

    def _text_width(self) -> int:
        margins = self.contentsMargins()
        return self.fontMetrics().horizontalAdvance(self._full) + margins.left() + margins.right() + 2 * self.margin() + 2

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self._text_width(), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(min(ELIDED_MIN_PX, self._text_width()), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._show_elided()

    def _show_elided(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, self.contentsRect().width())
        if shown != super().text():
            super().setText(shown)


def last_sync_time(moment: datetime) -> str:
    """"09:41" today, "09:41 05/12" another day: the date only when it says something (room in the status bar)."""
    local = moment.astimezone(VN_TZ)
    return f"{local:%H:%M}" if local.date() == local_today() else f"{local:%H:%M %d/%m}"


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
        self.error_label = ElidedLabel()
        self.error_label.setMaximumWidth(ERROR_WIDTH_PX)
        self.error_label.setObjectName("syncError")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.hide()
        # The clock's skew against the portal after a pass, when over 15 minutes (docs/clock.md).
        self.clock_label = ElidedLabel()
        self.clock_label.setMaximumWidth(ERROR_WIDTH_PX)
        self.clock_label.setObjectName("syncClock")
        self.clock_label.setStyleSheet("color: #b00020;")
        self.clock_label.hide()
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
        for whole in (self.state_label, self.queue_label, self.last_label, self.queue_button, self.sync_button):
            whole.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.state_label, self.queue_label, self.last_label, self.error_label, self.clock_label, self.progress, self.queue_button, self.sync_button):
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
        self.last_label.setText(f"· Đồng bộ lần cuối: {last_sync_time(last)}" if last else "· Chưa đồng bộ lần nào")
        self.show_error(current_problem(status))
        skew = getattr(status, "clock_message", None)
        self.clock_label.setText(f"· ⏰ {skew}" if skew else "")
        self.clock_label.setVisible(bool(skew))

    def show_error(self, message: str | None) -> None:
        if not message:
            self.error_label.hide()
            self.error_label.setToolTip("")
            return
        self.error_label.setText(f"· ⚠ {message}")
        self.error_label.setToolTip(message)
        self.error_label.show()

    def set_progress(self, code: str, sent: int, total: int) -> None:
        if total <= 0:
            return
        self.progress.show()
        self.progress.setMaximum(total)
        self.progress.setValue(min(sent, total))
        self.progress.setToolTip(f"Đang gửi hồ sơ {code}")
