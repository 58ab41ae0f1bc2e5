"""The clock against the real portal (docs/clock.md): the skew after a pass on the status bar, the floor raised only
by answers a captive portal cannot give, and doctor's clock error ending once the portal confirms the corrected clock.
The kiosk's clock is faked in-process; the portal's is its own."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fault_proxy import FaultProxy
from portal_server import portal  # noqa: F401 - fixture: a real `kiosk-portal serve` process
from sync_helpers import add_officer, client_factory, make_kiosk, submit_dossiers


@pytest.fixture
def kiosk(tmp_path, portal):  # noqa: F811
    ctx = make_kiosk(tmp_path / "kiosk", portal)
    yield ctx
    ctx.close()


def _clock(offset: timedelta):
    from kiosk.storage.models import utcnow

    return lambda: utcnow() + offset


def test_a_clock_three_years_behind_shows_on_the_status_bar_after_a_pass(kiosk, qtbot) -> None:
    from kiosk.clock import floor
    from kiosk.storage.models import utcnow
    from sync.engine import SyncEngine, status
    from ui.window.sync_status import SyncStatusWidget

    report = SyncEngine(kiosk, clock=_clock(-timedelta(days=3 * 365))).run_once(force=True)
    assert report.reachable and report.clock_message and report.clock_skew_s < -2 * 365 * 86400
    assert report.clock_message.startswith("Đồng hồ máy lệch 3 năm so với cổng")
    bar = SyncStatusWidget()
    qtbot.addWidget(bar)
    bar.set_status(status(kiosk))  # what the controller emits after each pass
    assert not bar.clock_label.isHidden() and "Đồng hồ máy lệch 3 năm so với cổng" in bar.clock_label.full_text()
    state = floor.load(kiosk.data.root)  # the portal's authenticated time raised the floor
    assert state.source == "portal" and abs((state.floor - utcnow()).total_seconds()) < 600

    report = SyncEngine(kiosk).run_once(force=True)  # the clock put right: the line goes
    assert report.clock_message is None and abs(report.clock_skew_s) < floor.SKEW_SHOWN_S
    bar.set_status(status(kiosk))
    assert bar.clock_label.isHidden()


def test_twenty_minutes_off_is_shown_and_two_minutes_is_not(kiosk) -> None:
    from sync.engine import SyncEngine

    assert "20 phút" in SyncEngine(kiosk, clock=_clock(timedelta(minutes=20))).run_once(force=True).clock_message
    assert SyncEngine(kiosk, clock=_clock(timedelta(minutes=2))).run_once(force=True).clock_message is None


def test_a_captive_portal_never_moves_the_floor(kiosk, portal) -> None:  # noqa: F811
    from kiosk.clock import floor
    from sync.engine import SyncEngine

    before = floor.load(kiosk.data.root)
    with FaultProxy(portal.url) as proxy:
        engine = SyncEngine(kiosk, client_factory(proxy.url), clock=_clock(-timedelta(days=3 * 365)))
        proxy.set_fault("captive")  # an HTML 200 page for every request
        report = engine.run_once(force=True)
        assert not report.reachable and report.network_failure and report.clock_message is None
        assert floor.load(kiosk.data.root) == before
        # The portal's own health answer, but the authenticated request meets the captive page: not trusted either.
        proxy.set_fault("captive", match=r"^GET /api/v1/status-changes")
        report = engine.run_once(force=True)
        assert report.reachable and report.clock_message is None
        assert floor.load(kiosk.data.root) == before and floor.load(kiosk.data.root).last_check is None
        proxy.clear()
        assert engine.run_once(force=True).clock_message  # the real portal, authenticated: now it counts
        assert floor.load(kiosk.data.root).source == "portal"


def test_doctors_clock_error_ends_once_the_portal_confirms_the_corrected_clock(kiosk, tmp_path) -> None:
    from kiosk.admin.doctor import run_checks
    from sync.engine import SyncEngine

    fast = _clock(timedelta(days=2))  # the clock ran two days fast while a dossier was received
    officer = add_officer(kiosk)
    submit_dossiers(kiosk, officer, 1, tmp_path / "scans", size=1000, now=fast())
    right = _clock(timedelta(0))  # then the officer set it right

    def clock_errors() -> list[str]:
        return [f.message_vi for f in run_checks(kiosk.data.root, clock=right) if f.check == "clock" and f.severity == "error"]

    assert clock_errors() and "chậm hơn hồ sơ mới nhất" in clock_errors()[0]
    SyncEngine(kiosk, clock=right).run_once(force=True)  # the next pass: the portal confirms the clock
    assert clock_errors() == []
    floor_finding = next(f for f in run_checks(kiosk.data.root, clock=right) if f.check == "clock_floor")
    assert "giờ của cổng" in floor_finding.message_vi
