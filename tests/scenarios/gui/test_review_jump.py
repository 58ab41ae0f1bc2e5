"""The review has a "[Sửa]" beside each section, reached with Tab and followed with Enter: the wizard goes to that
page with every answer and every tick kept, and Ctrl+Enter walks back to the review."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from conftest import log_in
from forms.samples import sample_values
from ui.window.main_window import MainWindow


def test_review_jumps_back_to_a_section(qtbot, window: MainWindow) -> None:
    log_in(qtbot, window)
    window.resize(1366, 768)
    window.home_page.procedure_chosen.emit("1.004873")
    wizard = window.wizard_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is wizard, timeout=5_000)
    wizard.start(wizard.procedure, sample_values(wizard.procedure, seed=3, today=date.today()), 0, None)
    while wizard.step == "form":
        wizard.press_next()
    wizard.tick_all_documents()
    ticked = set(wizard.documents_received())
    wizard.press_next()
    assert wizard.step == "review"
    qtbot.wait(100)
    wizard.grab().save("/tmp/keys-shots/review-1366x768.png")
    sections = wizard.flow.review().sections
    assert wizard.review_text.text().count("[Sửa]") == len(sections) >= 2

    # Tab to the second "[Sửa]" in the review and press Enter: the second page.
    label = wizard.review_text
    label.setFocus()
    qtbot.keyClick(label, Qt.Key.Key_Tab)  # the first link
    qtbot.keyClick(label, Qt.Key.Key_Tab)  # the second
    qtbot.keyClick(label, Qt.Key.Key_Return)
    # The second section, "Cách thức nộp hồ sơ", asks one thing and shares the first screen: the cursor is on it.
    assert wizard.step == "form" and sections[1].page_id in {p.id for p in wizard.wizard.screen}
    assert wizard.progress.text().endswith(sections[0].title)
    first_field = next(p for p in wizard.procedure.pages if p.id == sections[1].page_id).fields[0].id
    assert wizard.rows[first_field].widget.isAncestorOf(QApplication.focusWidget())

    for _ in range(len(wizard.wizard.screens) + 2):
        if wizard.step == "review":
            break
        qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert not wizard.error.isVisible(), wizard.error.text()
    assert wizard.step == "review" and set(wizard.flow.received) == ticked  # nothing lost on the way
