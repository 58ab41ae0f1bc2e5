"""Idle auto-lock: any key or mouse input restarts the countdown; when it runs out, the window locks."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

INPUT_EVENTS = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
    QEvent.Type.InputMethod,  # Vietnamese typed through Unikey/IBus arrives as input-method commits
}


class IdleLock(QObject):
    """Emits `timed_out` after `interval_ms` without user input, while armed (an officer is logged in)."""

    timed_out = Signal()

    def __init__(self, parent: QObject | None = None, minutes: int = 5) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.timed_out)
        self.set_minutes(minutes)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.set_interval_ms(max(1, int(minutes)) * 60_000)

    def set_interval_ms(self, milliseconds: int) -> None:
        self._timer.setInterval(milliseconds)
        if self._timer.isActive():
            self._timer.start()

    def arm(self) -> None:
        self._timer.start()

    def disarm(self) -> None:
        self._timer.stop()

    @property
    def armed(self) -> bool:
        return self._timer.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in INPUT_EVENTS and self._timer.isActive():
            self._timer.start()
        return False
