"""`kiosk`: the officer's desktop application."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time

STARTED = time.monotonic()  # as early as this module loads: start-up time is measured from here (and by bench/)

from PySide6.QtWidgets import QApplication

from kiosk import __version__
from ui.logfile import rotating_file_handler
from kiosk.storage.paths import DataDir, owner_problem, resolve_data_dir
from kiosk.storage.private import PRIVATE_UMASK

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="Máy tiếp nhận hồ sơ Một Cửa.")
    parser.add_argument("--data-dir", help="thư mục dữ liệu (mặc định: KIOSK_DATA_DIR hoặc thư mục dữ liệu người dùng)")
    parser.add_argument("--demo", action="store_true", help="chế độ trình diễn với dữ liệu mẫu (thư mục demo)")
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument(
        "--screenshot", metavar="PNG",
        help="khởi động, lưu ảnh màn hình đầu tiên (đăng nhập) vào tệp PNG rồi thoát — để quản trị viên kiểm tra từ xa",
    )
    parser.add_argument(
        "--startup-check", action="store_true",
        help="khởi động, in số giây đến khi màn hình đăng nhập nhận phím rồi thoát (0: đăng nhập; 1: có lỗi)",
    )
    return parser


def make_application(argv: list[str]) -> QApplication:
    app = QApplication.instance() or QApplication(argv)
    from ui.window.qt_app import register_fonts

    register_fonts()
    app.setApplicationName("Một Cửa Kiosk")
    from ui.window.screen import apply_text_size

    apply_text_size(app, large=False)  # the site's setting applies once its data folder is open (ui/window/screen.py)
    return app  # type: ignore[return-value]


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    os.umask(PRIVATE_UMASK)  # the whole process: folders 0700, files 0600 whatever the session's umask (docs/security.md)
    root = resolve_data_dir(args.data_dir, demo=args.demo)
    data = DataDir(root)
    if not owner_problem(root):  # another account's folder: the window says so, and writes nothing there
        data.ensure()
        root_logger = logging.getLogger()
        root_logger.addHandler(rotating_file_handler(data.logs_dir))
        root_logger.setLevel(logging.INFO)
    log.info("kiosk %s starting on %s (demo=%s)", __version__, root, args.demo)
    app = make_application(sys.argv[:1])
    from ui.window.main_window import MainWindow

    window = MainWindow(root, demo=args.demo)
    window.ready.connect(lambda at_login: log.info("first screen (%s) ready %.2f s after start", "login" if at_login else "message", time.monotonic() - STARTED))
    window.opened.connect(lambda ok: log.info("data folder %s %.2f s after start", "open" if ok else "failed to open", time.monotonic() - STARTED))
    if args.startup_check:
        window.ready.connect(lambda at_login: print(f"ready: {'login' if at_login else 'message'} {time.monotonic() - STARTED:.3f} s", flush=True))
        window.opened.connect(lambda ok: _report_opened(app, ok))
    from ui.window.screen import show_on_screen

    show_on_screen(window)
    window.start()
    if args.screenshot:
        _screenshot_when_ready(app, window, args.screenshot)
    code = app.exec()
    window.shutdown()
    return code


def _report_opened(app: QApplication, ok: bool) -> None:
    """`--startup-check`, second line: the data folder is open (a login is accepted now) or not; exit 0 or 1.

    The first line ("ready: login …") came when the login screen took keys, before the folder was open.
    """
    print(f"opened: {'ok' if ok else 'failed'} {time.monotonic() - STARTED:.3f} s", flush=True)
    app.exit(0 if ok else 1)


def _screenshot_when_ready(app: QApplication, window: "object", target: str, timeout_s: float = 120.0) -> None:
    """Save the first real screen (login, or the message saying what is wrong) and quit: exit 0 at login, else 1."""
    from PySide6.QtCore import QTimer

    started = time.monotonic()
    ready_since: list[float] = []
    timer = QTimer(window)  # type: ignore[arg-type]

    def poll() -> None:
        page = window.stack.currentWidget()  # type: ignore[attr-defined]
        at_login = page is window.login_page and window.ctx is not None  # type: ignore[attr-defined]
        failed = page is window.message_page and "Đang mở" not in window.message_page.heading.text()  # type: ignore[attr-defined]
        if (at_login or failed) and not ready_since:
            ready_since.append(time.monotonic())  # let the layout and the status bar settle before the picture
        settled = bool(ready_since) and time.monotonic() - ready_since[0] > 0.5
        if settled or time.monotonic() - started > timeout_s:
            timer.stop()
            window.grab().save(target)  # type: ignore[attr-defined]
            print(f"screen: {'login' if at_login else 'message'} -> {target}", flush=True)
            app.exit(0 if at_login else 1)

    timer.timeout.connect(poll)
    timer.start(100)


if __name__ == "__main__":
    sys.exit(main())
