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
    """Bind F9 to the books page, which is built the first time it is wanted (`books_page`), not at start-up:
    its modules and widgets were about 0.14 s of the pages built before a login was accepted (docs/startup.md)."""

    def open_books() -> None:
        if window.officer is None:
            return
        if window.stack.currentWidget() in (window.home_page, window.list_page, window.queue_page):
            page = books_page(window)
            window.stack.setCurrentWidget(page)
            page.open()

    shortcut = QShortcut(QKeySequence(SHORTCUT), window)
    shortcut.activated.connect(open_books)
    window.books_shortcut = shortcut


def books_page(window: MainWindow):  # noqa: ANN201 - a BooksPage (imported when first built)
    """The window's books page, built into its stack on first use."""
    page = getattr(window, "_books_page", None)
    if page is None:
        from ui.pages.books.logbook import BooksPage

        page = BooksPage(window.session)
        window._books_page = page
        window.stack.addWidget(page)
        page.home_requested.connect(window._go_home)
    return page
