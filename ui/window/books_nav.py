"""The way to the "Sổ theo dõi và báo cáo" page: F9 from the home screen, the dossier list or the queue.

Kept out of main_window (which only navigates and stays small): this adds the page to the stack, its shortcut
and its way back home. Not from the wizard or a receipt, so a draft is never left half-way by a key press.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence, QShortcut

if TYPE_CHECKING:
    from ui.window.main_window import MainWindow

SHORTCUT = "F9"


def install_books(window: MainWindow) -> None:
    """Build the books page into ``window``'s stack and bind F9 to it."""
    from ui.pages.books.logbook import BooksPage

    page = BooksPage(window.session)
    window.books_page = page
    window.stack.addWidget(page)
    page.home_requested.connect(window._go_home)

    def open_books() -> None:
        if window.officer is None:
            return
        if window.stack.currentWidget() in (window.home_page, window.list_page, window.queue_page):
            window.stack.setCurrentWidget(page)
            page.open()

    shortcut = QShortcut(QKeySequence(SHORTCUT), window)
    shortcut.activated.connect(open_books)
    window.books_shortcut = shortcut
