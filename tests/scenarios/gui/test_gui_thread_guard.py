"""The test of the GUI-thread guard (tests/gui_thread_guard.py): a slot that queries the database while a
qtbot wait dispatches events is caught; the same query in a marked seeding helper is not."""

from __future__ import annotations

from sqlalchemy import text

import gui_thread_guard


def test_a_slot_using_the_database_during_a_qtbot_wait_is_caught(qtbot, qapp, ctx) -> None:
    from PySide6.QtCore import QTimer

    def slot() -> None:
        with ctx.read() as session:
            session.execute(text("SELECT 1"))

    @gui_thread_guard.seeds
    def seeding_slot() -> None:
        slot()

    QTimer.singleShot(0, slot)
    qtbot.wait(50)
    caught = gui_thread_guard.take()
    assert caught and "database used on the GUI thread from qtbot.wait" in caught[0]

    QTimer.singleShot(0, seeding_slot)
    qtbot.wait(50)
    assert gui_thread_guard.take() == []

    slot()  # the test's own code, outside any event dispatch: not the application's
    assert gui_thread_guard.take() == []
