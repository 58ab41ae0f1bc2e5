"""The officer's working session, shared by the window and its pages: the task helper, the open data folder, who is logged in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.security.officers import OfficerRef
    from kiosk.storage.context import KioskContext
    from ui.operations.op import Op
    from ui.tasks import TaskManager


class Session:
    """What a page needs to run an operation besides its own fields; the window sets `ctx` and `officer`."""

    def __init__(self, tasks: TaskManager) -> None:
        self.tasks = tasks
        self.ctx: KioskContext | None = None  # set once the data folder is open
        self.officer: OfficerRef | None = None  # None at the login screen (and after an idle lock)

    @property
    def context(self) -> KioskContext:
        assert self.ctx is not None, "the data folder is opened before any page that needs it"
        return self.ctx

    @property
    def actor(self) -> str:
        """Who the audit trail names for what is done now."""
        return self.officer.username if self.officer is not None else "unknown"

    def run(self, op: Op[Any]) -> None:
        op.run_in_background(self.tasks)
