"""The wizard shows the clock floor's refusal (docs/clock.md): the dossier stays on screen with the message saying how
to set the clock, no code is issued; after the administrator's override the same dossier is received."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt

from conftest import log_in, walk_sample_dossier
from ui.window.main_window import MainWindow


def test_a_clock_years_behind_the_floor_is_refused_on_screen_and_the_override_lets_it_through(qtbot, window: MainWindow) -> None:
    from kiosk.clock import floor
    from kiosk.clock.override import allow_receiving
    from kiosk.storage.models import utcnow

    root = window.ctx.data.root
    later = utcnow() + timedelta(days=3 * 365)  # the portal once said so: this PC's clock is three years behind it
    floor.save(root, floor.ClockState(later, "portal"))
    log_in(qtbot, window)
    walk_sample_dossier(qtbot, window, "1.004873")
    wizard = window.wizard_page
    qtbot.waitUntil(lambda: wizard.error.isVisible(), timeout=20_000)
    assert window.stack.currentWidget() is wizard
    shown = wizard.error.text()
    assert "Đồng hồ máy tính đang sai" in shown and "Windows/Linux" in shown and f"{later:%Y}" in shown

    allow_receiving(window.ctx, 2, "os:admin")
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.receipt_page, timeout=20_000)
