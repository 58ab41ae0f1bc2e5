"""Runs the sync engine in the background on the network worker: by itself every little while, or at once on "Đồng bộ ngay"."""

from __future__ import annotations

import logging
import random
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from ui.operations import sync as sync_ops
from ui.tasks import TaskManager, user_message

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


class SyncController(QObject):
    """One sync pass at a time, never on the GUI thread; the officer keeps working meanwhile."""

    state_changed = Signal(str)  # "disabled" | "offline" | "online" | "refused" | "syncing"
    status_changed = Signal(object)  # sync.engine status for the status bar
    progress = Signal(str, int, int)  # dossier code, bytes sent, bytes total
    pass_finished = Signal(object)  # the SyncReport, or an error message (str)

    def __init__(self, tasks: TaskManager | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks if tasks is not None else TaskManager(self)
        self._interval_ms = AUTO_INTERVAL_MS
        self._rng = random.Random()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._tick)
        self._ctx: Any = None
        self._running = False
        self._again: bool | None = None  # a request that arrived during a pass (True = forced)
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
        QTimer.singleShot(500, self, lambda: self.trigger(force=False))  # dropped if the window is gone first

    def trigger(self, *, force: bool) -> None:
        if self._ctx is None or self.state == "disabled":
            return
        if self._running:
            self._again = bool(self._again) or force
            return
        self._running = True
        self._set_state("syncing")
        (
            sync_ops.sync_pass(self._ctx, force=force)
            .success(self._finished)
            .failure(lambda message: self._finished(sync_ops.PassOutcome(None, None, None), message))
            .on_progress(self._progress)
            .run_in_background(self._tasks)
        )

    def _progress(self, event: Any) -> None:
        self.progress.emit(str(getattr(event, "code", "")), int(getattr(event, "sent", 0)), int(getattr(event, "total", 0)))

    def _finished(self, outcome: sync_ops.PassOutcome, message: str | None = None) -> None:
        self._running = False
        if outcome.error is not None:
            message = user_message(outcome.error)
        if message is not None:  # the pass itself broke: the indicator says offline, the status bar the apology
            self._set_state("offline")
            self.pass_finished.emit(message)
        else:
            from sync.engine import adopt_report

            adopt_report(self._ctx, outcome.report)  # what the pass changed (catalogue, settings), adopted on the GUI thread
            self._set_state(state_after(outcome.report))
            self.pass_finished.emit(outcome.report)
        if outcome.status is not None:
            self.status_changed.emit(outcome.status)
        if self._again is not None:
            force, self._again = self._again, None
            self.trigger(force=force)

    def refresh_status(self) -> None:
        """Read the status bar's figures on the database worker (after a dossier was queued, at start)."""
        if self._ctx is not None:
            sync_ops.sync_status(self._ctx).success(self._status_read).run_in_background(self._tasks)

    def _status_read(self, status: Any) -> None:
        if status is not None:
            self.status_changed.emit(status)

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def shutdown(self, timeout_ms: int = 5_000) -> bool:
        self._timer.stop()
        return self._tasks.wait_network(timeout_ms)
