"""After `kiosk-admin restore` over an unreadable database, the officer who logs in sees what the restore did and the
codes that may have been issued; one is re-entered from its paper copy through the wizard under that very code (the
stored dossier and the receipt carry it), another is marked "Không có bản giấy"; the notice number is listed to look
for (docs/restore.md)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt

from conftest import log_in, pdf_page_text, press_through_wizard, start_main_window, walk_sample_dossier

LOOK_DIR = Path(os.environ.get("KIOSK_LOOK_DIR", "/tmp/kiosk-look"))


def _lose_the_database_after_a_backup(root: Path) -> tuple[list[str], str]:
    """Receive a dossier, back up, receive two more and record a guidance notice, garble the database, restore."""
    from forms.samples import sample_values
    from gui_thread_guard import seeding
    from kiosk.dossier.notices import record_guidance
    from kiosk.dossier.submit import submit
    from kiosk.security.officers import add_officer, login
    from kiosk.storage.backup import backup, restore
    from kiosk.storage.context import open_kiosk

    with seeding():
        ctx = open_kiosk(root)
        with ctx.transaction() as session:
            add_officer(session, "lan", "Trần Thị Lan", "officer", "246813")
        officer = login(ctx, "lan", "246813")
        procedure = ctx.catalogue.get("1.004873")

        def receive(seed: int) -> str:
            values = sample_values(procedure, seed=seed, today=date.today())
            return submit(ctx, procedure=procedure, values=values, officer=officer).code

        receive(1)
        made = backup(ctx)
        lost = [receive(2), receive(3)]
        notice = record_guidance(ctx, procedure, {}, [procedure.documents[0].id], "", officer)
        ctx.close()
        db = root / "kiosk.db"
        db.write_bytes(os.urandom(db.stat().st_size))  # the disk garbled it
        for suffix in ("-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        restore(root, made.path, actor="admin")
    return lost, str(notice.notice_number)


def type_login(qtbot, window) -> None:
    """Log in as lan by keyboard; the caller waits for the restore page (home may show for less than one poll)."""
    window.login_page.username.clear()
    qtbot.keyClicks(window.login_page.username, "lan")
    qtbot.keyClicks(window.login_page.pin, "246813")
    qtbot.keyClick(window.login_page.pin, Qt.Key.Key_Return)


def test_the_officer_sees_the_restore_and_re_enters_a_dossier_under_its_old_code(qtbot, site_dir, tmp_path) -> None:
    from conftest import open_raw_db

    lost, guidance = _lose_the_database_after_a_backup(site_dir)
    window = start_main_window(qtbot, site_dir, officers=())
    try:
        type_login(qtbot, window)  # the restore page follows home at once: wait for it, not for home
        nav = window.restore_nav
        page = nav.page
        qtbot.waitUntil(lambda: window.stack.currentWidget() is page and page.view is not None, timeout=10_000)
        assert list(page.code_buttons) == lost
        shown = " ".join(label.text() for label in page.findChildren(type(page.heading)))
        assert "KHÔNG đọc được cơ sở dữ liệu trước khi khôi phục" in shown  # the CLI's words
        assert f"Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ số {guidance}" in shown
        LOOK_DIR.mkdir(parents=True, exist_ok=True)
        page.grab().save(str(LOOK_DIR / "restore-screen.png"))

        # No paper copy of the first code: dismissed (Enter on the focused button), it leaves the list.
        page.code_buttons[lost[0]][1].setFocus()
        qtbot.keyClick(page.code_buttons[lost[0]][1], Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: lost[0] not in page.code_buttons and lost[1] in page.code_buttons, timeout=10_000)
        assert any(f"{lost[0]}: không có bản giấy" in label.text() for label in page.findChildren(type(page.heading)))

        # The paper copy of the second: re-entered through the wizard under that code.
        page.code_buttons[lost[1]][0].setFocus()
        qtbot.keyClick(page.code_buttons[lost[1]][0], Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home_page, timeout=5_000)
        assert nav.button.isVisible() and lost[1] in nav.button.text()
        window.home_page.grab().save(str(LOOK_DIR / "restore-home-pending.png"))
        walk_sample_dossier(qtbot, window, "1.004873")
        receipt = window.receipt_page
        qtbot.waitUntil(lambda: window.stack.currentWidget() is receipt and receipt.data is not None, timeout=15_000)
        assert receipt.data.dossier_code == lost[1]
        pdf = tmp_path / "reentered.pdf"
        receipt.save_pdf_to(pdf)
        qtbot.waitUntil(pdf.exists, timeout=20_000)
        assert lost[1] in pdf_page_text(pdf, LOOK_DIR)

        connection = open_raw_db(site_dir)
        try:
            rows = connection.execute("SELECT lifecycle FROM dossier WHERE code = ?", (lost[1],)).fetchall()
            assert rows == [("submitted",)]
        finally:
            connection.close()

        # Nothing is left to look for; "Đã xem" (Ctrl+Enter) and the screen no longer opens at login.
        nav.open()
        qtbot.waitUntil(lambda: window.stack.currentWidget() is page and page.view is not None and not page.view.open_codes,
                        timeout=10_000)
        assert page.code_buttons == {}
        qtbot.keyClick(page.seen_button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home_page, timeout=10_000)
        qtbot.waitUntil(lambda: not nav.button.isVisible(), timeout=10_000)
        window._logout()
        log_in(qtbot, window)
        qtbot.wait(300)
        assert window.stack.currentWidget() is window.home_page
    finally:
        window.tasks.shutdown()


def test_a_re_entry_kept_as_a_draft_is_still_received_under_its_code(qtbot, site_dir) -> None:
    from forms.samples import sample_values

    lost, _ = _lose_the_database_after_a_backup(site_dir)
    window = start_main_window(qtbot, site_dir, officers=())
    try:
        type_login(qtbot, window)  # the restore page follows home at once: wait for it, not for home
        page, wizard = window.restore_nav.page, window.wizard_page
        qtbot.waitUntil(lambda: window.stack.currentWidget() is page and page.view is not None, timeout=10_000)
        page.code_buttons[lost[0]][0].click()
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home_page, timeout=5_000)
        window.home_page.procedure_chosen.emit("1.004873")
        qtbot.waitUntil(lambda: window.stack.currentWidget() is wizard, timeout=5_000)
        assert wizard.reuse_code == lost[0] and lost[0] in wizard.version_notice.text()
        wizard.start(wizard.procedure, sample_values(wizard.procedure, seed=3, today=date.today()), 0, None)
        wizard.reuse_code = lost[0]  # start() above stands in for typing; the re-entry is the one begun from home
        draft = wizard.draft_uuid
        qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)  # one page typed: there is a draft to keep
        assert not wizard.error.isVisible(), wizard.error.text()
        wizard.exit_button.click()  # "Thoát (giữ bản nháp)"
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home_page and wizard.reuse_code is None, timeout=5_000)
        drafts = window.home_page.drafts
        qtbot.waitUntil(lambda: draft in {drafts.item(i).data(Qt.ItemDataRole.UserRole) for i in range(drafts.count())}, timeout=10_000)

        window.home_page.draft_chosen.emit(draft)  # resumed later: still the re-entry under its code
        qtbot.waitUntil(lambda: window.stack.currentWidget() is wizard and wizard.draft_uuid == draft, timeout=10_000)
        assert wizard.reuse_code == lost[0] and lost[0] in wizard.version_notice.text()
        press_through_wizard(qtbot, window)
        receipt = window.receipt_page
        qtbot.waitUntil(lambda: window.stack.currentWidget() is receipt and receipt.data is not None, timeout=15_000)
        assert receipt.data.dossier_code == lost[0]
    finally:
        window.tasks.shutdown()
