"""Child process for test_rating_second_screen: the real window on a Qt offscreen platform with two screens.

Qt's offscreen platform takes a JSON file of screens (`offscreen:configfile=…`), which a test process that already
made its QApplication with one screen cannot change: hence a child. It logs in, asks for a rating of the dossier given,
presses the citizen's key on the page, and prints what it saw as one JSON line.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt
from PySide6.QtTest import QTest


def _wait(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)
    return True


def main(root: str, code: str) -> None:
    from ui.window.app import make_application
    from ui.window.main_window import MainWindow

    app = make_application([])
    window = MainWindow(Path(root))
    window.resize(1366, 768)
    window.show()
    window.start()
    assert _wait(lambda: window.stack.currentWidget() is window.login_page and window.ctx is not None), "no login page"
    window.login_page.username.setText("lan")
    window.login_page.pin.setText("246813")
    QTest.keyClick(window.login_page.pin, Qt.Key.Key_Return)
    assert _wait(lambda: window.stack.currentWidget() is window.home_page), "no home page"

    window.rating.ask(code)
    page = window.rating.page
    _wait(lambda: page.isVisible())
    seen = {
        "screens": [s.name() for s in app.screens()],
        "on_second_screen": window.rating.on_second_screen,
        "page_is_window": page.isWindow(),
        "page_screen": page.screen().name(),
        "page_full_screen": page.isFullScreen(),
        "officer_page_kept": window.stack.currentWidget() is window.home_page,
        "window_shows_no_rating": window.stack.indexOf(page) == -1,
    }
    QTest.keyClick(page, Qt.Key.Key_1)
    seen["step_after_key"] = page.step
    seen["page_hidden_after"] = _wait(lambda: not page.isVisible(), timeout=10.0)
    seen["officer_page_after"] = window.stack.currentWidget() is window.home_page
    window.tasks.shutdown()
    print("SEEN " + json.dumps(seen), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
