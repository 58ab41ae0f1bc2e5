"""The review page's fee: computed before the officer commits; ticking an exemption recomputes; a hand amount where none is set."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QPoint, Qt

from conftest import open_raw_db
from forms.samples import sample_values
from ui.window.main_window import MainWindow

SHOTS = Path("/tmp/fees-shots")


def to_review(qtbot, win: MainWindow, code: str, values_change: dict | None = None):
    win.login_page.username.clear()
    qtbot.keyClicks(win.login_page.username, "lan")
    qtbot.keyClicks(win.login_page.pin, "246813")
    qtbot.keyClick(win.login_page.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.home_page, timeout=10_000)
    win.home_page.procedure_chosen.emit(code)
    wizard = win.wizard_page
    qtbot.waitUntil(lambda: win.stack.currentWidget() is wizard and wizard.procedure is not None, timeout=10_000)
    values = dict(sample_values(wizard.procedure, seed=5, today=date.today()), **(values_change or {}))
    wizard.start(wizard.procedure, values, 0, None)
    for _ in range(20):
        if wizard.step == "review":
            break
        if wizard.step == "documents":
            wizard.tick_all_documents()
        qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
        assert not wizard.error.isVisible(), wizard.error.text()
    assert wizard.step == "review"
    return wizard


def stored_fee(site_dir: Path):
    connection = open_raw_db(site_dir)
    try:
        row = connection.execute("SELECT id, fee, fee_amount_vnd FROM dossier WHERE lifecycle = 'submitted'").fetchone()
        docs = connection.execute("SELECT name, way FROM dossier_document WHERE dossier_id = ? ORDER BY position", (row[0],)).fetchall()
        return row[1], row[2], docs
    finally:
        connection.close()


def test_ticking_an_exemption_recomputes_and_its_proof_is_kept_as_shown(qtbot, window: MainWindow, site_dir: Path) -> None:
    wizard = to_review(qtbot, window, "1.004873")
    box = wizard.fee_box
    assert "Chưa có biểu phí" in box.summary.text() and box.hand_amount.isVisible()
    SHOTS.mkdir(exist_ok=True)
    wizard.grab().save(str(SHOTS / "review-no-table.png"))

    poor = box.exemptions["ho_ngheo"]
    assert "Giấy chứng nhận hộ nghèo" in poor.text()
    qtbot.mouseClick(poor, Qt.MouseButton.LeftButton, pos=QPoint(8, poor.height() // 2))  # on the box, as an officer clicks
    assert "Miễn (Người thuộc hộ nghèo)" in box.summary.text() and not box.hand_amount.isVisible()
    qtbot.wait(300)  # let the layout take the new texts before the screenshot (a grab does not wait for it)
    wizard.grab().save(str(SHOTS / "review-exempt.png"))
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.receipt_page, timeout=20_000)
    fee, amount, docs = stored_fee(site_dir)
    assert amount == 0 and '"ho_ngheo"' in fee
    assert docs[-1] == ("Giấy chứng nhận hộ nghèo", "shown")


def test_a_hand_amount_and_the_fee_receipt_number(qtbot, window: MainWindow, site_dir: Path) -> None:
    wizard = to_review(qtbot, window, "1.004873")
    box = wizard.fee_box
    box.hand_amount.clear()
    qtbot.keyClicks(box.hand_amount, "25000")
    assert not box.receipt_number.isEnabled()
    qtbot.mouseClick(box.collected, Qt.MouseButton.LeftButton)
    assert box.receipt_number.isEnabled()
    qtbot.keyClicks(box.receipt_number, "BL-0042")
    wizard.grab().save(str(SHOTS / "review-hand.png"))
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.receipt_page, timeout=20_000)
    fee, amount, _docs = stored_fee(site_dir)
    assert amount == 25000 and '"source": "hand"' in fee and '"BL-0042"' in fee
