"""The one background-task helper: a database worker and a network worker; results come back to the GUI thread by signal.

As Anki's taskman: all database and disk work (and printing) runs on one worker thread, so writes are
serialised and the GUI thread never waits on them; sync passes and enrolment run on a second worker, one
at a time, so a slow portal never holds up a draft save. Each task's result or failure is emitted from the
worker and delivered on the GUI thread through a queued signal; failures arrive as the Vietnamese message
the officer reads (`user_message`). The operations in `ui.operations` are the only callers besides the
sync controller.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

from kiosk.errors import KioskError

log = logging.getLogger(__name__)

Callback = Callable[[Any], None]
ErrorCallback = Callable[[str], None]
DB, NETWORK = "db", "network"


def user_message(exc: BaseException) -> str:
    """Known errors carry their Vietnamese message; bugs are logged and shown as an apology with a reference."""
    if isinstance(exc, KioskError):
        return exc.message
    reference = uuid.uuid4().hex[:8]
    log.error("unexpected error (ref %s)", reference, exc_info=exc)
    return f"Đã xảy ra lỗi không mong muốn (mã tham chiếu {reference}). Dữ liệu đã nhập không bị mất; vui lòng thử lại hoặc báo quản trị viên."


class _Delivery(QObject):
    """Lives on the GUI thread; the worker emits, the queued connection delivers on the GUI thread."""

    done = Signal(object)
    failed = Signal(object)
    progress = Signal(object)

    def __init__(self, tasks: TaskManager, worker: str, on_done: Callback | None, on_error: ErrorCallback | None,
                 on_progress: Callback | None) -> None:
        super().__init__()
        self._tasks = tasks
        self._worker = worker
        self._state = tasks._state  # plain Python: still readable after the helper's window is gone
        self._on_done = on_done
        self._on_error = on_error
        self._on_progress = on_progress
        self.done.connect(self._deliver_done, Qt.ConnectionType.QueuedConnection)
        self.failed.connect(self._deliver_failed, Qt.ConnectionType.QueuedConnection)
        self.progress.connect(self._deliver_progress, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _deliver_done(self, result: Any) -> None:
        if self._state["closed"]:  # the window shut down: nobody is left to show the result to
            self.deleteLater()
            return
        try:
            if self._on_done is not None:
                self._on_done(result)
        finally:
            self._tasks._finished(self._worker, self)

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
                self._tasks.error.emit(message)
        finally:
            self._tasks._finished(self._worker, self)

    @Slot(object)
    def _deliver_progress(self, event: Any) -> None:
        if not self._state["closed"] and self._on_progress is not None:
            self._on_progress(event)


class _Task(QRunnable):
    def __init__(self, fn: Callable[..., Any], delivery: _Delivery, with_progress: bool) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._delivery = delivery
        self._with_progress = with_progress

    def run(self) -> None:
        try:
            result = self._fn(self._delivery.progress.emit) if self._with_progress else self._fn()
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI thread as a value
            outcome, value = self._delivery.failed, exc
        else:
            outcome, value = self._delivery.done, result
        try:
            outcome.emit(value)
        except RuntimeError:  # the window was destroyed while the task ran: what it wrote is in the database
            log.info("a background task finished after the window closed")


class TaskManager(QObject):
    """Runs work off the GUI thread: `run_db` on the one database worker, `run_network` on the one network worker."""

    busy_changed = Signal(bool)  # database work pending (the status bar's "Đang lưu/xử lý…")
    error = Signal(str)  # a failure nobody asked to handle: the status bar shows it

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pools: dict[str, QThreadPool] = {}
        for worker in (DB, NETWORK):
            pool = QThreadPool(self)
            pool.setMaxThreadCount(1)  # one database writer; one portal conversation at a time
            self._pools[worker] = pool
        self._pending: dict[str, set[_Delivery]] = {DB: set(), NETWORK: set()}
        self._state = {"closed": False}

    def run_db(self, fn: Callable[[], Any], on_done: Callback | None = None, on_error: ErrorCallback | None = None) -> None:
        """Database, disk and printing work, in the order asked (writes never overlap)."""
        self._start(DB, fn, on_done, on_error, None)

    def run_network(self, fn: Callable[..., Any], on_done: Callback | None = None, on_error: ErrorCallback | None = None,
                    on_progress: Callback | None = None) -> None:
        """Work that talks to the portal; with `on_progress`, `fn` is called with a function reporting progress events."""
        self._start(NETWORK, fn, on_done, on_error, on_progress)

    def _start(self, worker: str, fn: Callable[..., Any], on_done: Callback | None, on_error: ErrorCallback | None,
               on_progress: Callback | None) -> None:
        delivery = _Delivery(self, worker, on_done, on_error, on_progress)
        pending = self._pending[worker]
        pending.add(delivery)
        if worker == DB and len(pending) == 1:
            self.busy_changed.emit(True)
        self._pools[worker].start(_Task(fn, delivery, on_progress is not None))

    def _finished(self, worker: str, delivery: _Delivery) -> None:
        pending = self._pending[worker]
        pending.discard(delivery)
        delivery.deleteLater()
        if worker == DB and not pending:
            self.busy_changed.emit(False)

    @property
    def busy(self) -> bool:
        """Database work is queued or running."""
        return bool(self._pending[DB])

    def wait_network(self, timeout_ms: int = 5_000) -> bool:
        """Wait for the network worker's current task (the window is closing); False if it is still running."""
        return self._pools[NETWORK].waitForDone(timeout_ms)

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Wait for queued database work (a draft save, a submit) before the application exits; later results are dropped."""
        finished = self._pools[DB].waitForDone(timeout_ms)
        self._state["closed"] = True
        return finished
