"""Start-up: the login takes keys before the data folder is open, and a login sent meanwhile goes ahead by itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt

from kiosk.storage.context import open_kiosk
from kiosk.security.officers import add_officer
from ui.window.app import make_application
from ui.window.main_window import MainWindow

REPO = Path(__file__).resolve().parents[3]


def _add_lan(root: Path) -> None:
    ctx = open_kiosk(root)
    with ctx.transaction() as session:
        add_officer(session, "lan", "Trần Thị Lan", "officer", "246813")
    ctx.close()


def _log_in_while_opening(qtbot, root: Path, pin: str) -> MainWindow:
    """Start the real window on `root` and type a login before the event loop has run once."""
    _add_lan(root)
    make_application([])
    window = MainWindow(root)
    qtbot.addWidget(window)
    window.show()
    window.start()
    # The event loop has not run yet, so the worker's result cannot have arrived: the folder is still opening.
    assert window.stack.currentWidget() is window.login_page and window.ctx is None
    qtbot.keyClicks(window.login_page.username, "lan")
    qtbot.keyClicks(window.login_page.pin, pin)
    qtbot.keyClick(window.login_page.pin, Qt.Key.Key_Return)
    return window


def test_login_typed_while_the_folder_opens_goes_ahead(qtbot, site_dir: Path) -> None:
    window = _log_in_while_opening(qtbot, site_dir, "246813")
    assert "Đang mở dữ liệu" in window.login_page.notice.text() and not window.login_page.error.isVisible()
    qtbot.waitUntil(lambda: window.officer is not None and window.stack.currentWidget() is window.home_page, timeout=30_000)
    assert window.officer.username == "lan"
    window.shutdown()


def test_wrong_pin_typed_while_opening_is_refused_once_open(qtbot, site_dir: Path) -> None:
    window = _log_in_while_opening(qtbot, site_dir, "0000")
    qtbot.waitUntil(lambda: window.login_page.error.isVisible(), timeout=30_000)
    assert "không đúng" in window.login_page.error.text() and window.officer is None
    assert not window.login_page.notice.isVisible()
    window.shutdown()


def _startup_check(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "ui.window.app", "--data-dir", str(root), "--startup-check"],
        capture_output=True, text=True, timeout=120, env=env, cwd=REPO, check=False,
    )


def test_startup_check_reports_login_then_open(site_dir: Path) -> None:
    done = _startup_check(site_dir)
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stderr
    assert lines[0].startswith("ready: login ") and lines[1].startswith("opened: ok "), lines
    ready, opened = (float(line.split()[2]) for line in lines[:2])
    assert 0 < ready <= opened


def test_startup_check_on_a_folder_never_set_up_exits_1(tmp_path: Path) -> None:
    done = _startup_check(tmp_path / "empty")
    assert done.returncode == 1
    assert "opened: failed" in done.stdout
