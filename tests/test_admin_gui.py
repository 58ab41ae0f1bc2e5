"""Roles in the window: only an administrator reaches the admin screen, and the core refuses an officer anyway."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from conftest import start_main_window, type_text
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, site_dir: Path):
    win = start_main_window(qtbot, site_dir, officers=(("lan", "Trần Thị Lan", "officer", "2468"), ("quantri", "Phạm Văn Quản", "admin", "97531")))
    yield win
    win.bridge.shutdown()


def log_in(qtbot, win: MainWindow, username: str, pin: str) -> None:
    win.login_page.username.clear()
    qtbot.keyClicks(win.login_page.username, username)
    qtbot.keyClicks(win.login_page.pin, pin)
    qtbot.keyClick(win.login_page.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.home_page, timeout=10_000)


def test_an_officer_sees_no_admin_screen_and_the_core_refuses_them(qtbot, window: MainWindow) -> None:
    from kiosk.errors import AuthError
    from kiosk.officers import list_officers, unlock_officer

    log_in(qtbot, window, "lan", "2468")
    assert not window.home_page.admin_button.isVisible()
    window._open_admin()  # even if something asked for it
    assert window.stack.currentWidget() is window.home_page
    for action in (lambda: list_officers(window.ctx, window.officer), lambda: unlock_officer(window.ctx, window.officer, "lan")):
        with pytest.raises(AuthError, match="quản trị viên"):
            action()


def test_an_admin_adds_an_officer_unlocks_one_and_backs_up(qtbot, window: MainWindow, site_dir: Path) -> None:
    from sqlalchemy import select

    from kiosk.errors import AuthError
    from kiosk.models import AuditEvent
    from kiosk.officers import MAX_FAILURES, login

    for _ in range(MAX_FAILURES):  # someone guessed lan's PIN at the counter: the account is locked
        with pytest.raises(AuthError):
            login(window.ctx, "lan", "0000")

    log_in(qtbot, window, "quantri", "97531")
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
    qtbot.keyClicks(page.pin, "3456")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.table.rowCount() == 3, timeout=10_000)
    assert "Đã thêm Đỗ Thị Hoa" in page.message.text()

    row = next(r for r in range(3) if page.table.item(r, 0).text() == "lan")
    page.table.selectRow(row)
    qtbot.mouseClick(page.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Đã mở khóa" in page.message.text(), timeout=10_000)
    qtbot.waitUntil(lambda: page.table.item(row, 3).text() == "Đang hoạt động", timeout=10_000)
    assert login(window.ctx, "lan", "2468").username == "lan"

    qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Đã sao lưu" in page.message.text(), timeout=20_000)
    assert list((site_dir / "backups").glob("kiosk-*.db"))
    with window.ctx.read() as session:
        actions = [(e.actor, e.action) for e in session.scalars(select(AuditEvent).where(AuditEvent.actor == "quantri"))]
    assert ("quantri", "officer.added") in actions and ("quantri", "officer.unlocked") in actions and ("quantri", "backup.created") in actions
