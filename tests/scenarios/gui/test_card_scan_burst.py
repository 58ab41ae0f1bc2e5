"""A keyboard-mode scanner types a mother's ID card into a field of the birth registration, in the real window:
the field keeps what the officer had typed, the chooser picks the mother by key, her block fills and stays marked
until "Đã đối chiếu với thẻ" is ticked, the ID-card checklist item is ticked, and no draft holds the QR's text."""

from __future__ import annotations

import time
from datetime import date

from PySide6.QtCore import Qt

from card_scan import MOTHER, MOTHER_FIELDS, PAYLOAD, FakeClock, scanner_types
from conftest import log_in, type_text
from forms.samples import sample_values
from ui.window.main_window import MainWindow


def _open_birth_registration(qtbot, win: MainWindow):
    win.home_page.procedure_chosen.emit("1.001193")
    wizard = win.wizard_page
    qtbot.waitUntil(lambda: win.stack.currentWidget() is wizard, timeout=5_000)
    return wizard


def _drafts(site_dir):
    from gui_thread_guard import seeding
    from kiosk.dossier.drafts import list_drafts
    from kiosk.storage.context import open_kiosk

    with seeding():
        ctx = open_kiosk(site_dir)
        try:
            return list_drafts(ctx)
        finally:
            ctx.close()


def test_a_scanner_burst_fills_the_mother_and_marks_it_until_checked(qtbot, window: MainWindow, site_dir) -> None:
    log_in(qtbot, window)
    wizard = _open_birth_registration(qtbot, window)
    intake = window.card_intake
    name = wizard.rows["submitter_name"].widget
    name.input.setFocus()
    type_text(name.input, "Trần Văn An")
    assert name.value() == "Trần Văn An"

    clock = FakeClock()
    intake.burst.clock = clock
    scanner_types(PAYLOAD, clock)
    intake.burst.clock = time.monotonic  # the officer's own keys from here on
    qtbot.waitUntil(lambda: intake.chooser is not None and intake.chooser.isVisible(), timeout=5_000)
    chooser = intake.chooser
    assert name.value() == "Trần Văn An"  # the burst landed here; the field kept what the officer typed
    assert chooser.banner.text() == "Đã đọc thẻ căn cước của Nguyễn Thị Mai (số 025192621429)."
    labels = [b.text() for b in chooser.buttons]
    assert labels[0] == "1. Người nộp hồ sơ" and chooser.buttons[0].isDefault()  # the page with focus
    mother_key = next(i for i, label in enumerate(labels, start=1) if label.endswith("Thông tin người mẹ"))
    qtbot.keyClick(chooser.focusWidget(), str(mother_key))
    qtbot.waitUntil(lambda: not chooser.isVisible(), timeout=2_000)

    values = wizard.flow.values
    assert values["mother_full_name"] == "Nguyễn Thị Mai"
    assert values["mother_id_number"] == MOTHER.number
    assert values["mother_birth_date"] == "1992-03-14"
    assert values["mother_residence"] == {"line": "Ấp 3", "commune_code": "25813", "province_code": "79"}
    assert values["mother_id_paper_type"] == "can_cuoc" and values["mother_nationality"] == "VN"
    assert values["submitter_name"] == "Trần Văn An"
    assert wizard.flow.received["giay_to_tuy_than"].way == "looked_up"  # the scan ticked the ID-card item

    wizard.flush_draft()
    qtbot.waitUntil(lambda: wizard.saved_label.text() == "Bản nháp đã lưu tự động.", timeout=10_000)
    drafts = _drafts(site_dir)
    assert len(drafts) == 1
    saved = repr(drafts[0].values)
    assert "|" not in saved and MOTHER.old_number not in saved and PAYLOAD not in saved
    assert drafts[0].values["mother_full_name"] == "Nguyễn Thị Mai"

    # Through the earlier pages to the mother's, answering them as an officer would (the mother's block is the card's).
    answers = {k: v for k, v in sample_values(wizard.procedure, seed=4, today=date.today()).items() if k not in MOTHER_FIELDS}
    for _ in range(8):
        if wizard.wizard.page.id == "me":
            break
        for field_id, row in list(wizard.rows.items()):
            if row.widget.isVisibleTo(wizard) and field_id in answers and row.widget.value() != answers[field_id]:
                row.widget.set_value(answers[field_id])
        qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
        assert not wizard.error.isVisible(), wizard.error.text()
    assert wizard.wizard.page.id == "me"
    marks = intake.marks
    name_input = wizard.rows["mother_full_name"].widget.input
    assert marks.isVisible() and marks.text.text().startswith("Điền từ thẻ — hãy đối chiếu")
    assert name_input.property("fromCard") is True and wizard.rows["mother_id_number"].widget.input.property("fromCard") is True
    assert name_input.text() == "Nguyễn Thị Mai"
    wizard.grab().save("/tmp/card-scan-marked.png")
    marks.check.setFocus()
    qtbot.keyClick(marks.check, Qt.Key.Key_Space)  # "Đã đối chiếu với thẻ", ticked from the keyboard
    assert marks.check.isChecked()
    assert name_input.property("fromCard") is False
    assert marks.unchecked() == []


def test_a_burst_that_is_no_card_stays_typed(qtbot, window: MainWindow) -> None:
    """Twelve digits and a bar at scanner speed that turn out not to be a card: what was typed stays, nothing is said."""
    log_in(qtbot, window)
    wizard = _open_birth_registration(qtbot, window)
    intake = window.card_intake
    field = wizard.rows["submitter_name"].widget
    field.input.setFocus()
    clock = FakeClock()
    intake.burst.clock = clock
    scanner_types("123456789012|abc", clock)
    qtbot.wait(50)
    assert field.value() == "123456789012|abc"
    assert intake.chooser is None


def test_the_draft_waits_while_a_scanner_is_typing(qtbot, window: MainWindow) -> None:
    log_in(qtbot, window)
    wizard = _open_birth_registration(qtbot, window)
    intake = window.card_intake
    wizard.rows["submitter_name"].widget.input.setFocus()
    clock = FakeClock()
    intake.burst.clock = clock
    scanner_types(PAYLOAD, clock, enter=False)
    assert wizard.hold_draft()  # mid-burst: the autosave waits
    scanner_types("", clock)  # the closing Enter
    assert not wizard.hold_draft()
    qtbot.waitUntil(lambda: intake.chooser is not None and intake.chooser.isVisible(), timeout=5_000)
    intake.chooser.reject()
