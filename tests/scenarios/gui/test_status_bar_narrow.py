"""The status bar at the narrowest window the counter PCs give (1366x768 at 125% scaling leaves 1093x582): the sync
state, the queue count, the last sync and the two buttons stay whole, with "Đang lưu/xử lý…" beside them; the
latest problem and the site line give way (shortened with "…", the whole in their tooltip)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from conftest import log_in
from sync.engine import SyncStatus
from ui.window.main_window import MainWindow
from ui.window.sync_status import STATE_TEXT

SHOT = "/tmp/polish-statusbar.png"


def a_bad_day() -> SyncStatus:
    """The most the sync indicator shows at once: a 4-digit queue, a last sync days ago (with its date), a problem."""
    now = datetime.now(timezone.utc)
    return SyncStatus(
        enrolled=True, portal_url="https://congdichvucong.example.vn", queued=1234, failed=3, rejected=1, delivered=900,
        last_success_at=now - timedelta(days=5), last_attempt_at=now,
        last_error="Không kết nối được cổng (hết thời gian chờ): hồ sơ vẫn nằm trong hàng đợi và sẽ được gửi lại sau.",
        last_error_at=now,
    )


@pytest.mark.parametrize("state", sorted(STATE_TEXT))
def test_sync_status_is_whole_at_1093_px(qtbot, window: MainWindow, state: str) -> None:
    log_in(qtbot, window)
    window.resize(1093, 582)
    qtbot.waitUntil(lambda: window.width() == 1093)
    qtbot.waitUntil(lambda: not window.tasks.busy)
    status = window.sync_status
    status.set_state(state)
    status.set_status(a_bad_day())
    window.busy_status.setText("Đang lưu/xử lý…")  # what a save in progress adds
    bar = window.statusBar()
    qtbot.waitUntil(lambda: status.error_label.isVisible() and window.busy_status.width() > 0)
    qtbot.wait(50)
    if state == "offline":
        window.grab().save(SHOT)

    for label in (status.state_label, status.queue_label, status.last_label):  # whole, the wording as set
        shown = label.text().split("</span>")[-1]
        assert label.fontMetrics().horizontalAdvance(shown) <= label.contentsRect().width(), shown
        assert label.mapTo(window, label.rect().topRight()).x() <= bar.width()
    assert STATE_TEXT[state][1] in status.state_label.text() and "Chờ gửi: 1234" in status.queue_label.text()
    assert re.fullmatch(r"· Đồng bộ lần cuối: \d\d:\d\d \d\d/\d\d", status.last_label.text())  # another day: with its date
    for button in (status.queue_button, status.sync_button):
        assert button.width() >= button.sizeHint().width()
        assert button.mapTo(window, button.rect().topRight()).x() <= bar.width()
    busy = window.busy_status
    assert busy.width() >= busy.fontMetrics().horizontalAdvance("Đang lưu/xử lý…")
    # The problem and the site line give way, each still saying something, the whole in its tooltip.
    assert status.error_label.text().startswith("· ⚠ Không")
    assert status.error_label.text().endswith("…") and "hết thời gian chờ" in status.error_label.toolTip()
    site = window.site_status
    assert site.text().startswith("UBND") and site.toolTip() == site.full_text()
    assert site.text() == site.full_text() or site.text().endswith("…")

