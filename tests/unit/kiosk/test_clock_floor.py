"""The clock floor with a fake clock: a new kiosk whose clock battery died refuses to receive, an administrator may
override (audited), a portal-confirmed time raises the floor (docs/clock.md)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from forms.samples import sample_values
from forms.timezone import VN_TZ
from kiosk.clock import floor
from kiosk.clock.override import allow_receiving
from kiosk.dossier.submit import submit
from kiosk.storage.models import AuditEvent, Dossier

BATTERY_DEAD = floor.RELEASE_AT - timedelta(days=3 * 365)  # a first day, the clock three years behind the release


def _receive(ctx, officer, now: datetime):
    procedure = ctx.catalogue.in_force("1.001193", now.astimezone(VN_TZ).date())
    return submit(ctx, procedure=procedure, values=sample_values(procedure, seed=1, today=now.astimezone(VN_TZ).date()),
                  officer=officer, now=now)


def _dossiers(ctx) -> int:
    with ctx.read() as session:
        return session.scalar(select(func.count()).select_from(Dossier).where(Dossier.lifecycle == "submitted"))


def test_a_first_day_with_the_clock_three_years_behind_the_release_is_refused_with_how_to_fix_it(ctx, officer) -> None:
    assert _dossiers(ctx) == 0
    with pytest.raises(floor.ClockBehind) as refused:
        _receive(ctx, officer, BATTERY_DEAD)
    message = refused.value.message
    assert "Đồng hồ máy tính đang sai" in message
    assert f"{floor.RELEASE_AT.astimezone(VN_TZ):%d/%m/%Y}" in message and f"{BATTERY_DEAD.astimezone(VN_TZ):%d/%m/%Y}" in message
    assert "Windows/Linux" in message and "quản trị viên" in message
    assert _dossiers(ctx) == 0  # no code was issued dated three years back


def test_half_a_day_behind_the_floor_is_still_received(ctx, officer) -> None:
    assert _receive(ctx, officer, floor.RELEASE_AT - timedelta(hours=12)).code


def test_the_administrators_override_lets_receiving_go_on_and_is_in_the_audit_chain(ctx, officer) -> None:
    allow_receiving(ctx, 4, "os:admin", now=BATTERY_DEAD)
    result = _receive(ctx, officer, BATTERY_DEAD + timedelta(hours=1))
    assert result.code.split("-")[-2] == f"{BATTERY_DEAD.astimezone(VN_TZ):%y%m%d}"
    with ctx.read() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "clock.override"))
    assert event.actor == "os:admin" and event.details["hours"] == 4
    with pytest.raises(floor.ClockBehind):  # the override ends after its hours, on the same (wrong) clock
        _receive(ctx, officer, BATTERY_DEAD + timedelta(hours=5))
    from kiosk.security.audit import verify

    with ctx.read() as session:
        assert verify(session, ctx.data.audit_head_path).ok


def test_a_portal_confirmed_time_raises_the_floor_and_refuses_a_clock_set_back_later(ctx, officer) -> None:
    portal_now = datetime(2029, 6, 1, 3, 0, tzinfo=timezone.utc)
    state = floor.confirm(ctx.data.root, floor.PortalCheck(portal_time=portal_now, kiosk_time=portal_now + timedelta(seconds=20)))
    assert (state.floor, state.source) == (portal_now, "portal")
    stored = json.loads((ctx.data.root / floor.STATE_FILE).read_text(encoding="utf-8"))
    assert stored["source"] == "portal" and stored["floor"].startswith("2029-06-01")
    with pytest.raises(floor.ClockBehind) as refused:
        _receive(ctx, officer, portal_now - timedelta(days=2))
    assert "01/06/2029" in refused.value.message and "giờ của cổng" in refused.value.message
    assert _receive(ctx, officer, portal_now + timedelta(hours=1)).code


def test_the_newest_record_counts_only_when_the_portal_confirmed_the_clock(ctx) -> None:
    portal_now = datetime(2029, 6, 1, 3, 0, tzinfo=timezone.utc)
    ahead = floor.PortalCheck(portal_time=portal_now, kiosk_time=portal_now + timedelta(days=2))
    state = floor.confirm(ctx.data.root, ahead, newest_record=portal_now + timedelta(days=2))  # made with a clock 2 days fast
    assert state.floor == portal_now and not ahead.confirmed
    right = floor.PortalCheck(portal_time=portal_now, kiosk_time=portal_now + timedelta(seconds=30))
    state = floor.confirm(ctx.data.root, right, newest_record=portal_now + timedelta(minutes=5))
    assert (state.floor, state.source) == (portal_now + timedelta(minutes=5), "record")


def test_a_damaged_state_file_falls_back_to_the_release_floor(ctx) -> None:
    (ctx.data.root / floor.STATE_FILE).write_text("{not json", encoding="utf-8")
    assert floor.load(ctx.data.root) == floor.ClockState(floor.RELEASE_AT, "release")


def test_the_release_floor_is_not_older_than_the_rules_it_ships(ctx) -> None:
    newest = max(p.effective_from for code in {p.code for p in ctx.catalogue.latest()} for p in ctx.catalogue.versions(code) if p.effective_from)
    assert floor.RELEASE_AT.astimezone(VN_TZ).date() >= newest


def test_a_build_stamp_raises_the_release_floor(tmp_path, monkeypatch) -> None:
    stamp = tmp_path / "release_stamp.json"
    stamp.write_text(json.dumps({"built_at": "2027-03-04T05:06:07+00:00"}), encoding="utf-8")
    monkeypatch.setattr(floor, "STAMP_FILE", stamp)
    assert floor.release_floor() == datetime(2027, 3, 4, 5, 6, 7, tzinfo=timezone.utc)


def test_the_skew_reads_in_the_largest_unit() -> None:
    assert floor.skew_text(-3 * 365 * 86400).startswith("Đồng hồ máy lệch 3 năm so với cổng (máy chậm hơn)")
    assert floor.skew_text(20 * 60).startswith("Đồng hồ máy lệch 20 phút so với cổng (máy nhanh hơn)")


def test_the_home_and_receipt_clock_warnings_end_once_the_portal_confirms_the_corrected_clock(ctx, officer) -> None:
    """A clock that ran two hours fast dated a dossier; put right, it reads earlier than that dossier. Until the
    portal confirms it, home and the receipt warn; after, the warning is a false alarm and is gone."""
    from kiosk.dossier.overview import home_overview

    right_now = datetime.now(timezone.utc)
    _receive(ctx, officer, right_now + timedelta(hours=2))  # the clock ran fast
    ctx.now = lambda: right_now  # the administrator put it right
    assert "chậm hơn hồ sơ mới nhất" in (home_overview(ctx, None).clock_warning or "")
    assert _receive(ctx, officer, right_now).clock_warning
    floor.confirm(ctx.data.root, floor.PortalCheck(portal_time=right_now - timedelta(seconds=9), kiosk_time=right_now - timedelta(seconds=5)))
    assert home_overview(ctx, None).clock_warning is None
    assert _receive(ctx, officer, right_now + timedelta(minutes=1)).clock_warning is None
