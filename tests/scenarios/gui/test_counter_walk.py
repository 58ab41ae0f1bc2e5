"""The counter's result side walked by keyboard against a real portal process (issue 13's acceptance).

Status 9 set on the portal is pulled; the dossier shows under "result ready"; the officer hands the result to an
authorised person; the citizen rates with one key and the window goes back to the officer; the dossier leaves the
list; after a sync the portal holds one status change 10 and one delivery of the hand-back, the kiosk shows the
echo and the tracking page the step. On the way, no new screen scrolls sideways at 1366x768.
"""

from __future__ import annotations

import json
from pathlib import Path

import requests
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from portal_server import portal  # noqa: F401 - the fixture
from scroll_bars import wrong_scroll_bars
from sync_helpers import add_officer, make_kiosk, submit_dossiers
from test_sync_gui import open_window

AUTHORISED_ID = "001090012345"


def _key(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key press where the keyboard focus is, as the officer's keyboard sends it."""
    target = QApplication.focusWidget()
    assert target is not None, "nothing has the keyboard focus"
    qtbot.keyClick(target, key, modifier)


def _synced(window, qtbot) -> None:
    qtbot.waitUntil(lambda: not window.sync.running, timeout=30_000)
    window.sync.trigger(force=True)
    qtbot.waitUntil(lambda: not window.sync.running, timeout=30_000)


def test_a_result_is_handed_back_rated_and_echoed_by_keyboard(qtbot, portal, tmp_path: Path) -> None:  # noqa: F811
    from kiosk.printed.token import make_token

    ctx = make_kiosk(tmp_path / "kiosk", portal)
    officer = add_officer(ctx)
    (code,) = submit_dossiers(ctx, officer, 1, tmp_path / "scans", size=2000)
    receipt_key = ctx.receipt_key
    ctx.close()

    window = open_window(qtbot, tmp_path / "kiosk")
    window.resize(1366, 768)
    window.activateWindow()  # shortcuts and mnemonics go to the active window
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    _synced(window, qtbot)  # the dossier reaches the portal
    portal.run_cli("set-status", code, "9")
    _synced(window, qtbot)  # status 9 is pulled; the home screen's counts follow
    home = window.home_page
    qtbot.waitUntil(lambda: home.worklist_buttons["result_ready"].text().endswith(": 1"), timeout=10_000)
    assert wrong_scroll_bars(window) == []

    # Home → "Đã có kết quả, chờ trả" (Ctrl+3) → the row → Enter opens the hand-back.
    home.search.setFocus()
    _key(qtbot, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    page = window.list_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is page and page.model.rowCount() == 1, timeout=10_000)
    assert page.model.rows[0].code == code and page.worklist.currentData() == "result_ready"
    assert wrong_scroll_bars(window) == []
    page.table.setFocus()
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.hand_back_dialog is not None and page.hand_back_dialog.isVisible(), timeout=10_000)
    dialog = page.hand_back_dialog
    dialog.resize(1100, 680)
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5_000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.name)
    assert "Phí, lệ phí" in dialog.fee_label.text()
    assert wrong_scroll_bars(dialog) == []

    # An authorised person: Alt+Y, then the fields by Tab, Enter records.
    _key(qtbot, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(dialog.authorised_radio.isChecked, timeout=2_000)  # a mnemonic clicks after a short animation
    dialog.name.setFocus()
    _key(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(QApplication.focusWidget(), "Tran Van Nhan")  # QTest types ASCII only; Vietnamese comes by input method
    _key(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.id_number
    qtbot.keyClicks(dialog.id_number, "00109001234")  # one digit short: the existing validator says so
    _key(qtbot, Qt.Key.Key_Return)
    assert "12 chữ số" in dialog.error.text() and dialog.pages.currentIndex() == 0
    qtbot.keyClicks(dialog.id_number, "5")
    _key(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.authorisation
    qtbot.keyClicks(dialog.authorisation, "Giay uy quyen so 7/2026")
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1 and dialog.slip is not None, timeout=10_000)
    assert dialog.slip.collected_by is not None and dialog.slip.collected_by.id_number == AUTHORISED_ID
    qtbot.waitUntil(lambda: dialog.preview.pixmap() is not None and not dialog.preview.pixmap().isNull(), timeout=20_000)
    assert wrong_scroll_bars(dialog) == []
    pdf = tmp_path / "slip.pdf"
    dialog.save_pdf_to(pdf)
    qtbot.waitUntil(pdf.exists, timeout=20_000)

    # "Xong" (Alt+X): the window turns to the citizen, who presses 2 (Hài lòng); then it is the officer's again.
    _key(qtbot, Qt.Key.Key_X, Qt.KeyboardModifier.AltModifier)
    rating = window.rating.page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is rating, timeout=10_000)
    shown = " ".join(label.text() for label in rating.findChildren(QWidget) if hasattr(label, "text"))
    assert code not in shown and "Tran Van Nhan" not in shown  # no personal data on the citizen's screen
    assert wrong_scroll_bars(window) == []
    for key, modifier in ((Qt.Key.Key_F9, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier),
                          (Qt.Key.Key_F2, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier)):
        qtbot.keyClick(rating, key, modifier)  # the officer's keys do nothing while the citizen has the screen
        assert window.stack.currentWidget() is rating and rating.step != "thanks"
    qtbot.keyClick(rating, Qt.Key.Key_2)
    assert rating.step == "thanks"
    qtbot.waitUntil(lambda: window.stack.currentWidget() is page, timeout=10_000)
    assert "Hài lòng" not in " ".join(w.text() for w in page.findChildren(QWidget) if hasattr(w, "text") and isinstance(w.text(), str))
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=10_000)  # left the "result ready" list

    # After a sync: one status change 10 and one delivery on the portal; the kiosk shows the echo.
    _synced(window, qtbot)
    events = json.loads(portal.run_cli("events", "--json").stdout)["events"]
    [handed] = [e for e in events if e["kind"] == "hand_back"]
    assert (handed["deliveries"], handed["outcomes"]) == (1, {"created": 1}) and handed["status_change"] is not None
    assert [e["details"]["score"] for e in events if e["kind"] == "rating"] == [2]
    dossiers = json.loads(portal.run_cli("--json", "dossiers").stdout)
    rows = dossiers["dossiers"] if isinstance(dossiers, dict) else dossiers
    [row] = [r for r in rows if r["code"] == code]
    assert row["status"] == 10
    page.worklist.setCurrentIndex(0)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and page.model.index(0, 7).data() == "Đã trả kết quả", timeout=10_000)
    tracking = requests.get(f"{portal.url}/tra-cuu/{code}", params={"t": make_token(receipt_key, code)}, timeout=10)
    assert tracking.status_code == 200 and "Đã trả kết quả" in tracking.text and "Tran Van Nhan" not in tracking.text
    window.sync.shutdown()
    window.tasks.shutdown()
