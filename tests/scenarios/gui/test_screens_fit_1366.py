"""Issue 13's acceptance at 1366x768: no new screen scrolls sideways, and only long lists (and a paper's preview) scroll
up and down.

The real main window on a generated month of counter work (dossiers, hand-backs, ratings, a stop, notices) visits
the home screen with its work-list counts, each work list, a dossier's detail, the hand-back dialog, the rating
screen, the logbook and the report, the guidance, refusal and stop dialogs and the notice (paper) page; each is
checked as shown.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from conftest import start_main_window
from gui_thread_guard import seeding
from logbook_month import make_month
from scroll_bars import wrong_scroll_bars


def _seed(site_dir: Path):
    """The month, plus one dossier whose result is ready (the hand-back dialog's subject)."""
    from kiosk.dossier.handback import mark_result_ready
    from kiosk.security.officers import OfficerRef, add_officer
    from kiosk.storage.context import open_kiosk

    with seeding():
        ctx = open_kiosk(site_dir)
        try:
            with ctx.transaction() as session:
                officer = OfficerRef.of(add_officer(session, "lan", "Trần Thị Lan", "officer", "246813"))
            tally = make_month(ctx, officer)
            mark_result_ready(ctx, tally.codes[3], officer)
            return tally
        finally:
            ctx.close()


def _fits(qtbot, widget, where: str) -> None:
    qtbot.wait(30)  # the layout settles
    assert wrong_scroll_bars(widget) == [], where


def _dialog_fits(qtbot, dialog, where: str) -> None:
    qtbot.waitUntil(dialog.isVisible, timeout=10_000)
    assert dialog.width() <= 1366 and dialog.height() <= 768, where
    _fits(qtbot, dialog, where)
    dialog.reject()


def test_every_counter_screen_fits_1366x768(qtbot, site_dir: Path) -> None:
    from kiosk.dossier.worklists import WORKLISTS
    from ui.pages.notice_dialogs import GuidanceDialog

    tally = _seed(site_dir)
    window = start_main_window(qtbot, site_dir, officers=())
    window.resize(1366, 768)
    qtbot.keyClicks(window.login_page.username, "lan")
    qtbot.keyClicks(window.login_page.pin, "246813")
    qtbot.keyClick(window.login_page.pin, Qt.Key.Key_Return)
    home = window.home_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is home, timeout=10_000)
    qtbot.waitUntil(lambda: home.worklist_buttons["result_ready"].text().endswith(": 1"), timeout=10_000)
    _fits(qtbot, window, "home")

    page = window.list_page
    window.stack.setCurrentWidget(page)
    for key, label in WORKLISTS:
        page.model.set_rows([])
        page.show_worklist(key)
        qtbot.waitUntil(lambda: page.worklist.currentData() == key, timeout=5_000)
        qtbot.wait(200)  # the list is read on the worker
        _fits(qtbot, window, f"work list {label}")
    page.show_worklist(None)
    qtbot.waitUntil(lambda: page.model.rowCount() == len(tally.codes) + 1, timeout=10_000)  # and October's
    _fits(qtbot, window, "every dossier")

    page.show_detail(tally.codes[3])
    qtbot.waitUntil(lambda: page.detail_dialog is not None and page.detail_dialog.isVisible(), timeout=10_000)
    _dialog_fits(qtbot, page.detail_dialog, "dossier detail")
    page.open_hand_back(tally.codes[3])
    qtbot.waitUntil(lambda: page.hand_back_dialog is not None and page.hand_back_dialog.isVisible(), timeout=10_000)
    _dialog_fits(qtbot, page.hand_back_dialog, "hand-back")
    page._stop(tally.codes[4])
    _dialog_fits(qtbot, page.stop_dialog, "stop")

    window.rating.ask(tally.codes[3])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.rating.page, timeout=10_000)
    _fits(qtbot, window, "rating")
    qtbot.keyClick(window.rating.page, Qt.Key.Key_Escape)  # skipped: back to the officer
    qtbot.waitUntil(lambda: window.stack.currentWidget() is not window.rating.page, timeout=10_000)

    window._go_home()
    qtbot.keyClick(window.stack.currentWidget(), Qt.Key.Key_F9)
    books = window.books_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is books, timeout=5_000)
    books.set_period(min(tally.appointments.values()).replace(day=1), max(tally.appointments.values()))
    books.book = None
    books.refresh()
    qtbot.waitUntil(lambda: books.book is not None and bool(books.book.rows) and books.report_view.report is not None, timeout=10_000)
    books.tabs.setCurrentWidget(books.table)
    _fits(qtbot, window, "logbook")
    table = books.table  # its sideways bar is off by design: its columns must fill its width, not pass it
    assert sum(table.columnWidth(c) for c in range(table.columnCount())) <= table.viewport().width()
    books.tabs.setCurrentWidget(books.report_view)
    _fits(qtbot, window, "report")

    window._go_home()
    procedure = window.ctx.catalogue.latest()[0]
    guidance = GuidanceDialog(procedure, parent=window)
    guidance.open()
    _dialog_fits(qtbot, guidance, "guidance")
    window.notices.refuse()
    refusal = window.notices.dialog
    qtbot.waitUntil(refusal.isVisible, timeout=5_000)
    assert wrong_scroll_bars(refusal) == [], "refusal"
    qtbot.keyClicks(refusal.name_edit, "Dang Van Binh")
    qtbot.keyClicks(refusal.reason_edit, "Khong thuoc tham quyen")
    refusal.ok_button.click()
    notice = window.notices.page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is notice, timeout=10_000)
    qtbot.waitUntil(lambda: notice.preview.pixmap() is not None and not notice.preview.pixmap().isNull(), timeout=20_000)
    _fits(qtbot, window, "refusal paper")
    window.tasks.shutdown()
