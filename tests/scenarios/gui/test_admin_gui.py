"""Roles in the window: only an administrator reaches the admin screen, and the core refuses an officer anyway."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from conftest import start_main_window, type_text
from ui.window.main_window import MainWindow


@pytest.fixture
def window(qtbot, site_dir: Path):
    win = start_main_window(qtbot, site_dir, officers=(("lan", "Trần Thị Lan", "officer", "246813"), ("quantri", "Phạm Văn Quản", "admin", "975318")))
    yield win
    win.tasks.shutdown()


def log_in(qtbot, win: MainWindow, username: str, pin: str) -> None:
    win.login_page.username.clear()
    qtbot.keyClicks(win.login_page.username, username)
    qtbot.keyClicks(win.login_page.pin, pin)
    qtbot.keyClick(win.login_page.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.home_page, timeout=10_000)


def test_an_officer_sees_no_admin_screen_and_the_core_refuses_them(qtbot, window: MainWindow) -> None:
    from kiosk.errors import AuthError
    from kiosk.security.officers import list_officers, unlock_officer

    log_in(qtbot, window, "lan", "246813")
    assert not window.home_page.admin_button.isVisible()
    window._open_admin()  # even if something asked for it
    assert window.stack.currentWidget() is window.home_page
    for action in (lambda: list_officers(window.ctx, window.officer), lambda: unlock_officer(window.ctx, window.officer, "lan")):
        with pytest.raises(AuthError, match="quản trị viên"):
            action()


def test_an_admin_adds_an_officer_unlocks_one_and_backs_up(qtbot, window: MainWindow, site_dir: Path) -> None:
    from sqlalchemy import select

    from kiosk.errors import AuthError
    from kiosk.storage.models import AuditEvent
    from kiosk.security.officers import MAX_FAILURES, login

    for _ in range(MAX_FAILURES):  # someone guessed lan's PIN at the counter: the account is locked
        with pytest.raises(AuthError):
            login(window.ctx, "lan", "0000")

    log_in(qtbot, window, "quantri", "975318")
    assert window.home_page.admin_button.isVisible()
    qtbot.mouseClick(window.home_page.admin_button, Qt.MouseButton.LeftButton)
    page = window.admin_page
    assert window.stack.currentWidget() is page
    qtbot.waitUntil(lambda: page.table.rowCount() == 2, timeout=10_000)
    states = {page.table.item(r, 0).text(): page.table.item(r, 3).text() for r in range(2)}
    assert states["lan"].startswith("Tạm khóa") and states["quantri"] == "Đang hoạt động"

    qtbot.keyClicks(page.username, "hoa")
    type_text(page.full_name, "Đỗ Thị Hoa")
    qtbot.keyClicks(page.pin, "12")  # too short: a clear message, nothing added
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.message.isVisible() and "PIN" in page.message.text(), timeout=10_000)
    qtbot.keyClicks(page.pin, "3456")  # 123456: six digits, but the first PIN anyone tries
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "liên tiếp" in page.message.text(), timeout=10_000)
    page.pin.clear()
    qtbot.keyClicks(page.pin, "739146")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.table.rowCount() == 3, timeout=10_000)
    assert "Đã thêm Đỗ Thị Hoa" in page.message.text()

    row = next(r for r in range(3) if page.table.item(r, 0).text() == "lan")
    page.table.selectRow(row)
    qtbot.mouseClick(page.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Đã mở khóa" in page.message.text(), timeout=10_000)
    qtbot.waitUntil(lambda: page.table.item(row, 3).text() == "Đang hoạt động", timeout=10_000)
    assert login(window.ctx, "lan", "246813").username == "lan"

    qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Đã sao lưu" in page.message.text(), timeout=20_000)
    assert list((site_dir / "backups").glob("kiosk-*.db"))
    with window.ctx.read() as session:
        actions = [(e.actor, e.action) for e in session.scalars(select(AuditEvent).where(AuditEvent.actor == "quantri"))]
    assert ("quantri", "officer.added") in actions and ("quantri", "officer.unlocked") in actions and ("quantri", "backup.created") in actions


def test_an_admin_changes_settings_and_enrols_the_kiosk_from_the_admin_screen(qtbot, window: MainWindow, site_dir: Path, tmp_path: Path) -> None:
    from kiosk.storage.paths import DataDir
    from kiosk.storage.settings import load_settings
    from portal_server import start_portal
    from sync.credentials import load_credentials

    log_in(qtbot, window, "quantri", "975318")
    qtbot.mouseClick(window.home_page.admin_button, Qt.MouseButton.LeftButton)
    page = window.admin_page
    qtbot.waitUntil(lambda: "idle_lock_minutes" in page.setting_edits, timeout=10_000)
    assert "unit_id" not in page.setting_edits  # part of every code: not editable here
    idle = page.setting_edits["idle_lock_minutes"]
    idle.clear()
    qtbot.keyClicks(idle, "500")  # out of range: a clear message, nothing saved
    qtbot.mouseClick(page.save_settings_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.message.isVisible() and "1 đến 120" in page.message.text(), timeout=10_000)
    assert load_settings(site_dir / "settings.json").idle_lock_minutes == 5
    idle.clear()
    qtbot.keyClicks(idle, "10")
    hotline = page.setting_edits["hotline"]
    hotline.clear()
    qtbot.keyClicks(hotline, "0241 3 826 888")
    qtbot.mouseClick(page.save_settings_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Đã lưu thiết lập" in page.message.text(), timeout=10_000)
    saved = load_settings(site_dir / "settings.json")
    assert saved.idle_lock_minutes == 10 and saved.hotline == "0241 3 826 888" and window.ctx.settings.idle_lock_minutes == 10

    with start_portal(tmp_path / "portal") as portal:
        page.portal_url.clear()
        qtbot.keyClicks(page.portal_url, portal.url)
        qtbot.keyClicks(page.enrolment_code, "WRONG-CODE-1234")
        qtbot.mouseClick(page.enrol_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Mã đăng ký không đúng" in page.message.text(), timeout=20_000)
        assert load_credentials(DataDir(site_dir)) is None
        page.enrolment_code.clear()
        qtbot.keyClicks(page.enrolment_code, portal.enrolment_code("000.00.07.H26", 1))
        qtbot.mouseClick(page.enrol_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Đã đăng ký máy với cổng" in page.message.text(), timeout=20_000)
        assert load_credentials(DataDir(site_dir)).portal_url == portal.url
        assert "Đã đăng ký với" in page.enrolment_state.text()
        window.sync.shutdown()
