"""Issue 14 item 4 on the real window: what the officer no longer types (docs/retyping.md).

Dates as 8 digits, the site's defaults in a new dossier (never over a draft's answers), "Giống người nộp hồ sơ"
on the mother's page (asking before replacing what was typed) and "Cùng địa chỉ…" on the father's address.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from conftest import fill_form_pages, log_in
from forms.samples import sample_values
from ui.window.main_window import MainWindow


def _open(qtbot, win: MainWindow, code: str):
    win.home_page.procedure_chosen.emit(code)
    wizard = win.wizard_page
    qtbot.waitUntil(lambda: win.stack.currentWidget() is wizard, timeout=5_000)
    return wizard


def test_a_date_typed_as_eight_digits(qtbot, window: MainWindow) -> None:
    log_in(qtbot, window)
    wizard = _open(qtbot, window, "1.001193")
    row = wizard.rows["submitter_birth_date"]
    edit = row.widget.edit
    edit.setFocus()
    qtbot.keyClicks(edit, "05031990")
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # Enter moves on, like Tab: the box shows the slashes
    assert edit.text() == "05/03/1990"
    assert wizard.wizard.values["submitter_birth_date"] == "1990-03-05"
    assert not row.error.isVisible()

    edit.clear()
    qtbot.keyClicks(edit, "050390")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert edit.text() == "050390"  # kept as typed, with the reason it is refused
    assert row.error.isVisible() and "4 chữ số" in row.error.text(), row.error.text()

    edit.clear()
    qtbot.keyClicks(edit, "31022000")  # eight digits that are no day
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert edit.text() == "31022000" and "không hợp lệ" in row.error.text()


def test_site_defaults_fill_only_a_new_dossiers_empty_fields(qtbot, window: MainWindow) -> None:
    log_in(qtbot, window)
    wizard = _open(qtbot, window, "1.001193")
    assert wizard.wizard.values["child_ethnicity"] == "01"  # Kinh: the default of a site that set nothing
    assert wizard.wizard.values["mother_ethnicity"] == "01"
    address = wizard.rows["submitter_address"].widget
    assert (address.province.currentData(), address.commune.currentData()) == ("01", "00583")  # the site's commune
    assert address.value() is None and "submitter_address" not in wizard.wizard.values  # no answer until typed
    address.line.setText("Số 3, thôn Giang Cao")
    assert address.value() == {"line": "Số 3, thôn Giang Cao", "commune_code": "00583", "province_code": "01"}

    window.ctx.adopt(settings=window.ctx.settings.with_changes(default_ethnicity="08", residence_commune="04498"))
    procedure = wizard.procedure
    wizard.start(procedure, {"mother_ethnicity": "03"}, 0, None)  # answers from a guidance notice
    assert wizard.wizard.values["child_ethnicity"] == "08" and wizard.wizard.values["mother_ethnicity"] == "03"
    address = wizard.rows["submitter_address"].widget
    assert address.commune.currentData() == "04498"
    wizard.start(procedure, {"child_full_name": "Lò Văn A"}, 0, "a-saved-draft")  # a draft: nothing added
    assert "child_ethnicity" not in wizard.wizard.values

    wizard.finished()
    wizard = _open(qtbot, window, "2.000635")
    assert wizard.wizard.values["original_registration_office"] == "UBND xã Bát Tràng"  # the site's unit
    window.ctx.adopt(settings=window.ctx.settings.with_changes(registration_place="UBND xã Bát Tràng, TP Hà Nội"))
    wizard.start(wizard.procedure, {}, 0, None)
    assert wizard.wizard.values["original_registration_office"] == "UBND xã Bát Tràng, TP Hà Nội"


def test_same_as_the_submitter_and_same_address(qtbot, window: MainWindow) -> None:
    log_in(qtbot, window)
    wizard = _open(qtbot, window, "1.001193")
    values = sample_values(wizard.procedure, seed=9, today=date.today())  # a woman files; the father is known
    fill_form_pages(qtbot, wizard, values, until_page="me")
    submitted = dict(wizard.wizard.values)
    for field_id in ("mother_full_name", "mother_birth_date", "mother_residence", "mother_id_number", "mother_id_paper_type"):
        wizard.rows[field_id].widget.set_value(None)

    button = wizard.findChild(type(wizard.next_button), "sameAsSubmitter")
    assert button is not None and button.isVisible() and button.focusPolicy() & Qt.FocusPolicy.TabFocus
    name = wizard.rows["mother_full_name"].widget.edit
    name.setFocus()
    qtbot.keyClick(name, Qt.Key.Key_Tab)  # next after the name in the tab order
    assert button.hasFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)  # by keyboard
    answers = wizard.wizard.values
    assert answers["mother_full_name"] == submitted["submitter_name"]
    assert answers["mother_id_number"] == submitted["submitter_id_number"]
    assert answers["mother_birth_date"] == submitted["submitter_birth_date"]
    assert answers["mother_residence"] == submitted["submitter_address"]
    assert answers["mother_id_paper_type"] == "can_cuoc"
    assert wizard.rows["mother_id_number"].widget.isVisibleTo(wizard)

    # A name typed differently is not replaced silently: the officer is asked.
    wizard.rows["mother_full_name"].widget.set_value("Nguyễn Thị Khác")
    wizard.rows["mother_birth_date"].widget.set_value(None)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    copier = button.copier
    question = copier.question
    assert question is not None and question.isVisible() and "Nguyễn Thị Khác" in question.text()
    keep = next(b for b in question.buttons() if b.text() == "Chỉ điền ô còn trống")
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    assert answers["mother_full_name"] == "Nguyễn Thị Khác"
    assert answers["mother_birth_date"] == submitted["submitter_birth_date"]  # the empty box was filled
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    replace = next(b for b in copier.question.buttons() if b.text() == "Thay tất cả")
    qtbot.mouseClick(replace, Qt.MouseButton.LeftButton)
    assert answers["mother_full_name"] == submitted["submitter_name"]

    # The father's page: his address from the mother's, through the menu beside the box.
    values = {**values, **{k: v for k, v in answers.items() if k.startswith("mother_")}}
    values.pop("father_residence", None)
    fill_form_pages(qtbot, wizard, values, until_page="cha")
    tool = wizard.findChild(type(button).__mro__[1], "sameAddress_father_residence")
    assert tool is not None and tool.focusPolicy() & Qt.FocusPolicy.TabFocus
    menu = tool.menu()
    menu.aboutToShow.emit()
    actions = [a for a in menu.actions() if a.isEnabled()]
    labels = [a.text() for a in actions]
    assert any("người mẹ" in label for label in labels), labels
    next(a for a in actions if "người mẹ" in a.text()).trigger()
    assert wizard.wizard.values["father_residence"] == answers["mother_residence"]
