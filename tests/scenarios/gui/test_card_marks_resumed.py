"""The ID card's marks survive a resumed draft: the officer scans a card into the submitter's block, leaves the
dossier ("Thoát (giữ bản nháp)"), and after a restart of the application opens it again from the home screen's
drafts: the card's fields are still yellow with the bar asking to compare them; ticked "Đã đối chiếu với thẻ",
saved and resumed after another restart, the marks are gone. No draft holds the QR's text or the old number."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from card_scan import MOTHER, PAYLOAD, FakeClock, scanner_types
from conftest import log_in, open_raw_db
from ui.window.main_window import MainWindow


def marked_fields(wizard) -> set[str]:
    """The fields of the page shown whose input carries the card's mark."""
    return {field_id for field_id, row in wizard.rows.items() if row.widget.input.property("fromCard") in (True, "retype")}


def leave_restart_and_resume(qtbot, window: MainWindow, site_dir) -> MainWindow:
    """"Thoát (giữ bản nháp)", the application closed and started again (nothing kept in memory), the officer logs
    in and presses Enter on the draft in the home screen's list: the new window, showing the draft."""
    qtbot.mouseClick(window.wizard_page.exit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home_page and not window.tasks.busy, timeout=10_000)
    window.close()
    window = MainWindow(site_dir)
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.login_page and window.ctx is not None, timeout=20_000)
    log_in(qtbot, window)
    wizard = window.wizard_page
    drafts = window.home_page.drafts
    qtbot.waitUntil(lambda: drafts.count() == 1 and drafts.item(0).data(Qt.ItemDataRole.UserRole) is not None, timeout=10_000)
    drafts.setFocus()
    drafts.setCurrentRow(0)
    qtbot.keyClick(drafts, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is wizard and wizard.wizard is not None, timeout=10_000)
    return window


def stored_drafts(site_dir) -> str:
    with open_raw_db(site_dir) as connection:
        return repr(connection.execute("SELECT \"values\" FROM dossier WHERE lifecycle = 'draft'").fetchall())


def test_card_marks_come_back_with_the_draft_until_checked(qtbot, window: MainWindow, site_dir) -> None:
    log_in(qtbot, window)
    window.home_page.procedure_chosen.emit("1.004873")
    wizard = window.wizard_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is wizard, timeout=5_000)
    intake = window.card_intake
    wizard.rows["submitter_name"].widget.input.setFocus()
    clock = FakeClock()
    intake.burst.clock = clock
    scanner_types(PAYLOAD, clock)
    intake.burst.clock = time.monotonic
    qtbot.waitUntil(lambda: intake.chooser is not None and intake.chooser.isVisible(), timeout=5_000)
    chooser = intake.chooser
    assert chooser.buttons[0].text().startswith("1. ")
    qtbot.keyClick(chooser.focusWidget(), "1")  # the submitter: the page shown
    qtbot.waitUntil(lambda: not chooser.isVisible(), timeout=2_000)
    marks = intake.marks
    filled = marked_fields(wizard)
    assert "submitter_name" in filled and len(filled) >= 3
    assert marks.isVisible() and marks.text.text().startswith("Điền từ thẻ — hãy đối chiếu")
    first_page = wizard.wizard.page.id

    second = leave_restart_and_resume(qtbot, window, site_dir)
    wizard, marks = second.wizard_page, second.card_intake.marks
    assert wizard.wizard.page.id == first_page
    assert marked_fields(wizard) == filled
    assert marks.isVisible() and marks.text.text().startswith("Điền từ thẻ — hãy đối chiếu")
    assert MOTHER.full_name in marks.text.text() and not marks.check.isChecked()
    assert marks.unchecked() == [wizard.wizard.page.title]  # what the review's bar lists
    saved = stored_drafts(site_dir)
    assert "card_marks" in saved and PAYLOAD not in saved and "|" not in saved and MOTHER.old_number not in saved
    wizard.grab().save("/tmp/card-marks-resumed.png")

    marks.check.setFocus()
    qtbot.keyClick(marks.check, Qt.Key.Key_Space)  # "Đã đối chiếu với thẻ"
    assert marked_fields(wizard) == set()
    qtbot.mouseClick(wizard.draft_button, Qt.MouseButton.LeftButton)  # "Lưu nháp"
    qtbot.waitUntil(lambda: wizard.saved_label.text() == "Bản nháp đã lưu tự động.", timeout=10_000)

    third = leave_restart_and_resume(qtbot, second, site_dir)
    wizard, marks = third.wizard_page, third.card_intake.marks
    assert marked_fields(wizard) == set()
    assert marks.unchecked() == [] and (not marks.isVisible() or marks.check.isChecked())
    assert not [w for w in wizard.findChildren(QWidget) if w.property("fromCard") in (True, "retype")]
    for opened in (second, third):
        opened.tasks.shutdown()
