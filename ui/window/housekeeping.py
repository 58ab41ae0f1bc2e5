"""The housekeeping that runs by itself: the retention purge and the daily encrypted backup, soon after start and every few hours."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from ui.operations.admin import housekeeping

if TYPE_CHECKING:
    from ui.session import Session

INTERVAL_MS = 6 * 3600 * 1000
FIRST_RUN_MS = 30_000  # after start: the officer's first login is not slowed by a backup


class Housekeeping(QObject):
    failed = Signal(str)  # for the status bar

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.run)

    def start(self) -> None:
        self._timer.start()
        QTimer.singleShot(FIRST_RUN_MS, self.run)

    def run(self) -> None:
        ctx = self._session.ctx
        if ctx is None or ctx.settings.demo:  # a demo folder is thrown away, never backed up
            return
        self._session.run(housekeeping(ctx).failure(lambda message: self.failed.emit(f"Sao lưu/dọn dữ liệu: {message}")))
