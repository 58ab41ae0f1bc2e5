"""Officers at a shared counter PC: a PIN guessed over and over locks the account; an idle window locks itself and keeps the draft."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from conftest import start_main_window, type_text
from gui_thread_guard import seeds
from kiosk.security.officers import FIRST_LOCKOUT, LOGIN_REFUSED, MAX_FAILURES
from ui.window.main_window import MainWindow


@pytest.fixture
def window(qtbot, site_dir: Path):
    win = start_main_window(qtbot, site_dir, officers=(("lan", "Trần Thị Lan", "officer", "246813"), ("minh", "Lê Văn Minh", "officer", "135792")))
    yield win
    win.tasks.shutdown()


def try_pin(qtbot, win: MainWindow, pin: str, username: str = "lan") -> None:
    page = win.login_page
    page.username.clear()
    qtbot.keyClicks(page.username, username)
    page.pin.clear()
    qtbot.keyClicks(page.pin, pin)
    qtbot.keyClick(page.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.button.isEnabled() or win.stack.currentWidget() is not page, timeout=10_000)


def test_pin_brute_force_locks_the_account(qtbot, window: MainWindow, site_dir: Path) -> None:
    from sqlalchemy import select

    from kiosk.storage.context import open_kiosk
    from kiosk.storage.models import AuditEvent, Officer
    from kiosk.security.officers import authenticate

    try_pin(qtbot, window, "739146", username="khongco")  # an unknown name
    unknown = window.login_page.error.text()
    for attempt in range(1, MAX_FAILURES + 1):
        try_pin(qtbot, window, f"{attempt:06d}")
        assert window.login_page.error.text() == unknown  # no tries left shown, nothing that tells lan exists
    try_pin(qtbot, window, "246813")  # the right PIN, too late: still locked, and still the same words
    assert window.login_page.error.text() == unknown == LOGIN_REFUSED and window.stack.currentWidget() is window.login_page
    try_pin(qtbot, window, "135792", username="minh")  # another officer is not locked out by it
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home_page, timeout=10_000)

    ctx = open_kiosk(site_dir)
    try:
        with ctx.read() as session:
            lan = session.scalar(select(Officer).where(Officer.username == "lan"))
            failures = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "login.failed", AuditEvent.actor == "lan")))
        assert lan.locked_until is not None
        assert len(failures) == MAX_FAILURES + 1 and failures[-1].details == {"reason": "locked", "locked": True,
                                                                              "locked_until": lan.locked_until.isoformat()}
        # the lock is timed: after FIRST_LOCKOUT the right PIN works again
        with ctx.transaction() as session:
            assert authenticate(session, "lan", "246813", now=lan.locked_until + timedelta(seconds=1)).username == "lan"
        assert FIRST_LOCKOUT == timedelta(minutes=5)
    finally:
        ctx.close()


def test_idle_window_locks_itself_and_keeps_the_open_draft(qtbot, window: MainWindow, site_dir: Path) -> None:
    from kiosk.storage.context import open_kiosk

    assert window.session.context.settings.idle_lock_minutes == 5  # the default
    try_pin(qtbot, window, "246813")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home_page, timeout=10_000)
    qtbot.keyClicks(window.home_page.search, "khai sinh")
    qtbot.keyClick(window.home_page.search, Qt.Key.Key_Return)
    wizard = window.wizard_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is wizard, timeout=5_000)
    name_input = wizard.rows["submitter_name"].widget.input
    name_input.setFocus()
    type_text(name_input, "Hoàng Thị Mai")
    assert wizard.wizard.values.get("submitter_name") == "Hoàng Thị Mai"

    window.idle.set_interval_ms(400)  # stand-in for the 5 minutes: nobody touches the keyboard from here on
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.login_page, timeout=20_000)
    assert "tự khóa" in window.login_page.demo_hint.text() and window.login_page.username.text() == "lan"
    assert window.officer is None

    ctx = open_kiosk(site_dir)  # the draft is on disk, not only in the widgets
    try:
        qtbot.waitUntil(lambda: _draft_names(ctx) == ["Hoàng Thị Mai"], timeout=10_000)
    finally:
        ctx.close()

    qtbot.keyClicks(window.login_page.pin, "246813")
    qtbot.keyClick(window.login_page.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is wizard, timeout=10_000)
    assert wizard.wizard.values.get("submitter_name") == "Hoàng Thị Mai"
    assert window.idle.armed


@seeds  # the test inspects the drafts inside a qtbot wait
def _draft_names(ctx) -> list[str]:
    from sqlalchemy import select

    from kiosk.storage.models import Dossier

    with ctx.read() as session:
        return [d.values.get("submitter_name") for d in session.scalars(select(Dossier).where(Dossier.lifecycle == "draft"))]
