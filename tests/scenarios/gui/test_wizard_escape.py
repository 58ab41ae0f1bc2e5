"""Esc steps back one page in the wizard (from the review to the checklist to the form); on the first page it asks
"Rời khỏi hồ sơ đang nhập?" and leaves only when told to, keeping the draft."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from conftest import log_in, type_text
from forms.samples import sample_values
from ui.window.main_window import MainWindow


def press(qtbot, wizard, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(wizard.focusWidget() or wizard, key, modifier)


def answer_question(button_text: str, seen: list[str]) -> None:
    """Click `button_text` on the question box once it is up (it is modal: this runs inside its loop)."""
    box = QApplication.activeModalWidget()
    if not isinstance(box, QMessageBox):
        QTimer.singleShot(20, lambda: answer_question(button_text, seen))
        return
    seen.append(box.text())
    next(b for b in box.buttons() if b.text() == button_text).click()


def test_escape_steps_back_and_asks_before_leaving(qtbot, window: MainWindow) -> None:
    log_in(qtbot, window)
    window.home_page.procedure_chosen.emit("1.004873")
    wizard = window.wizard_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is wizard, timeout=5_000)
    wizard.start(wizard.procedure, sample_values(wizard.procedure, seed=3, today=date.today()), 0, None)
    pages = len(wizard.wizard.screens)
    for _ in range(pages):
        press(qtbot, wizard, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wizard.tick_all_documents()
    press(qtbot, wizard, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert wizard.step == "review"

    press(qtbot, wizard, Qt.Key.Key_Escape)
    assert wizard.step == "documents"
    assert all(row.box.isChecked() for row in wizard.document_rows.values())  # the ticks survive the step back
    press(qtbot, wizard, Qt.Key.Key_Escape)
    assert wizard.step == "form" and wizard.wizard.screen_index == pages - 1
    for index in range(pages - 2, -1, -1):
        press(qtbot, wizard, Qt.Key.Key_Escape)
        assert wizard.wizard.screen_index == index
    assert wizard.step == "form" and wizard.wizard.screen_index == 0

    # On the first page: a typed change, then Esc asks; "Ở lại" keeps the officer where they were.
    first = next(row for row in wizard.rows.values() if row.field.type == "text" and row.widget.isVisibleTo(wizard))
    first.widget.input.setFocus()
    first.widget.input.selectAll()
    type_text(first.widget.input, "Nguyễn Văn Bình")
    seen: list[str] = []
    QTimer.singleShot(0, lambda: answer_question("Ở lại", seen))
    press(qtbot, wizard, Qt.Key.Key_Escape)
    assert seen == ['Rời khỏi hồ sơ đang nhập? Bản nháp đã được lưu; mở lại ở mục "Bản nháp" trên trang chủ.']
    assert window.stack.currentWidget() is wizard

    window.activateWindow()  # the window system gives the focus back when the box closes; offscreen, the test does
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None and wizard.isAncestorOf(QApplication.focusWidget()))
    QTimer.singleShot(0, lambda: answer_question("Rời khỏi", seen))
    press(qtbot, wizard, Qt.Key.Key_Escape)
    assert len(seen) == 2
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home_page, timeout=5_000)
    drafts = window.home_page.drafts
    qtbot.waitUntil(lambda: drafts.count() >= 1 and drafts.item(0).data(Qt.ItemDataRole.UserRole) is not None, timeout=5_000)
    assert "Xác nhận tình trạng hôn nhân" in drafts.item(0).text() or "hôn nhân" in drafts.item(0).text()


def test_escape_on_an_untouched_first_page_says_nothing_was_typed(qtbot, window: MainWindow) -> None:
    log_in(qtbot, window)
    window.home_page.procedure_chosen.emit("2.000815")
    wizard = window.wizard_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is wizard, timeout=5_000)
    seen: list[str] = []
    QTimer.singleShot(0, lambda: answer_question("Rời khỏi", seen))
    press(qtbot, wizard, Qt.Key.Key_Escape)
    assert seen == ["Rời khỏi hồ sơ đang nhập? Chưa có thông tin nào được nhập."]
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home_page, timeout=5_000)
