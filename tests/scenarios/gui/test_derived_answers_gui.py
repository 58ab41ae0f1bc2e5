"""Answers derived from other answers, on the real window (docs/retyping.md): the requester's relationship from
the submitter's sex, the child's birth place from the facility the officer typed (never over what the officer
typed in the birth place), and the office suggestions picked with a few letters, Down and Enter."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from conftest import fill_form_pages, log_in
from keystrokes import Keyboard
from forms.samples import sample_values
from ui.pages.entry.office_completer import folded_completer
from ui.window.main_window import MainWindow

BEN_CAT = "Phường Bến Cát, Thành phố Hồ Chí Minh"


def _open(qtbot, win: MainWindow, code: str):
    win.home_page.procedure_chosen.emit(code)
    wizard = win.wizard_page
    qtbot.waitUntil(lambda: win.stack.currentWidget() is wizard, timeout=5_000)
    return wizard


def _values(wizard, **changes) -> dict:
    values = sample_values(wizard.procedure, seed=9, today=date.today())
    values.update(changes)
    number = values["submitter_id_number"]  # its 4th digit holds the sex (even a man, odd a woman)
    digit = int(number[3]) - int(number[3]) % 2 + (values["submitter_sex"] == "nu")
    values["submitter_id_number"] = number[:3] + str(digit) + number[4:]
    return values


def test_the_requester_starts_as_the_mother_when_a_woman_files(qtbot, window: MainWindow) -> None:
    log_in(qtbot, window)
    wizard = _open(qtbot, window, "1.001193")
    fill_form_pages(qtbot, wizard, _values(wizard, submitter_sex="nu"), until_page="nguoi_yeu_cau")
    combo = wizard.rows["requester_relationship"].widget.combo
    assert combo.currentText() == "Mẹ" and wizard.wizard.values["requester_relationship"] == "me"

    combo.setCurrentIndex(combo.findData("ba"))  # the grandmother files: the officer changes it
    qtbot.mouseClick(wizard.back_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.wizard.page.id == "nguoi_yeu_cau"
    assert wizard.wizard.values["requester_relationship"] == "ba"  # an answer is never replaced

    wizard.finished()
    wizard = _open(qtbot, window, "1.001193")
    fill_form_pages(qtbot, wizard, _values(wizard, submitter_sex="nam"), until_page="nguoi_yeu_cau")
    assert wizard.wizard.values["requester_relationship"] == "cha"


def test_the_birth_place_follows_the_facility_typed(qtbot, window: MainWindow) -> None:
    window.ctx.adopt(settings=window.ctx.settings.with_changes(commune_code="25813", unit_name="UBND phường Bến Cát"))
    log_in(qtbot, window)
    wizard = _open(qtbot, window, "1.001193")
    fill_form_pages(qtbot, wizard, _values(wizard, submitter_sex="nu"), until_page="tre_em")
    rows = wizard.rows
    rows["child_birth_date"].widget.set_value("2025-09-15")
    rows["child_birth_place_kind"].widget.set_value("co_so_y_te")
    facility = rows["child_birth_facility"].widget.edit
    place = rows["child_birth_place"].widget.edit
    keys = Keyboard(qtbot)

    def retype_facility(text: str) -> None:
        facility.setFocus()
        facility.selectAll()
        keys.type_enter(text)  # Enter leaves the box, like Tab

    facility.setFocus()
    keys.type("Trạm y tế phường Bến")
    assert place.text() == ""  # nothing while the officer types
    keys.type(" Cát")
    keys.enter()
    assert place.hasFocus()  # the officer arrives on the birth place and sees it filled
    assert place.text() == BEN_CAT and wizard.wizard.values["child_birth_place"] == BEN_CAT

    retype_facility("Bệnh viện đa khoa xã Tân Uyên")  # the facility corrected: what was filled follows
    assert wizard.wizard.values["child_birth_place"] == "Xã Tân Uyên, Tỉnh Lai Châu"

    retype_facility("Bệnh viện huyện Bàu Bàng")  # no commune: what was filled goes, nothing is guessed
    assert place.text() == "" and not wizard.wizard.values.get("child_birth_place")

    place.setFocus()
    keys.type("Phường Bến Cát, TP HCM")  # typed by the officer: theirs
    retype_facility("Trạm y tế phường Bến Cát")
    assert wizard.wizard.values["child_birth_place"] == "Phường Bến Cát, TP HCM"


def test_an_old_marriage_office_is_picked_with_three_letters_down_enter(qtbot, window: MainWindow) -> None:
    window.ctx.adopt(settings=window.ctx.settings.with_changes(commune_code="25813", unit_name="UBND phường Bến Cát"))
    log_in(qtbot, window)
    wizard = _open(qtbot, window, "1.001193")
    values = _values(wizard, parents_married=True)
    values.pop("parents_marriage_office", None)
    fill_form_pages(qtbot, wizard, values, until_page="ket_hon_cha_me")
    wizard.rows["parents_married"].widget.set_value(True)
    edit = wizard.rows["parents_marriage_office"].widget.edit
    completer = folded_completer(edit)
    assert completer is not None and completer.texts()[0] == "UBND phường Bến Cát"
    edit.clear()
    edit.setFocus()
    keys = Keyboard(qtbot)
    keys.type("tan")
    qtbot.waitUntil(lambda: completer.popup().isVisible(), timeout=2_000)
    keys.down()
    keys.enter()
    assert keys.count == 5
    assert edit.text() == "UBND xã Tân Hưng, huyện Bàu Bàng, tỉnh Bình Dương"
    assert wizard.wizard.values["parents_marriage_office"] == "UBND xã Tân Hưng, huyện Bàu Bàng, tỉnh Bình Dương"
    assert not completer.popup().isVisible()

    edit.clear()  # accents typed find the same, words anywhere
    keys.type("mỹ phước")
    qtbot.waitUntil(lambda: completer.popup().isVisible(), timeout=2_000)
    keys.down()
    keys.enter()
    assert wizard.wizard.values["parents_marriage_office"] == "UBND phường Mỹ Phước, thành phố Bến Cát, tỉnh Bình Dương"

    edit.clear()  # Down in the empty box lists everything; the site's own office is first
    keys.down()
    qtbot.waitUntil(lambda: completer.popup().isVisible(), timeout=2_000)
    keys.down()
    keys.enter()
    assert wizard.wizard.values["parents_marriage_office"] == "UBND phường Bến Cát"

    edit.clear()  # any other office is typed as it is
    keys.type("UBND xã Kim Lan")
    assert wizard.wizard.values["parents_marriage_office"] == "UBND xã Kim Lan"
    edit.clear()  # typed while names still match: Enter keeps the text and moves on, as in any box
    keys.type("UBND xã Tân Hưng")
    assert completer.popup().isVisible()
    keys.enter()
    assert not completer.popup().isVisible() and not edit.hasFocus()
    assert wizard.wizard.values["parents_marriage_office"] == "UBND xã Tân Hưng"
