"""A PIN set before the PIN policy (4 digits) still logs in, and the window asks for a new one before anything else."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from conftest import start_main_window
from gui_thread_guard import seeding, seeds
from ui.window.main_window import MainWindow


@pytest.fixture
def window(qtbot, site_dir: Path):
    from kiosk.storage.context import open_kiosk
    from kiosk.storage.models import Officer

    with seeding():  # written as the code before the policy wrote it: an officer with a 4-digit PIN
        ctx = open_kiosk(site_dir)
        with ctx.transaction() as session:
            session.add(Officer(username="cu", full_name="Lê Văn Cũ", role="officer", pin_hash=PasswordHasher().hash("1357")))
        ctx.close()
    win = start_main_window(qtbot, site_dir)
    yield win
    win.tasks.shutdown()


def type_and_enter(qtbot, text: str) -> None:
    """Type into whatever has focus and press Enter, as an officer does."""
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClicks(focused, text)
    qtbot.keyClick(focused, Qt.Key.Key_Return)


def log_in_as(qtbot, win: MainWindow, username: str, pin: str) -> None:
    win.login_page.username.clear()
    qtbot.keyClicks(win.login_page.username, username)
    qtbot.keyClick(win.login_page.username, Qt.Key.Key_Return)
    type_and_enter(qtbot, pin)


@seeds
def pin_actions(win: MainWindow) -> list[str]:
    from sqlalchemy import select

    from kiosk.storage.models import AuditEvent

    with win.ctx.read() as session:
        return [e.action for e in session.scalars(select(AuditEvent).where(AuditEvent.actor == "cu").order_by(AuditEvent.id))]


def test_an_old_short_pin_is_changed_by_keyboard_before_the_home_screen(qtbot, window: MainWindow) -> None:
    page = window.pin_change_page
    log_in_as(qtbot, window, "cu", "1357")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is page, timeout=10_000)
    assert window.officer is None  # nobody is logged in on the window until the PIN is changed
    assert "6 chữ số" in page.why.text() and "Lê Văn Cũ" in page.greeting.text()
    qtbot.waitUntil(lambda: page.current.hasFocus(), timeout=5_000)

    type_and_enter(qtbot, "1357")
    type_and_enter(qtbot, "123456")
    type_and_enter(qtbot, "123456")  # a run: refused by the core's policy
    qtbot.waitUntil(lambda: "liên tiếp" in page.error.text(), timeout=10_000)
    assert page.new.hasFocus() and page.current.text() == "1357"

    type_and_enter(qtbot, "739146")
    type_and_enter(qtbot, "739145")  # typed differently the second time
    assert "không khớp" in page.error.text() and page.new.hasFocus()

    type_and_enter(qtbot, "739146")
    type_and_enter(qtbot, "739146")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home_page, timeout=10_000)
    assert window.officer is not None and window.officer.username == "cu" and not window.officer.pin_change_due
    assert "Đã đổi mã PIN" in window.statusBar().currentMessage()
    assert "officer.pin_changed" in pin_actions(window)

    qtbot.mouseClick(window.home_page.logout_button, Qt.MouseButton.LeftButton)
    log_in_as(qtbot, window, "cu", "739146")  # the new PIN: straight to the home screen
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home_page, timeout=10_000)


def test_escape_logs_out_and_the_change_is_asked_again_at_the_next_login(qtbot, window: MainWindow) -> None:
    page = window.pin_change_page
    log_in_as(qtbot, window, "cu", "1357")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is page, timeout=10_000)
    qtbot.waitUntil(lambda: page.current.hasFocus(), timeout=5_000)
    qtbot.keyClick(page.current, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.login_page and window.officer is None
    log_in_as(qtbot, window, "cu", "1357")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is page, timeout=10_000)
    qtbot.keyClick(page.current, Qt.Key.Key_Escape)
    log_in_as(qtbot, window, "lan", "246813")  # a PIN that passes today's policy is never asked to change
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home_page, timeout=10_000)
