"""The window on the counter's screen: opened maximised, F11 for full screen, the site's large-text setting, and
Enter on the queue opening the dossier (in the dossier list, where its detail lives).

The text size is the whole application's: the stylesheet sizes its text in pixels (assets/style.qss), which wins
over the application font, so "large text" scales both: every `font-size: Npx` of the stylesheet and the font.
Sizes of single widgets are rules of the stylesheet too (by object name), never inline in code, so they scale.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication

from assets import asset_path

if TYPE_CHECKING:
    from ui.window.main_window import MainWindow

FONT_FAMILY, FONT_POINTS = "Noto Sans", 12
LARGE_TEXT_SCALE = 1.25
FULL_SCREEN_KEY = "F11"
_FONT_SIZE = re.compile(r"font-size:\s*(\d+)px")


def scaled_stylesheet(text: str, scale: float) -> str:
    """The stylesheet with every pixel font size times `scale` (rounded; the rest as written)."""
    if scale == 1:
        return text
    return _FONT_SIZE.sub(lambda m: f"font-size: {round(int(m.group(1)) * scale)}px", text)


def apply_text_size(app: QApplication, large: bool) -> None:
    """The shipped stylesheet and font, at the large size when the site asks for it (from the original each time).

    Only on a change: a new stylesheet re-polishes every widget (a second on a counter PC), and the admin screen
    saves all settings at once, most often without touching this one.
    """
    if app.property("kiosk_large_text") == large:
        return
    app.setProperty("kiosk_large_text", large)
    scale = LARGE_TEXT_SCALE if large else 1.0
    app.setFont(QFont(FONT_FAMILY, round(FONT_POINTS * scale)))
    app.setStyleSheet(scaled_stylesheet(asset_path("style.qss").read_text(encoding="utf-8"), scale))


def show_on_screen(window: MainWindow) -> None:
    """How the application first shows its window: maximised, the taskbar left visible (F11 for full screen).

    Not on a screen smaller than the window's minimum size (the headless "offscreen" screen of `kiosk --screenshot`
    is 800x600): there a maximised window would be cut below what its pages are laid out for.
    """
    screen = window.screen().availableGeometry()
    minimum = window.minimumSize()
    if screen.width() >= minimum.width() and screen.height() >= minimum.height():
        window.showMaximized()
    else:
        window.show()


def toggle_full_screen(window: MainWindow) -> None:
    if window.isFullScreen():
        window.showMaximized()
    else:
        window.showFullScreen()


def install_screen(window: MainWindow) -> None:
    """F11, the text size now and whenever an administrator changes it, and the queue's Enter."""
    app = QApplication.instance()
    shortcut = QShortcut(QKeySequence(FULL_SCREEN_KEY), window)
    shortcut.activated.connect(lambda: toggle_full_screen(window))
    window.full_screen_shortcut = shortcut
    if isinstance(app, QApplication):
        apply_text_size(app, window.session.context.settings.large_text)
        window.admin_page.settings_changed.connect(lambda settings: apply_text_size(app, settings.large_text))

    def open_from_queue(code: str) -> None:
        if window.officer is None:
            return
        window.stack.setCurrentWidget(window.list_page)
        window.list_page.show_code(code)
        window.list_page.show_detail(code)

    window.queue_page.dossier_chosen.connect(open_from_queue)
