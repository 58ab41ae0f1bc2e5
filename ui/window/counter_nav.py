"""The counter's result side in the window: the citizen's rating screen, the home screen's work lists opening
the dossier list, and the work-list counts refreshed after each sync pass (docs/counter-screens.md).

Kept out of main_window (which only navigates and stays small), as the books page is (books_nav.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ui.window.main_window import MainWindow


def install_counter(window: MainWindow) -> None:
    """Add the rating screen to ``window`` and wire the work lists."""
    from ui.window.rating_screen import RatingScreen

    window.rating = RatingScreen(window)  # the citizen's rating: a second screen, or this window turned to the citizen

    def open_worklist(key: str) -> None:
        window.stack.setCurrentWidget(window.list_page)
        window.list_page.show_worklist(key)

    window.home_page.worklist_requested.connect(open_worklist)
    # The counts are read on the database worker after each pull, never on the GUI thread.
    window.sync.pass_finished.connect(lambda _report: window.officer is not None and window.home_page.refresh_counts())
