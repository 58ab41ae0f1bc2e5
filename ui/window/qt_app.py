"""The Qt application object, made on demand (headless without a display), and the shipped fonts."""

from __future__ import annotations

import logging
import os
import sys
import threading
import weakref

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFontDatabase, QGuiApplication

from assets import asset_path

log = logging.getLogger(__name__)

_lock = threading.Lock()
_registered: dict[str, object] = {}  # "app": weakref to the app the fonts went into; "families"


def _needs_offscreen() -> bool:
    # Only X11/Wayland platforms need a display server; Windows and macOS always have a screen.
    if sys.platform.startswith(("win", "darwin")):
        return False
    if os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def ensure_gui_app() -> QGuiApplication:
    """The running QGuiApplication/QApplication, or a new QGuiApplication; fonts registered.

    Call it on the main thread before any rendering. The GUI creates its QApplication first; for
    headless use (``kiosk-admin receipt``, tests) this creates a QApplication too, so that widgets made
    later in the same process (a test suite, the doctor's printer check) still work.
    """
    app = QCoreApplication.instance()
    if app is None:
        if threading.current_thread() is not threading.main_thread():
            raise RuntimeError("the Qt application must be created on the main thread")
        if _needs_offscreen():
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtWidgets import QApplication

        app = QApplication(sys.argv[:1] or ["kiosk"])
    elif not isinstance(app, QGuiApplication):
        raise RuntimeError("a QCoreApplication without GUI exists; receipts need QGuiApplication")
    register_fonts()
    return app


def register_fonts() -> list[str]:
    """Add every ``assets/fonts/*.ttf`` to Qt's font database once per application; family names."""
    app = QCoreApplication.instance()
    if not isinstance(app, QGuiApplication):
        raise RuntimeError("register_fonts() needs a QGuiApplication; call ensure_gui_app()")
    with _lock:
        ref = _registered.get("app")
        if ref is not None and ref() is app:  # type: ignore[operator]
            return list(_registered["families"])  # type: ignore[arg-type]
        families: list[str] = []
        for path in sorted(asset_path("fonts").glob("*.ttf")):
            font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id == -1:
                log.warning("could not load font %s", path.name)
                continue
            for family in QFontDatabase.applicationFontFamilies(font_id):
                if family not in families:
                    families.append(family)
        _registered["app"] = weakref.ref(app)
        _registered["families"] = families
        return list(families)
