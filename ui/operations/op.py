"""`Op`: one officer action's background work, and what the GUI thread does when it succeeds or fails."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Generic, TypeVar

if TYPE_CHECKING:
    from ui.tasks import TaskManager

T = TypeVar("T")


class Op(Generic[T]):
    """Background work returning T, run on the database worker (default) or the network worker.

    Without a failure callback, the failure's message goes to the task helper's `error` signal (the status bar).
    With `reports_progress`, the work is called with a function that reports progress events to `.on_progress()`.
    """

    def __init__(self, work: Callable[..., T], *, network: bool = False, reports_progress: bool = False) -> None:
        self._work = work
        self._network = network
        self._reports_progress = reports_progress
        self._on_success: Callable[[T], Any] | None = None
        self._on_failure: Callable[[str], Any] | None = None
        self._on_progress: Callable[[Any], Any] | None = None

    def success(self, callback: Callable[[T], Any]) -> Op[T]:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[str], Any]) -> Op[T]:
        self._on_failure = callback
        return self

    def on_progress(self, callback: Callable[[Any], Any]) -> Op[T]:
        self._on_progress = callback
        return self

    def run_in_background(self, tasks: TaskManager) -> None:
        if self._network:
            progress = (self._on_progress or _ignore) if self._reports_progress else None
            tasks.run_network(self._work, self._on_success, self._on_failure, progress)
        else:
            tasks.run_db(self._work, self._on_success, self._on_failure)


def _ignore(_event: Any) -> None:
    return None
