"""The counter's notices in the window (docs/notices.md): guidance from the wizard's checklist (items picked, recorded,
shown, saved as PDF), the citizen back with the notice's number (the dossier starts pre-filled), a refusal from the
home screen, a stop from a dossier's detail. Each PDF is read back with pypdfium2 and saved at 150 dpi under
/tmp/counterui/."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt

from conftest import fill_form_pages, log_in, pdf_page_text
from forms.samples import sample_values
from ui.window.main_window import MainWindow

LOOK_DIR = Path("/tmp/counterui")


def _pdf_of_shown_notice(qtbot, win: MainWindow, path: Path) -> str:
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.notices.page and win.notices.page.data is not None, timeout=10_000)
    win.notices.page.save_pdf_to(path)
    qtbot.waitUntil(path.exists, timeout=10_000)
    return pdf_page_text(path, LOOK_DIR)


def test_guidance_from_the_checklist_then_the_citizen_comes_back(qtbot, window: MainWindow, tmp_path: Path) -> None:
    log_in(qtbot, window)
    window.home_page.procedure_chosen.emit("1.004873")
    wizard = window.wizard_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is wizard, timeout=5_000)
    assert not wizard.guidance_button.isVisibleTo(wizard)  # only once the checklist is reached
    values = sample_values(wizard.procedure, seed=10, today=date.today())
    values["channel"] = "in_person"
    fill_form_pages(qtbot, window.wizard_page, values)
    assert wizard.step == "documents" and wizard.guidance_button.isVisibleTo(wizard)

    qtbot.keyClick(wizard, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)  # Ctrl+G
    qtbot.waitUntil(lambda: wizard.guidance_dialog is not None and wizard.guidance_dialog.isVisible(), timeout=5_000)
    dialog = wizard.guidance_dialog
    for doc_id, box in dialog.boxes.items():
        box.setChecked(doc_id == "ban_an_ly_hon")
    dialog.note_edit.insertPlainText("Mang bản chính để đối chiếu")  # QTest types ASCII only
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    text = _pdf_of_shown_notice(qtbot, window, tmp_path / "gui-guidance.pdf")
    item = wizard.procedure.document("ban_an_ly_hon").name
    number = window.notices.page.data.number
    for expected in ("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", f"Số: {number}", values["submitter_name"], item,
                     "Mang bản chính để đối chiếu"):
        assert expected in text, expected

    qtbot.mouseClick(window.notices.page.home_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home_page, timeout=5_000)
    qtbot.mouseClick(window.home_page.resume_guidance_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.notices.dialog is not None and window.notices.dialog.isVisible(), timeout=5_000)
    qtbot.keyClicks(window.notices.dialog.number_edit, number)
    qtbot.keyClick(window.notices.dialog.number_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is wizard, timeout=10_000)
    assert wizard.flow.values["submitter_name"] == values["submitter_name"]
    assert f"phiếu hướng dẫn số {number}" in wizard.version_notice.text() and item in wizard.version_notice.text()


def test_a_refusal_from_the_home_screen(qtbot, window: MainWindow, tmp_path: Path) -> None:
    log_in(qtbot, window)
    qtbot.mouseClick(window.home_page.refusal_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.notices.dialog is not None and window.notices.dialog.isVisible(), timeout=5_000)
    dialog = window.notices.dialog
    dialog.procedure_box.setCurrentIndex(next(i for i, p in enumerate(dialog._procedures) if p.code == "1.001193"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "họ tên" in dialog.error.text()  # nothing recorded without a name
    dialog.name_edit.insert("Phạm Văn Khải")
    qtbot.keyClicks(dialog.id_edit, "082075006789")
    dialog.reason_edit.insertPlainText("Đã đăng ký khai sinh tại xã Mỹ An")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    text = _pdf_of_shown_notice(qtbot, window, tmp_path / "gui-refusal.pdf")
    for expected in ("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "Phạm Văn Khải", "082075006789", "Đã đăng ký khai sinh tại xã Mỹ An"):
        assert expected in text, expected


def test_a_stop_from_the_dossier_detail(qtbot, window: MainWindow, tmp_path: Path) -> None:
    from kiosk.dossier.submit import submit

    log_in(qtbot, window)
    ctx, officer = window.session.context, window.session.officer
    procedure = ctx.catalogue.in_force("1.004873", date.today())
    values = sample_values(procedure, seed=4, today=date.today())
    code = submit(ctx, procedure=procedure, values=values, officer=officer).code
    qtbot.mouseClick(window.home_page.list_button, Qt.MouseButton.LeftButton)
    window.list_page.show_detail(code)
    qtbot.waitUntil(lambda: window.detail_dialog is not None and window.detail_dialog.isVisible(), timeout=10_000)
    assert window.detail_dialog.stop_button.isEnabled()
    qtbot.mouseClick(window.detail_dialog.stop_button, Qt.MouseButton.LeftButton)
    dialog = window.list_page.stop_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)
    dialog.reason_edit.insertPlainText("Người nộp không còn nhu cầu")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    text = _pdf_of_shown_notice(qtbot, window, tmp_path / "gui-stop.pdf")
    for expected in ("THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", code, values["submitter_name"], "Người nộp không còn nhu cầu"):
        assert expected in text, expected
