"""Where the citizen's rating shows: the site's second screen, or the main window turned to the citizen and back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from ui.pages.counter.rating import RatingPage

if TYPE_CHECKING:
    from ui.window.main_window import MainWindow


class RatingScreen(QObject):
    """Asks for a rating after a receipt (F9 on the receipt) or a hand-back ("Xong" on the slip).

    With `SiteSettings.rating_screen` = n and a screen n present, the rating page is a full-screen window there and
    the officer's window stays as it is. Otherwise the main window's stack shows the rating page for the time of
    the rating (the idle lock is off: the citizen's key presses are not the officer's work) and then the officer's
    page again, the rating page blank, so nothing of the rating is left for the officer to see.
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.page = RatingPage(window.session)
        self.on_second_screen = False
        self._return_to: QWidget | None = None
        window.stack.addWidget(self.page)
        self.page.finished.connect(self._finished)
        window.list_page.handed_back.connect(self.ask)
        window.receipt_page.rating_requested.connect(self.ask)

    def ask(self, subject: str) -> None:
        """Turn a screen to the citizen for the rating of `subject` (a dossier code or a hand-back's uuid)."""
        window = self._window
        if window.officer is None:
            return
        index = window.session.context.settings.rating_screen
        screens = QGuiApplication.screens()
        self.on_second_screen = 0 < index < len(screens)
        if self.on_second_screen:
            window.stack.removeWidget(self.page)
            self.page.setParent(None)
            self.page.setWindowTitle("Đánh giá mức độ hài lòng")
            self.page.setScreen(screens[index])
            self.page.setGeometry(screens[index].geometry())
            self.page.showFullScreen()
        else:
            if self.page.parent() is None:  # the site no longer sets a second screen
                window.stack.addWidget(self.page)
            self._return_to = window.stack.currentWidget()
            window.idle.disarm()
            window.statusBar().clearMessage()  # the last message names the dossier; the queue is the officer's business
            window.statusBar().hide()
            window.stack.setCurrentWidget(self.page)
        self.page.start(subject)
        self.page.activateWindow()
        self.page.setFocus()

    def _finished(self) -> None:
        window = self._window
        if self.on_second_screen:
            self.page.hide()
            return
        page, self._return_to = self._return_to, None
        window.statusBar().show()
        if window.officer is None:
            window.stack.setCurrentWidget(window.login_page)
            return
        window.idle.arm()
        if page is window.list_page:
            window.stack.setCurrentWidget(page)
            window.list_page.refresh()
            window.list_page.table.setFocus()
        elif page is window.receipt_page:
            window.stack.setCurrentWidget(page)
        else:
            window._go_home()
