"""The one place the UI crosses into the core: work runs on a single database worker, results come back by signal."""

from __future__ import annotations

import logging
import uuid
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

from kiosk.errors import KioskError

log = logging.getLogger(__name__)

Callback = Callable[[Any], None]


class _Delivery(QObject):
    """Lives on the GUI thread; the worker emits, the queued connection delivers on the GUI thread."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, bridge: "Bridge", on_done: Callback | None, on_error: Callable[[str], None] | None) -> None:
        super().__init__()
        self._bridge = bridge
        self._state = bridge._state  # plain Python: still readable after the bridge's window is gone
        self._on_done = on_done
        self._on_error = on_error
        self.done.connect(self._deliver_done, Qt.ConnectionType.QueuedConnection)
        self.failed.connect(self._deliver_failed, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _deliver_done(self, result: Any) -> None:
        if self._state["closed"]:  # the window shut down: nobody is left to show the result to
            self.deleteLater()
            return
        try:
            if self._on_done is not None:
                self._on_done(result)
        finally:
            self._bridge._finished(self)

    @Slot(object)
    def _deliver_failed(self, exc: BaseException) -> None:
        if self._state["closed"]:
            if not isinstance(exc, KioskError):
                log.error("unexpected error after shutdown", exc_info=exc)
            self.deleteLater()
            return
        try:
            message = user_message(exc)
            if self._on_error is not None:
                self._on_error(message)
            else:
                self._bridge.error.emit(message)
        finally:
            self._bridge._finished(self)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], delivery: _Delivery) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._delivery = delivery

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI thread as a value
            self._delivery.failed.emit(exc)
        else:
            self._delivery.done.emit(result)


def user_message(exc: BaseException) -> str:
    """Known errors carry their Vietnamese message; bugs are logged and shown as an apology with a reference."""
    if isinstance(exc, KioskError):
        return exc.message
    reference = uuid.uuid4().hex[:8]
    log.error("unexpected error (ref %s)", reference, exc_info=exc)
    return f"Đã xảy ra lỗi không mong muốn (mã tham chiếu {reference}). Dữ liệu đã nhập không bị mất; vui lòng thử lại hoặc báo quản trị viên."


class Bridge(QObject):
    """Serialises database and disk work on one worker thread so the GUI thread never waits on them."""

    busy_changed = Signal(bool)
    error = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pending: set[_Delivery] = set()
        self._state = {"closed": False}

    def run(self, fn: Callable[[], Any], on_done: Callback | None = None, on_error: Callable[[str], None] | None = None) -> None:
        delivery = _Delivery(self, on_done, on_error)
        self._pending.add(delivery)
        if len(self._pending) == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Task(fn, delivery))

    def _finished(self, delivery: _Delivery) -> None:
        self._pending.discard(delivery)
        delivery.deleteLater()
        if not self._pending:
            self.busy_changed.emit(False)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Wait for queued work (a draft save, a submit) before the application exits; later results are dropped."""
        finished = self._pool.waitForDone(timeout_ms)
        self._state["closed"] = True
        return finished
