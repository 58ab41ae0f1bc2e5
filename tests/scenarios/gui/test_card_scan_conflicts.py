"""A card that contradicts what the officer already typed overwrites nothing silently: the officer is asked per
field, keeps the typed name and takes the card's number; a scan on the home screen waits for the procedure."""

from __future__ import annotations

from PySide6.QtCore import Qt

from card_scan import MOTHER
from conftest import log_in
from ui.window.main_window import MainWindow


def _to_mother_page(qtbot, win: MainWindow):
    win.home_page.procedure_chosen.emit("1.001193")
    wizard = win.wizard_page
    qtbot.waitUntil(lambda: win.stack.currentWidget() is wizard, timeout=5_000)
    return wizard


def test_the_officer_decides_each_contradicted_field(qtbot, window: MainWindow) -> None:
    log_in(qtbot, window)
    wizard = _to_mother_page(qtbot, window)
    intake = window.card_intake
    wizard.take_answers({"mother_full_name": "Nguyễn Thị Mây", "mother_id_number": "001192000001"})
    intake.take_card(MOTHER)
    qtbot.waitUntil(lambda: intake.chooser is not None and intake.chooser.isVisible(), timeout=5_000)
    mother = next(i for i, b in enumerate(intake.chooser.buttons) if b.text().endswith("Thông tin người mẹ"))
    intake.chooser.pick(mother)
    dialog = wizard.card_conflicts
    qtbot.waitUntil(dialog.isVisible, timeout=2_000)
    assert set(dialog.groups) == {"mother_full_name", "mother_id_number"}
    assert dialog.findChild(type(dialog.groups["mother_full_name"].button(0)), "keep_mother_full_name").isChecked()
    dialog.groups["mother_id_number"].button(1).setChecked(True)  # "take the card's"
    dialog.accept()
    values = wizard.flow.values
    assert values["mother_full_name"] == "Nguyễn Thị Mây"  # kept as typed
    assert values["mother_id_number"] == MOTHER.number  # taken from the card
    assert values["mother_birth_date"] == "1992-03-14"  # no conflict: filled


def test_a_card_scanned_on_the_home_screen_waits_for_the_procedure(qtbot, window: MainWindow) -> None:
    log_in(qtbot, window)
    intake = window.card_intake
    intake.take_card(MOTHER)
    assert window.home_page.warning.isVisible() and "Nguyễn Thị Mai" in window.home_page.warning.text()
    _to_mother_page(qtbot, window)
    qtbot.waitUntil(lambda: intake.chooser is not None and intake.chooser.isVisible(), timeout=5_000)
    qtbot.keyClick(intake.chooser.focusWidget(), Qt.Key.Key_Escape)
    assert not intake.chooser.isVisible()
