"""Runs the sync engine in the background on the network worker: by itself every little while, or at once on "Đồng bộ ngay"."""

from __future__ import annotations

import logging
import random
import time
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from sync.schedule import Reconnect, Step
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
        self._plan = Reconnect(AUTO_INTERVAL_MS / 1000, INTERVAL_JITTER, self._rng)
        self._stopped = False
        self._next = "pass"  # what the timer starts: "pass", or "probe" after a network cut (sync/schedule.py)
        self._probe_started = 0.0
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
        self._plan.interval_s = milliseconds / 1000
        if self._timer.isActive() and self._next == "pass":
            self._arm()

    def next_wait_ms(self) -> int:
        """The next wait before looking for the portal: the interval, jittered so kiosks drift apart."""
        return max(1, round(self._plan.ordinary(0.0).at * 1000))

    def _arm(self) -> None:
        self._schedule(self._plan.ordinary(0.0))

    def _schedule(self, step: Step) -> None:
        self._next = step.action
        self._timer.start(max(1, round(step.at * 1000)))

    def _tick(self) -> None:
        if self._next == "probe":  # the network was cut: a health check every 2–3 s, a pass soon after an answer
            self._probe_started = time.monotonic()
            sync_ops.health_probe(self._ctx).success(self._probed).failure(lambda _m: self._probed(False)).run_in_background(self._tasks)
            return
        self._arm()
        self.trigger(force=False)

    def _probed(self, answered: bool) -> None:
        if not self._stopped and self.state != "disabled" and self._next == "probe" and not self._running:
            self._schedule(self._plan.after_probe(bool(answered), 0.0, took=time.monotonic() - self._probe_started))

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
            if not self._stopped and self.state != "disabled":
                if getattr(outcome.report, "network_failure", False):
                    self._schedule(self._plan.probe(0.0))
                elif self._next == "probe" or not self._timer.isActive():
                    self._arm()  # back from a cut: the ordinary interval again
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
        self._stopped = True
        self._timer.stop()
        return self._tasks.wait_network(timeout_ms)
