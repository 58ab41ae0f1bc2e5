"""A child process for bench/startup.py: a bare PySide6 window, or the real kiosk window logged in at its list.

Run as `python -m bench.gui_child MODE [DATA_DIR]`; prints one JSON line. Modes:
- `bare-start`: the baseline for cold start — a QApplication and one QLineEdit window, shown; prints when the
  event loop has turned once after `show()` (the same moment `kiosk --startup-check` reports).
- `bare-memory`: the same window, then its resident memory once settled.
- `kiosk-memory DATA_DIR`: the real MainWindow on DATA_DIR; logs in as the bench officer through the login
  page's own fields, opens the dossier list (its default search, as an officer would) and reports resident
  memory once the rows are on screen. Linux only (/proc/self/status).
"""

from __future__ import annotations

import json
import os
import sys
import time

STARTED = time.monotonic()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def resident_bytes() -> int:
    """VmRSS of this process, from /proc (what `top` shows as RES)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def settle(app, seconds: float) -> None:  # noqa: ANN001 - a QApplication
    """Let timers and deferred deletes run for a while, as a window left open does."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def bare(mode: str) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLineEdit

    app = QApplication(sys.argv[:1])
    window = QLineEdit()
    window.resize(1366, 768)
    window.show()

    def ready() -> None:
        print(f"ready: login {time.monotonic() - STARTED:.3f} s", flush=True)
        if mode == "bare-memory":
            settle(app, 1.0)
            print(json.dumps({"rss": resident_bytes()}), flush=True)
        app.exit(0)

    QTimer.singleShot(0, ready)
    return app.exec()


def kiosk_memory(root: str) -> int:
    from pathlib import Path

    from PySide6.QtTest import QTest

    from ui.window.app import make_application
    from ui.window.main_window import MainWindow

    app = make_application(sys.argv[:1])
    window = MainWindow(Path(root))
    window.show()
    window.start()
    deadline = time.monotonic() + 120

    def wait(condition, what: str) -> None:  # noqa: ANN001
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"kiosk did not reach {what}")
            app.processEvents()
            time.sleep(0.01)

    wait(lambda: window.stack.currentWidget() is window.login_page and window.ctx is not None, "the login screen")
    at_login = resident_bytes()
    window.login_page.username.setText("lan")
    window.login_page.pin.setText("246813")
    QTest.keyClick(window.login_page.pin, "\r")
    wait(lambda: window.stack.currentWidget() is window.home_page, "the home screen")
    window._open_list()  # what the home screen's "Danh sách hồ sơ" button does
    wait(lambda: window.list_page.model.rowCount() > 0, "a filled dossier list")
    settle(app, 1.0)
    print(json.dumps({"rss": resident_bytes(), "rss_at_login": at_login, "rows": window.list_page.model.rowCount()}), flush=True)
    window.sync.shutdown()
    window.tasks.shutdown()
    return 0


def main(argv: list[str]) -> int:
    mode = argv[0]
    if mode in ("bare-start", "bare-memory"):
        return bare(mode)
    if mode == "kiosk-memory":
        return kiosk_memory(argv[1])
    raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
