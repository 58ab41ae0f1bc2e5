"""The officer's window refuses a data folder owned by another account, as kiosk-admin does, and writes nothing there."""

from __future__ import annotations

import os

import pytest

from conftest import start_main_window


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="changing a folder's owner needs root (the test machine runs as root)")
def test_the_window_refuses_a_data_folder_owned_by_another_account(qtbot, site_dir) -> None:
    from ui.window.app import make_application
    from ui.window.main_window import MainWindow

    make_application([])
    before = sorted(p.relative_to(site_dir) for p in site_dir.rglob("*"))
    os.chown(site_dir, 54321, 54321)
    try:
        window = MainWindow(site_dir)
        qtbot.addWidget(window)
        window.show()
        window.start()
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.message_page, timeout=20_000)
        shown = window.message_page.heading.text() + " " + window.message_page.body.text()
        assert "Không mở được dữ liệu" in shown and "54321" in shown and "tài khoản" in shown
        assert window.ctx is None
        assert sorted(p.relative_to(site_dir) for p in site_dir.rglob("*")) == before  # nothing written there
    finally:
        os.chown(site_dir, 0, 0)


def test_the_window_opens_a_folder_of_its_own_account(qtbot, site_dir) -> None:
    window = start_main_window(qtbot, site_dir)
    assert window.ctx is not None and window.stack.currentWidget() is window.login_page
