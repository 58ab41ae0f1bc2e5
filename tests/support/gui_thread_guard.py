"""Fails a GUI test when the application touches the database on the GUI thread while Qt dispatches events.

DESIGN.md: the GUI thread never waits for the disk. The guard listens to every SQL statement of every
engine. A statement on the main thread counts as the application's when Qt is dispatching an event to
our code: a frame of `ui/` (not `ui/admin`, the command line) or of a qtbot wait is on the stack. Test
set-up and test inspection that must run there go through `seeding` (a marked helper) so they are told
apart from the product.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Callable, Iterator
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

REPO = Path(__file__).resolve().parents[2]
UI = str(REPO / "ui") + "/"
UI_EXEMPT = (str(REPO / "ui" / "admin") + "/",)  # kiosk-admin: a command line, no event loop
QTBOT_WAITS = ("pytestqt",)

_state = threading.local()
violations: list[str] = []

F = TypeVar("F", bound=Callable[..., Any])


@contextlib.contextmanager
def seeding() -> Iterator[None]:
    """Database work of the test itself (set-up, inspection), allowed on the GUI thread."""
    depth = getattr(_state, "seeding", 0)
    _state.seeding = depth + 1
    try:
        yield
    finally:
        _state.seeding = depth


def seeds(function: F) -> F:
    """Mark a test helper as test set-up or inspection (see `seeding`)."""

    @wraps(function)
    def marked(*args: Any, **kwargs: Any) -> Any:
        with seeding():
            return function(*args, **kwargs)

    return marked  # type: ignore[return-value]


def _dispatched_to(frame: Any) -> str | None:
    """The first frame of our UI code or of a qtbot wait on the stack, if any."""
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(UI) and not filename.startswith(UI_EXEMPT):
            return f"{Path(filename).relative_to(REPO)}:{frame.f_lineno} ({frame.f_code.co_name})"
        if any(f"{part}" in filename for part in QTBOT_WAITS) and frame.f_code.co_name.startswith("wait"):
            return f"qtbot.{frame.f_code.co_name}"
        frame = frame.f_back
    return None


def _before_execute(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
    if threading.current_thread() is not threading.main_thread() or getattr(_state, "seeding", 0):
        return
    qtcore = sys.modules.get("PySide6.QtCore")
    if qtcore is None or qtcore.QCoreApplication.instance() is None:
        return
    where = _dispatched_to(sys._getframe(1))
    if where is not None:
        violations.append(f"database used on the GUI thread from {where}: {statement.split(None, 1)[0]} …")


def install() -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if not event.contains(Engine, "before_cursor_execute", _before_execute):
        event.listen(Engine, "before_cursor_execute", _before_execute)


def take() -> list[str]:
    found = list(violations)
    violations.clear()
    return found
