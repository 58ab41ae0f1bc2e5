"""Runs the sync engine in the background on its own network thread: by itself every little while, or at once on "Đồng bộ ngay"."""

from __future__ import annotations

import logging
import random
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot

from ui.bridge import user_message

log = logging.getLogger(__name__)

AUTO_INTERVAL_MS = 20_000  # how often, on average, the kiosk looks for the portal and sends what is due
# Each wait is drawn from [0.5, 1.5] × the interval. With a fixed period, kiosks that lost the network together
# (a province-wide outage) kept looking together and hit the portal as one herd every 20 s when it came back;
# the engine's full-jitter back-off only applies once a request got an answer (bench/ingest.py found this).
INTERVAL_JITTER = 0.5


def state_after(report: Any) -> str:
    """The indicator's state after a pass: the portal refusing this kiosk is not "online"."""
    if not getattr(report, "reachable", False):
        return "offline"
    return "refused" if getattr(report, "refused", False) else "online"


class _Signals(QObject):
    progress = Signal(str, int, int)
    done = Signal(object)
    failed = Signal(object)


class _Pass(QRunnable):
    def __init__(self, work: Callable[[Callable[[Any], None]], Any], signals: _Signals) -> None:
        super().__init__()
        self._work = work
        self._signals = signals

    def run(self) -> None:
        def progress(event: Any) -> None:
            self._signals.progress.emit(str(getattr(event, "code", "")), int(getattr(event, "sent", 0)), int(getattr(event, "total", 0)))

        try:
            result = self._work(progress)
        except BaseException as exc:  # noqa: BLE001 - returned to the GUI thread as a value
            outcome, value = self._signals.failed, exc
        else:
            outcome, value = self._signals.done, result
        try:
            outcome.emit(value)
        except RuntimeError:  # the window closed while the pass ran: its state is already in the database
            log.info("sync pass finished after the window closed")


class SyncController(QObject):
    """One sync pass at a time, never on the GUI thread; the officer keeps working meanwhile."""

    state_changed = Signal(str)  # "disabled" | "offline" | "online" | "refused" | "syncing"
    status_changed = Signal(object)  # sync.engine status for the status bar
    progress = Signal(str, int, int)  # dossier code, bytes sent, bytes total
    pass_finished = Signal(object)  # the SyncReport, or an error message (str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._interval_ms = AUTO_INTERVAL_MS
        self._rng = random.Random()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._tick)
        self._ctx: Any = None
        self._running = False
        self._again: bool | None = None  # a request that arrived during a pass (True = forced)
        self._signals = _Signals()
        self._signals.progress.connect(self.progress, Qt.ConnectionType.QueuedConnection)
        self._signals.done.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        self._signals.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        self.state = "disabled"

    @property
    def running(self) -> bool:
        return self._running

    def set_interval(self, milliseconds: int) -> None:
        """How often, on average, the kiosk looks for the portal by itself (tests shorten it)."""
        self._interval_ms = milliseconds
        if self._timer.isActive():
            self._arm()

    def next_wait_ms(self) -> int:
        """The next wait before looking for the portal: the interval, jittered so kiosks drift apart."""
        return max(1, round(self._interval_ms * self._rng.uniform(1 - INTERVAL_JITTER, 1 + INTERVAL_JITTER)))

    def _arm(self) -> None:
        self._timer.start(self.next_wait_ms())

    def _tick(self) -> None:
        self._arm()
        self.trigger(force=False)

    def start(self, ctx: Any) -> None:
        """Begin automatic sync for an enrolled, non-demo site; a demo or unconfigured site stays disabled."""
        self._ctx = ctx
        if ctx.settings.demo or not ctx.settings.portal_url:
            self._set_state("disabled")
            return
        self._set_state("offline")
        self._arm()
        QTimer.singleShot(500, lambda: self.trigger(force=False))

    def trigger(self, *, force: bool) -> None:
        if self._ctx is None or self.state == "disabled":
            return
        if self._running:
            self._again = bool(self._again) or force
            return
        self._running = True
        self._set_state("syncing")
        ctx = self._ctx

        def work(progress: Callable[[Any], None]) -> Any:
            from sync.engine import SyncEngine

            return SyncEngine(ctx).run_once(force=force, progress=progress)

        self._pool.start(_Pass(work, self._signals))

    @Slot(object)
    def _finished(self, report: Any) -> None:
        self._running = False
        self._set_state(state_after(report))
        self.pass_finished.emit(report)
        self.refresh_status()
        self._run_again()

    @Slot(object)
    def _failed(self, exc: BaseException) -> None:
        self._running = False
        self._set_state("offline")
        self.pass_finished.emit(user_message(exc))
        self.refresh_status()
        self._run_again()

    def _run_again(self) -> None:
        if self._again is not None:
            force, self._again = self._again, None
            self.trigger(force=force)

    def refresh_status(self) -> None:
        ctx = self._ctx
        if ctx is None:
            return
        try:
            from sync.engine import status

            self.status_changed.emit(status(ctx))
        except Exception as exc:  # noqa: BLE001 - a status read must never break the window
            log.warning("sync status unavailable: %s", exc)

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def run_network(self, work: Callable[[], Any], on_done: Callable[[Any], None], on_error: Callable[[str], None]) -> None:
        """One-off network work (enrolment) on the sync thread, so it never overlaps a pass; results on the GUI thread."""
        signals = _Signals(self)
        signals.done.connect(on_done, Qt.ConnectionType.QueuedConnection)
        signals.failed.connect(lambda exc: on_error(user_message(exc)), Qt.ConnectionType.QueuedConnection)
        self._one_offs = getattr(self, "_one_offs", set())
        self._one_offs.add(signals)
        signals.done.connect(lambda _r: self._one_offs.discard(signals))
        signals.failed.connect(lambda _e: self._one_offs.discard(signals))
        self._pool.start(_Pass(lambda _progress: work(), signals))

    def shutdown(self, timeout_ms: int = 5_000) -> bool:
        self._timer.stop()
        return self._pool.waitForDone(timeout_ms)
