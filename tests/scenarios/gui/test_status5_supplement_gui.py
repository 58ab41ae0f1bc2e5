"""Status 5 walked by keyboard against a real portal process (issue 13, Build 1; docs/counter-screens.md).

The portal sends a received dossier back with status 5 and a list of items; the kiosk pulls it; the dossier's detail
lists the items by their checklist names with the portal's note; form 02 is recorded with those items ticked and its
PDF read back; the supplement is recorded with the items ticked; the appointment restarts from the supplement; the
receipt is offered again with it; after a sync the portal holds revision 2 with the new appointment. The detail is
saved as a picture at 1366x768 under /tmp/counterui/.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractScrollArea, QApplication

from conftest import pdf_page_text
from forms.samples import sample_values
from forms.timezone import VN_TZ
from portal_server import portal  # noqa: F401 - the fixture
from sync_helpers import add_officer, make_kiosk
from test_counter_walk import _key, _synced
from test_sync_gui import open_window

LOOK_DIR = Path("/tmp/counterui")
PROCEDURE = "1.004873"
ASKED = ["ban_an_ly_hon", "giay_to_tuy_than", "Ảnh chân dung 4x6 cm"]  # two checklist items and one the portal typed


def _receive_two_weeks_ago(ctx, officer) -> str:  # noqa: ANN001
    """A dossier received a fortnight ago (divorced, filed in person), so a supplement today moves its appointment."""
    from kiosk.dossier.submit import submit

    received = datetime.combine(date.today() - timedelta(days=14), time(9, 0), VN_TZ)
    procedure = ctx.catalogue.in_force(PROCEDURE, received.date())
    values = sample_values(procedure, seed=10, today=received.date())
    values["channel"] = "in_person"
    return submit(ctx, procedure=procedure, values=values, officer=officer, now=received).code


def _sideways(widget) -> list[str]:  # noqa: ANN001
    return [a.objectName() or type(a).__name__ for a in widget.findChildren(QAbstractScrollArea)
            if a.isVisibleTo(widget) and a.horizontalScrollBar().isVisible()]


def _open_detail(qtbot, window, code: str):  # noqa: ANN001, ANN202
    """Home → "Chờ bổ sung giấy tờ" (Ctrl+4) → Enter on the row: the dossier's detail."""
    window._go_home()
    window.activateWindow()  # the last dialog closed: the keyboard is the window's again
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    window.home_page.search.setFocus()
    _key(qtbot, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    page = window.list_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is page and page.model.rowCount() == 1, timeout=10_000)
    assert page.model.rows[0].code == code
    page.table.setFocus()
    page.detail_dialog = None
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.detail_dialog is not None and page.detail_dialog.isVisible(), timeout=10_000)
    qtbot.waitUntil(page.detail_dialog.isActiveWindow, timeout=5_000)
    return page.detail_dialog


def test_status_5_from_the_portal_to_form_02_the_supplement_and_the_new_appointment(qtbot, portal, tmp_path: Path) -> None:  # noqa: F811
    from kiosk.dossier.appointment import appointment_date

    ctx = make_kiosk(tmp_path / "kiosk", portal)
    officer = add_officer(ctx)
    code = _receive_two_weeks_ago(ctx, officer)
    procedure = ctx.catalogue.get(PROCEDURE, ctx.catalogue.in_force(PROCEDURE, date.today() - timedelta(days=14)).version)
    names = {d.id: d.name for d in procedure.documents}
    ctx.close()

    window = open_window(qtbot, tmp_path / "kiosk")
    window.resize(1366, 768)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    _synced(window, qtbot)  # revision 1 reaches the portal
    [before] = [d for d in json.loads(portal.run_cli("dossiers", "--json").stdout)["dossiers"] if d["code"] == code]
    portal.run_cli("set-status", code, "5", "--note", "Bản án ly hôn chưa có dấu xác nhận", "--missing", *ASKED)
    _synced(window, qtbot)  # status 5 and its list are pulled
    qtbot.waitUntil(lambda: window.home_page.worklist_buttons["waiting"].text().endswith(": 1"), timeout=10_000)

    # The detail says plainly what the portal asks for, above everything else; form 02 is one key away.
    detail = _open_detail(qtbot, window, code)
    detail.resize(min(detail.width(), 1366), min(detail.height(), 768))
    asked_text = detail.findChild(object, "requestedText").text()
    for wanted in (names["ban_an_ly_hon"], names["giay_to_tuy_than"], "Ảnh chân dung 4x6 cm", "Bản án ly hôn chưa có dấu xác nhận"):
        assert wanted in asked_text
    assert "ban_an_ly_hon" not in asked_text  # names, not ids
    assert detail.supplement_button.isEnabled() and _sideways(detail) == []
    LOOK_DIR.mkdir(parents=True, exist_ok=True)
    detail.grab().save(str(LOOK_DIR / "status5-detail.png"))
    assert QApplication.focusWidget() is detail.guidance_button

    _key(qtbot, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)  # "In phiếu yêu cầu bổ sung (mẫu 02)"
    page = window.list_page
    qtbot.waitUntil(lambda: page.status5.guidance_dialog is not None and page.status5.guidance_dialog.isVisible(), timeout=5_000)
    guidance = page.status5.guidance_dialog
    assert guidance.missing() == ["ban_an_ly_hon", "giay_to_tuy_than"]  # the portal's items, in checklist order
    assert "Ảnh chân dung 4x6 cm" in guidance.note() and "chưa có dấu xác nhận" in guidance.note()
    qtbot.waitUntil(guidance.isActiveWindow, timeout=5_000)
    guidance.boxes["ban_an_ly_hon"].setFocus()
    _key(qtbot, Qt.Key.Key_Return)  # "Ghi và in phiếu"
    notices = window.notices.page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is notices and notices.data is not None, timeout=10_000)
    pdf = tmp_path / "status5-form02.pdf"
    notices.save_pdf_to(pdf)
    qtbot.waitUntil(pdf.exists, timeout=20_000)
    text = pdf_page_text(pdf, LOOK_DIR)
    for wanted in ("PHIẾU YÊU CẦU BỔ SUNG", code, names["giay_to_tuy_than"], "Ảnh chân dung 4x6 cm"):
        assert wanted in text, wanted
    assert names["ban_an_ly_hon"][:40] in text

    # The supplement: the portal's items ticked; Enter records it; the appointment restarts from now.
    detail = _open_detail(qtbot, window, code)
    _key(qtbot, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)  # "Ghi nhận giấy tờ bổ sung"
    qtbot.waitUntil(lambda: page.supplement_dialog is not None and page.supplement_dialog.isVisible(), timeout=5_000)
    supplement = page.supplement_dialog
    assert supplement.documents() == {"ban_an_ly_hon": 1, "giay_to_tuy_than": 1}
    qtbot.waitUntil(supplement.isActiveWindow, timeout=5_000)
    supplement.note_edit.setFocus()
    qtbot.keyClicks(supplement.note_edit, "Da nhan ban an co dau")
    started = datetime.now(VN_TZ)
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.status5.reprint_offer is not None and page.status5.reprint_offer.isVisible(), timeout=20_000)
    finished = datetime.now(VN_TZ)
    with_new = [appointment_date(moment, procedure.processing_days, window.session.context.calendar) for moment in (started, finished)]
    assert with_new[0] == with_new[1], "the supplement straddled the 15:00 cut-off or midnight; run again"
    expected = with_new[0]
    assert expected.isoformat() != before["appointment_date"]
    offer = page.status5.reprint_offer
    assert f"{expected:%d/%m/%Y}" in offer.text()

    # The receipt again, with the new appointment (Enter: "In lại giấy hẹn").
    qtbot.waitUntil(offer.isActiveWindow, timeout=5_000)
    _key(qtbot, Qt.Key.Key_Return)
    receipt = window.receipt_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is receipt and receipt.data is not None, timeout=10_000)
    assert receipt.data.appointment_date == expected and receipt.data.reprint
    assert f"{expected:%d/%m/%Y}" in receipt.appointment_label.text()

    # After a sync the portal holds revision 2 and its appointment.
    _synced(window, qtbot)
    qtbot.waitUntil(lambda: "Chờ gửi: 0" in window.sync_status.queue_label.text(), timeout=30_000)
    [held] = [d for d in json.loads(portal.run_cli("dossiers", "--json").stdout)["dossiers"] if d["code"] == code]
    assert held.get("revision", held.get("latest_revision")) == 2, held
    assert held["appointment_date"] == expected.isoformat()
    window.sync.shutdown()
    window.tasks.shutdown()
