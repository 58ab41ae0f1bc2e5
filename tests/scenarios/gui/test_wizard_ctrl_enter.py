"""Ctrl+Enter presses "Tiếp tục" on every page of every procedure: the form's pages, the documents checklist (whose
button reads "Xem lại") and the review (where it receives the dossier) — the key used to die at the first relabel."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from conftest import log_in
from forms.samples import sample_values
from ui.window.main_window import MainWindow


def ctrl_enter(qtbot, wizard) -> None:
    """The officer's chord, sent where the keyboard focus is (as a real key press reaches it)."""
    qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_ctrl_enter_walks_every_procedure_to_its_receipt(qtbot, window: MainWindow) -> None:
    log_in(qtbot, window)
    today = date.today()
    codes = sorted({p.code for p in window.ctx.catalogue.latest(today)})
    assert len(codes) == 7
    wizard = window.wizard_page
    for code in codes:
        window.home_page.procedure_chosen.emit(code)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is wizard, timeout=5_000)
        wizard.start(wizard.procedure, sample_values(wizard.procedure, seed=3, today=today), 0, None)
        pages = len(wizard.wizard.screens)
        for number in range(1, pages + 1):
            assert wizard.step == "form" and wizard.wizard.screen_index == number - 1, (code, number, wizard.error.text())
            assert wizard.next_button.text() == "Tiếp tục (Ctrl+Enter)"
            ctrl_enter(qtbot, wizard)
            assert not wizard.error.isVisible(), (code, number, wizard.error.text())
        assert wizard.step == "documents", code
        assert wizard.next_button.text() == "Xem lại (Ctrl+Enter)"
        wizard.tick_all_documents()
        ctrl_enter(qtbot, wizard)
        assert wizard.step == "review", (code, wizard.error.text())
        assert wizard.next_button.text() == "Tiếp nhận và in giấy hẹn (Ctrl+Enter)"
        if code == codes[0]:
            wizard.grab().save("/tmp/keys-shots/review-default-size.png")
        ctrl_enter(qtbot, wizard)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.receipt_page, timeout=20_000)
        window.receipt_page.home_requested.emit()
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home_page, timeout=5_000)
