"""The officer's whole path through the real widgets: login, find a procedure, fill, fix an error, submit, receipt."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt

from conftest import open_raw_db, type_text
from forms.samples import sample_values
from ui.pages.dossier_list import FILTERS
from ui.window.main_window import MainWindow

CODE_RE = re.compile(r"\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}")


def login(qtbot, win: MainWindow, pin: str = "246813") -> None:
    win.login_page.username.clear()
    qtbot.keyClicks(win.login_page.username, "lan")
    qtbot.keyClicks(win.login_page.pin, pin)
    qtbot.keyClick(win.login_page.pin, Qt.Key.Key_Return)


def fill_page(qtbot, win: MainWindow, values: dict) -> None:
    """Put sample values into the visible widgets of the current page, as an officer would."""
    wizard = win.wizard_page
    for _ in range(3):  # answers can reveal more fields
        for field_id, row in list(wizard.rows.items()):
            if row.widget.isVisibleTo(wizard) and field_id in values and row.widget.value() != values[field_id]:
                row.widget.set_value(values[field_id])


def test_wrong_pin_is_refused_in_vietnamese(qtbot, window: MainWindow) -> None:
    login(qtbot, window, pin="0000")
    qtbot.waitUntil(lambda: window.login_page.error.isVisible(), timeout=10_000)
    assert "không đúng" in window.login_page.error.text()
    assert window.stack.currentWidget() is window.login_page


def test_birth_registration_end_to_end(qtbot, window: MainWindow, site_dir: Path) -> None:
    login(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home_page, timeout=10_000)

    home = window.home_page
    qtbot.keyClicks(home.search, "khai sinh")
    assert home.procedures.count() >= 1
    assert home.procedures.item(0).text().startswith("Đăng ký khai sinh")
    qtbot.keyClick(home.search, Qt.Key.Key_Return)
    wizard = window.wizard_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is wizard, timeout=5_000)
    assert wizard.procedure is not None and wizard.procedure.code == "1.001193"

    values = sample_values(wizard.procedure, seed=11, today=date.today())
    fill_page(qtbot, window, {k: v for k, v in values.items() if k != "submitter_id_number"})

    # An ID number whose birth-year digits contradict the date of birth: the error shows as typed.
    id_row = wizard.rows["submitter_id_number"]
    wrong = values["submitter_id_number"][:4] + f"{(int(values['submitter_id_number'][4:6]) + 1) % 100:02d}" + values["submitter_id_number"][6:]
    qtbot.keyClicks(id_row.widget.input, wrong)
    assert id_row.error.isVisible()
    assert "năm sinh" in id_row.error.text() or "định danh" in id_row.error.text()
    page_before = wizard.wizard.index
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.wizard.index == page_before and wizard.step == "form"
    assert wizard.error.isVisible() and "lỗi" in wizard.error.text()

    id_row.widget.input.clear()
    qtbot.keyClicks(id_row.widget.input, values["submitter_id_number"])
    assert not id_row.error.isVisible()

    for _ in range(20):
        if wizard.step != "form":
            break
        fill_page(qtbot, window, values)
        qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
        assert not wizard.error.isVisible(), wizard.error.text()
    assert wizard.step == "documents"
    wizard.tick_all_documents()
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.step == "review"
    assert values["submitter_name"] in wizard.review_text.text()
    assert wizard.fee_box.result is not None and wizard.fee_box.result.lines  # the fee shows before the officer commits
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)

    receipt = window.receipt_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is receipt, timeout=20_000)
    code = receipt.code_label.text()
    assert CODE_RE.fullmatch(code)
    assert "Hẹn trả kết quả" in receipt.appointment_label.text()
    qtbot.waitUntil(lambda: receipt.preview.pixmap() is not None and not receipt.preview.pixmap().isNull(), timeout=20_000)

    connection = open_raw_db(site_dir)
    try:
        row = connection.execute("SELECT id, lifecycle, procedure_code FROM dossier WHERE code = ?", (code,)).fetchone()
        assert row is not None and row[1] == "submitted" and row[2] == "1.001193"
        assert connection.execute("SELECT count(*) FROM dossier_document WHERE dossier_id = ?", (row[0],)).fetchone()[0] >= 1
        assert connection.execute("SELECT state FROM outbox_entry WHERE dossier_id = ?", (row[0],)).fetchone()[0] == "queued"
    finally:
        connection.close()

    pdf = site_dir.parent / "saved.pdf"
    receipt.save_pdf_to(pdf)
    qtbot.waitUntil(pdf.exists, timeout=20_000)


def test_draft_survives_a_restart(qtbot, window: MainWindow, site_dir: Path) -> None:
    login(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home_page, timeout=10_000)
    window.home_page.procedure_chosen.emit("1.004873")
    wizard = window.wizard_page
    type_text(wizard.rows["submitter_name"].widget.input, "Lê Thị Hồng")
    assert wizard.rows["submitter_name"].widget.value() == "Lê Thị Hồng"
    wizard.flush_draft()
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=10_000)
    window.close()

    second = MainWindow(site_dir)
    qtbot.addWidget(second)
    second.show()
    second.start()
    qtbot.waitUntil(lambda: second.stack.currentWidget() is second.login_page and second.ctx is not None, timeout=20_000)
    login(qtbot, second)
    qtbot.waitUntil(lambda: second.home_page.drafts.count() >= 1 and bool(second.home_page.drafts.item(0).data(Qt.ItemDataRole.UserRole)), timeout=10_000)
    assert "Lê Thị Hồng" in second.home_page.drafts.item(0).text()
    second.home_page.draft_chosen.emit(second.home_page.drafts.item(0).data(Qt.ItemDataRole.UserRole))
    qtbot.waitUntil(lambda: second.stack.currentWidget() is second.wizard_page, timeout=10_000)
    assert second.wizard_page.rows["submitter_name"].widget.value() == "Lê Thị Hồng"
    second.tasks.shutdown()


def test_long_lists_are_searchable_without_diacritics(qtbot) -> None:
    from forms.catalogue import load_catalogue
    from ui.pages.fields import make_field_widget

    procedure = load_catalogue().get("1.001193")
    address = make_field_widget(procedure.field("submitter_address"))
    qtbot.addWidget(address)
    address.show()
    qtbot.waitExposed(address)
    address.activateWindow()
    address.province.setCurrentIndex(address.province.findData("01"))
    address.commune.lineEdit().setFocus()
    qtbot.keyClicks(address.commune.lineEdit(), "bat trang")
    popup = address.commune.completer().popup()
    assert popup.isVisible()
    labels = [popup.model().index(row, 0).data() for row in range(popup.model().rowCount())]
    assert labels == ["Xã Bát Tràng"]
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert address.value()["commune_code"] == "00583"


def test_dossier_list_search_filter_and_reprint(qtbot, window: MainWindow, site_dir: Path) -> None:
    from kiosk.storage.context import open_kiosk
    from kiosk.dossier.submit import submit
    from kiosk.security.officers import OfficerRef
    from kiosk.storage.models import Officer
    from forms.text import fold

    ctx = open_kiosk(site_dir)
    with ctx.read() as session:
        officer = OfficerRef.of(session.query(Officer).one())
    codes, names = [], []
    for seed, code in enumerate(("1.001193", "2.000815", "1.004873")):
        procedure = ctx.catalogue.get(code)
        values = sample_values(procedure, seed=100 + seed, today=date.today())
        codes.append(submit(ctx, procedure=procedure, values=values, officer=officer).code)
        names.append(values["submitter_name"])
    ctx.close()

    login(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home_page, timeout=10_000)
    qtbot.mouseClick(window.home_page.list_button, Qt.MouseButton.LeftButton)
    page = window.list_page
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10_000)

    qtbot.keyClicks(page.search, fold(names[1]))  # typed without diacritics
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    assert page.model.rows[0].code == codes[1]

    page.search.clear()
    page.filter.setCurrentIndex([label for label, _l, _s in FILTERS].index("Đã gửi lên cổng"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=10_000)
    page.filter.setCurrentIndex(1)  # queued
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10_000)

    page.table.selectRow(2)
    qtbot.mouseClick(page.reprint_button, Qt.MouseButton.LeftButton)
    receipt = window.receipt_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is receipt, timeout=10_000)
    assert receipt.heading.text() == "In lại giấy hẹn"
    assert receipt.data is not None and receipt.data.reprint and receipt.data.dossier_code == codes[0]
