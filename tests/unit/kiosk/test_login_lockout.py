"""Logins that give nothing away (issue 16 item 4): one message for an unknown name, a wrong PIN and a locked account;
lockouts that double from 5 minutes up to a day on a fake clock and survive a restart; an audited unlock; PIN changes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from kiosk.errors import AuthError, InputError
from kiosk.security.officers import (
    LOGIN_REFUSED, MAX_FAILURES, add_officer, change_own_pin, lift_lockout, login, set_pin, unlock_officer,
)
from kiosk.storage.context import open_kiosk
from kiosk.storage.models import AuditEvent, Officer

T0 = datetime(2026, 12, 7, 1, 0, tzinfo=timezone.utc)


def refused(ctx, username: str, pin: str, now: datetime) -> str:
    with pytest.raises(AuthError) as caught:
        login(ctx, username, pin, now=now)
    return caught.value.message


def lock(ctx, username: str, now: datetime) -> datetime:
    """MAX_FAILURES wrong PINs at `now`: the account's locked_until afterwards."""
    for _ in range(MAX_FAILURES):
        refused(ctx, username, "000001", now)
    with ctx.read() as session:
        until = session.scalar(select(Officer.locked_until).where(Officer.username == username))
    assert until is not None
    return until


def failures(ctx) -> list[dict]:
    with ctx.read() as session:
        return [e.details for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "login.failed").order_by(AuditEvent.id))]


def test_unknown_name_wrong_pin_and_locked_account_get_the_same_message_and_no_tries_left(ctx, officer) -> None:
    messages = {refused(ctx, "khongco", "246813", T0), refused(ctx, "lan", "999999", T0)}
    lock(ctx, "lan", T0)
    messages |= {refused(ctx, "lan", "246813", T0 + timedelta(minutes=1))}  # the right PIN, but locked
    assert messages == {LOGIN_REFUSED}
    assert "lần thử" not in LOGIN_REFUSED and "phút" not in LOGIN_REFUSED
    # the audit, which is for the administrator, keeps the real reasons
    reasons = [(d["reason"], d["locked"]) for d in failures(ctx)]
    assert reasons[:2] == [("unknown", False), ("wrong_pin", False)]
    assert ("wrong_pin", True) in reasons and reasons[-1] == ("locked", True)  # the lockout began, then held


def test_lockouts_double_from_five_minutes_to_a_day_and_survive_a_restart(site_dir, officer) -> None:
    expected = [5, 10, 20, 40, 80, 160, 320, 640, 1280, 1440, 1440]
    now = T0
    for n, minutes in enumerate(expected):
        ctx = open_kiosk(site_dir)  # each round on a freshly opened folder: the level is in the database
        try:
            if n == 3:  # reopened while locked: still locked, whatever the PIN
                assert refused(ctx, "lan", "246813", now - timedelta(seconds=2)) == LOGIN_REFUSED
            until = lock(ctx, "lan", now)
            assert until - now == timedelta(minutes=minutes), f"lockout {n + 1}"
            assert refused(ctx, "lan", "246813", until - timedelta(seconds=1)) == LOGIN_REFUSED
        finally:
            ctx.close()
        now = until + timedelta(seconds=1)
    ctx = open_kiosk(site_dir)
    try:  # the right PIN after the lockout ends the escalation: the next lockout is 5 minutes again
        assert login(ctx, "lan", "246813", now=now).username == "lan"
        assert lock(ctx, "lan", now) - now == timedelta(minutes=5)
    finally:
        ctx.close()


def test_fewer_wrong_pins_than_the_limit_lock_nothing_and_a_success_forgets_them(ctx, officer) -> None:
    for _ in range(MAX_FAILURES - 1):
        refused(ctx, "lan", "000001", T0)
    assert login(ctx, "lan", "246813", now=T0).username == "lan"
    for _ in range(MAX_FAILURES - 1):
        refused(ctx, "lan", "000001", T0)
    assert login(ctx, "lan", "246813", now=T0).username == "lan"


def test_an_administrator_lifts_a_lockout_and_it_is_audited(ctx, officer) -> None:
    with ctx.transaction() as session:
        admin = add_officer(session, "quantri", "Quản Trị Viên", "admin", "975318")
        admin_ref = type(officer).of(admin)
    lock(ctx, "lan", T0)
    until = lock(ctx, "lan", T0 + timedelta(minutes=6))  # the second lockout: 10 minutes
    with pytest.raises(AuthError, match="quản trị viên"):
        unlock_officer(ctx, officer, "lan")  # an officer may not
    unlock_officer(ctx, admin_ref, "lan")
    assert login(ctx, "lan", "246813", now=T0 + timedelta(minutes=7)).username == "lan"
    with ctx.read() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "officer.unlocked")).one()
    assert (event.actor, event.details["username"], event.details["level"]) == ("quantri", "lan", 2)
    assert event.details["locked_until"] == until.isoformat()
    with pytest.raises(InputError, match="Không có cán bộ"):
        lift_lockout(ctx, "root", "khongco")


def _legacy_officer(ctx, username: str, pin: str) -> None:
    """An officer whose PIN was set before the policy (written as the old code wrote it)."""
    with ctx.transaction() as session:
        session.add(Officer(username=username, full_name="Lê Văn Cũ", role="officer", pin_hash=PasswordHasher().hash(pin)))


def test_a_pin_set_before_the_policy_still_logs_in_and_is_due_for_a_change(ctx, officer) -> None:
    _legacy_officer(ctx, "cu", "1357")
    assert login(ctx, "cu", "1357").pin_change_due and not login(ctx, "lan", "246813").pin_change_due
    ref = login(ctx, "cu", "1357")
    with pytest.raises(InputError, match="từ 6"):
        change_own_pin(ctx, ref, "1357", "2468")
    with pytest.raises(AuthError, match="không đúng"):
        change_own_pin(ctx, ref, "9999", "739146")
    change_own_pin(ctx, ref, "1357", "739146")
    assert not login(ctx, "cu", "739146").pin_change_due
    with pytest.raises(AuthError):
        login(ctx, "cu", "1357")
    with ctx.read() as session:
        actions = [(e.actor, e.action) for e in session.scalars(select(AuditEvent).where(AuditEvent.actor == "cu"))]
    assert ("cu", "officer.pin_changed") in actions and ("cu", "pin.change_refused") in actions


def test_an_administrator_sets_a_pin_under_the_same_policy(ctx, officer) -> None:
    with pytest.raises(InputError, match="liên tiếp"):
        set_pin(ctx, "root", "lan", "123456")
    set_pin(ctx, "root", "lan", "739146")
    assert login(ctx, "lan", "739146").username == "lan"
    with pytest.raises(InputError, match="từ 6"):
        with ctx.transaction() as session:
            add_officer(session, "hoa", "Đỗ Thị Hoa", "officer", "2468")
