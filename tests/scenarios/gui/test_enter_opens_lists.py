"""Enter opens the selected dossier in every list an officer walks by keyboard: the home screen's drafts and recent
dossiers, the dossier list, and the sending queue (which opens it in the dossier list, detail and all)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from conftest import log_in, walk_sample_dossier
from forms.samples import sample_values
from ui.window.main_window import MainWindow


def submit_one(qtbot, window: MainWindow, code: str) -> None:
    walk_sample_dossier(qtbot, window, code)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.receipt_page, timeout=20_000)


def enter_on(qtbot, view) -> None:
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return)


def test_enter_opens_drafts_recent_list_and_queue(qtbot, window: MainWindow) -> None:
    log_in(qtbot, window)
    submit_one(qtbot, window, "1.004873")
    window.receipt_page.home_requested.emit()
    home = window.home_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is home and home.recent.count() == 1, timeout=10_000)
    code = home.recent.item(0).data(Qt.ItemDataRole.UserRole)

    # A draft: a few answers, then "Thoát (giữ bản nháp)".
    wizard = window.wizard_page
    home.procedure_chosen.emit("2.000815")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is wizard, timeout=5_000)
    wizard.start(wizard.procedure, sample_values(wizard.procedure, seed=4, today=date.today()), 0, None)
    wizard._mark_dirty()
    qtbot.mouseClick(wizard.exit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is home and home.drafts.item(0).data(Qt.ItemDataRole.UserRole) is not None,
                    timeout=10_000)

    # Drafts: Enter resumes the selected one.
    home.drafts.setCurrentRow(0)
    enter_on(qtbot, home.drafts)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is wizard and wizard.procedure.code == "2.000815", timeout=10_000)
    qtbot.mouseClick(wizard.exit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is home, timeout=5_000)

    # Recent dossiers: Enter opens its receipt.
    home.recent.setCurrentRow(0)
    enter_on(qtbot, home.recent)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.receipt_page, timeout=10_000)
    window.receipt_page.home_requested.emit()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is home, timeout=5_000)

    # The dossier list: Enter opens the selected dossier's detail.
    qtbot.keyClick(home, Qt.Key.Key_F3)
    listing = window.list_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is listing and listing.model.rowCount() == 1, timeout=10_000)
    enter_on(qtbot, listing.table)
    qtbot.waitUntil(lambda: window.detail_dialog is not None and window.detail_dialog.isVisible(), timeout=10_000)
    assert window.detail_dialog.windowTitle() == f"Hồ sơ {code}"
    window.detail_dialog.close()
    listing.detail_dialog = None
    listing.home_requested.emit()

    # The queue: Enter opens the dossier in the dossier list, with its detail.
    window._open_queue()
    queue = window.queue_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is queue and queue.table.rowCount() >= 1, timeout=10_000)
    assert queue.table.item(0, 0).text() == code
    enter_on(qtbot, queue.table)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is listing and window.detail_dialog is not None
                    and window.detail_dialog.isVisible(), timeout=10_000)
    assert listing.search.text() == code and window.detail_dialog.windowTitle() == f"Hồ sơ {code}"
