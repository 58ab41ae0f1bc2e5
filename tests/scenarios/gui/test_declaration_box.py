"""The declaration ("cam đoan") is a check box: unticked, "Tiếp tục" stays on the page with the definition's message;
ticked with Space, it moves on; the review shows "Có"."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox

from conftest import log_in
from forms.samples import sample_values
from ui.window.main_window import MainWindow


def test_the_declaration_blocks_until_ticked(qtbot, window: MainWindow) -> None:
    log_in(qtbot, window)
    window.home_page.procedure_chosen.emit("1.004873")
    wizard = window.wizard_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is wizard, timeout=5_000)
    values = sample_values(wizard.procedure, seed=3, today=date.today())
    del values["sworn_statement"]
    wizard.start(wizard.procedure, values, 0, None)
    while "sworn_statement" not in wizard.rows:
        wizard.press_next()
        assert wizard.step == "form" and not wizard.error.isVisible(), wizard.error.text()
    box = wizard.rows["sworn_statement"].widget.input
    assert isinstance(box, QCheckBox) and not box.isChecked()
    page = wizard.wizard.index
    window.resize(1366, 768)
    qtbot.keyClick(box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert wizard.wizard.index == page and wizard.error.isVisible()
    assert wizard.rows["sworn_statement"].error.text() == "Người yêu cầu phải cam đoan nội dung khai là đúng sự thật."
    wizard.grab().save("/tmp/keys-shots/declaration-unticked.png")

    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert box.isChecked() and wizard.wizard.values["sworn_statement"] is True
    qtbot.keyClick(box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert wizard.step != "form" or wizard.wizard.index > page, wizard.error.text()
