"""Sync seen from the officer's window: portal status shows up in the list; a silent portal never freezes the GUI."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLineEdit

from portal_server import portal  # noqa: F401 - the fixture
from sync_helpers import add_officer, make_kiosk, submit_dossiers


def open_window(qtbot, root: Path):
    from conftest import start_main_window

    window = start_main_window(qtbot, root, officers=())  # the kiosk's officer "lan" is already there
    window.login_page.username.setText("lan")
    window.login_page.pin.setText("246813")
    window.login_page.button.click()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home_page, timeout=20_000)
    return window


def test_portal_status_appears_in_the_dossier_list_after_one_sync(qtbot, portal, tmp_path: Path) -> None:  # noqa: F811
    ctx = make_kiosk(tmp_path / "kiosk", portal)
    officer = add_officer(ctx)
    (code,) = submit_dossiers(ctx, officer, 1, tmp_path / "scans", size=50_000)
    ctx.close()

    window = open_window(qtbot, tmp_path / "kiosk")
    qtbot.waitUntil(lambda: window.sync.state in ("online", "offline") and not window.sync.running, timeout=30_000)
    qtbot.mouseClick(window.sync_status.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.sync.running and "Chờ gửi: 0" in window.sync_status.queue_label.text(), timeout=30_000)
    assert window.sync.state == "online"

    portal.run_cli("set-status", code, "4", "--note", "Đang thẩm định")
    qtbot.mouseClick(window.home_page.list_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.list_page.model.rowCount() == 1, timeout=10_000)
    assert window.list_page.model.index(0, 7).data() == "Chưa có"
    assert window.list_page.model.index(0, 6).data() == "Đã gửi lên cổng"

    window.sync.trigger(force=True)  # one sync pass, as the "Đồng bộ ngay" button does
    qtbot.waitUntil(lambda: window.list_page.model.rowCount() == 1 and window.list_page.model.index(0, 7).data() == "Đang xử lý", timeout=30_000)
    window.sync.shutdown()
    window.tasks.shutdown()


class SilentPortal:
    """Accepts connections and never answers: a portal that hangs mid-request."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}"
        self.connections: list[socket.socket] = []
        self._stop = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self._stop:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.connections.append(connection)

    def close(self) -> None:
        self._stop = True
        for connection in self.connections:
            connection.close()
        self.server.close()


def test_gui_keeps_working_while_sync_is_stalled_on_a_silent_portal(qtbot, portal, tmp_path: Path) -> None:  # noqa: F811
    silent = SilentPortal()
    try:
        ctx = make_kiosk(tmp_path / "kiosk", portal, portal_url=silent.url)
        officer = add_officer(ctx)
        submit_dossiers(ctx, officer, 1, tmp_path / "scans", size=10_000)
        ctx.close()
        window = open_window(qtbot, tmp_path / "kiosk")
        qtbot.waitUntil(lambda: window.sync.running, timeout=30_000)
        qtbot.waitUntil(lambda: len(silent.connections) >= 1, timeout=30_000)

        ticks: list[int] = []
        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(lambda: ticks.append(1))
        timer.start()
        probe = QLineEdit()
        qtbot.addWidget(probe)
        probe.show()
        qtbot.waitUntil(lambda: len(ticks) >= 20, timeout=20_000)
        qtbot.keyClicks(probe, "van tiep nhan")
        assert probe.text() == "van tiep nhan"
        assert window.sync.running, "the pass is still waiting on the silent portal while the GUI ran"
        assert window.sync_status.state_label.text().endswith("Đang đồng bộ…")
        timer.stop()
    finally:
        silent.close()
    qtbot.waitUntil(lambda: not window.sync.running, timeout=60_000)
    assert window.sync.state == "offline"
    window.sync.shutdown()
    window.tasks.shutdown()


def test_supplement_requested_by_the_portal_is_recorded_and_sent_as_revision_2(qtbot, portal, tmp_path: Path) -> None:  # noqa: F811
    from sync_helpers import portal_dossiers

    ctx = make_kiosk(tmp_path / "kiosk", portal)
    officer = add_officer(ctx)
    (code,) = submit_dossiers(ctx, officer, 1, tmp_path / "scans", size=10_000)
    ctx.close()
    window = open_window(qtbot, tmp_path / "kiosk")
    qtbot.waitUntil(lambda: not window.sync.running, timeout=30_000)
    window.sync.trigger(force=True)
    qtbot.waitUntil(lambda: not window.sync.running and "Chờ gửi: 0" in window.sync_status.queue_label.text(), timeout=30_000)
    portal.run_cli("set-status", code, "5", "--note", "Thiếu bản sao giấy tờ")
    window.sync.trigger(force=True)
    qtbot.waitUntil(lambda: not window.sync.running, timeout=30_000)

    qtbot.mouseClick(window.home_page.list_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.list_page.model.rowCount() == 1 and window.list_page.model.index(0, 7).data() == "Yêu cầu bổ sung", timeout=30_000)
    window.list_page.table.selectRow(0)
    qtbot.mouseClick(window.list_page.detail_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(window, "detail_dialog", None) is not None and window.detail_dialog.isVisible(), timeout=10_000)
    detail_text = window.detail_dialog.findChild(object, "detailText").text()
    assert "Yêu cầu bổ sung" in detail_text and "Thiếu bản sao giấy tờ" in detail_text
    assert window.detail_dialog.supplement_button.isEnabled()
    qtbot.mouseClick(window.detail_dialog.supplement_button, Qt.MouseButton.LeftButton)
    dialog = window.supplement_dialog
    first_box, _spin = next(iter(dialog.rows.values()))
    first_box.setChecked(True)
    dialog.note_edit.setText("Đã nhận bản sao bổ sung")
    dialog._accept()
    qtbot.waitUntil(lambda: "Chờ gửi: 1" in window.sync_status.queue_label.text() or window.sync.running, timeout=20_000)
    window.sync.trigger(force=True)
    qtbot.waitUntil(lambda: not window.sync.running and "Chờ gửi: 0" in window.sync_status.queue_label.text(), timeout=30_000)
    (held,) = [d for d in portal_dossiers(portal) if d.get("code") == code]
    assert held.get("revision", held.get("latest_revision")) == 2, held
    window.sync.shutdown()
    window.tasks.shutdown()


def test_queued_dossiers_go_by_themselves_when_the_portal_comes_back(qtbot, portal, tmp_path: Path) -> None:  # noqa: F811
    """No button pressed: the kiosk notices the portal answering again and drains the queue."""
    from fault_proxy import FaultProxy
    from sync_helpers import assert_portal_holds_exactly

    with FaultProxy(portal.url) as proxy:
        proxy.set_fault("reset_before")  # the network is down: every connection is cut
        ctx = make_kiosk(tmp_path / "kiosk", portal, portal_url=proxy.url)
        officer = add_officer(ctx)
        codes = submit_dossiers(ctx, officer, 2, tmp_path / "scans", size=300_000)
        ctx.close()
        window = open_window(qtbot, tmp_path / "kiosk")
        window.sync.set_interval(300)
        qtbot.waitUntil(lambda: window.sync.state == "offline" and not window.sync.running, timeout=30_000)
        qtbot.waitUntil(lambda: window.sync_status.error_label.isVisible(), timeout=10_000)
        assert "Chờ gửi: 2" in window.sync_status.queue_label.text()
        assert "Không kết nối được" in window.sync_status.error_label.toolTip()

        proxy.clear()  # the connection returns
        qtbot.waitUntil(lambda: "Chờ gửi: 0" in window.sync_status.queue_label.text(), timeout=60_000)
        qtbot.waitUntil(lambda: window.sync.state == "online", timeout=10_000)
        assert not window.sync_status.error_label.isVisible()
        window.sync.shutdown()
        window.tasks.shutdown()
        ctx = make_kiosk_reopen(tmp_path / "kiosk")
        assert_portal_holds_exactly(ctx, portal, codes)
        ctx.close()


def make_kiosk_reopen(root: Path):
    from kiosk.storage.context import open_kiosk

    return open_kiosk(root)


def test_wrong_credentials_are_shown_plainly_and_nothing_is_delivered(qtbot, portal, tmp_path: Path) -> None:  # noqa: F811
    from sync.credentials import Credentials, load_credentials, save_credentials
    from sync_helpers import outbox_states, portal_dossiers

    ctx = make_kiosk(tmp_path / "kiosk", portal)
    creds = load_credentials(ctx.data)
    save_credentials(ctx.data, Credentials(creds.portal_url, creds.kiosk_id, "not-the-secret", creds.enrolled_at))
    officer = add_officer(ctx)
    (code,) = submit_dossiers(ctx, officer, 1, tmp_path / "scans", size=10_000)
    ctx.close()
    window = open_window(qtbot, tmp_path / "kiosk")
    qtbot.waitUntil(lambda: not window.sync.running, timeout=30_000)
    qtbot.mouseClick(window.sync_status.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.sync.running and window.sync_status.error_label.isVisible(), timeout=30_000)
    assert "thông tin đăng ký không đúng" in window.sync_status.error_label.toolTip()
    assert window.sync.state == "refused" and window.sync_status.state_label.text().endswith("Cổng từ chối máy này")

    qtbot.mouseClick(window.sync_status.queue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.queue_page and window.queue_page.table.rowCount() == 1, timeout=10_000)
    assert "thông tin đăng ký không đúng" in window.queue_page.message.text()
    assert window.queue_page.table.item(0, 0).text() == code
    assert window.queue_page.table.item(0, 2).text() != "Đã gửi lên cổng"
    window.sync.shutdown()
    window.tasks.shutdown()
    assert portal_dossiers(portal) == []
    ctx = make_kiosk_reopen(tmp_path / "kiosk")
    assert "delivered" not in outbox_states(ctx).values()
    ctx.close()


def test_kiosks_look_for_the_portal_at_jittered_times(qtbot) -> None:
    """No fixed period: kiosks that lost the network together drift apart instead of returning as one herd."""
    from ui.window.sync_controller import AUTO_INTERVAL_MS, SyncController

    controllers = [SyncController() for _ in range(200)]
    first_waits = [c.next_wait_ms() for c in controllers]
    assert all(AUTO_INTERVAL_MS * 0.5 <= w <= AUTO_INTERVAL_MS * 1.5 for w in first_waits)
    # 200 kiosks' next looks spread over the window: no one-second slot holds more than a small share.
    per_second: dict[int, int] = {}
    for wait in first_waits:
        per_second[wait // 1000] = per_second.get(wait // 1000, 0) + 1
    assert len(per_second) >= 15 and max(per_second.values()) <= 40
    one = controllers[0]
    assert len({one.next_wait_ms() for _ in range(20)}) > 1  # one kiosk's waits vary too, so phases never lock
