"""`kiosk-admin officer unlock` and `officer pin`: an administrator lifts a lockout and sets a PIN, both audited."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from cli_helpers import ADMIN_PIN, ADMIN_USER, cli_site, run  # noqa: F401 - cli_site is a fixture
from kiosk.errors import AuthError
from kiosk.security.officers import MAX_FAILURES, login
from kiosk.storage.context import open_kiosk
from kiosk.storage.models import AuditEvent


def audited(root: Path, action: str) -> list[dict]:
    ctx = open_kiosk(root)
    try:
        with ctx.read() as session:
            return [e.details for e in session.scalars(select(AuditEvent).where(AuditEvent.action == action))]
    finally:
        ctx.close()


def test_officer_unlock_lifts_a_lockout_and_is_audited(cli_site: Path, capsys) -> None:
    ctx = open_kiosk(cli_site)
    try:
        for _ in range(MAX_FAILURES):
            with pytest.raises(AuthError):
                login(ctx, "lan", "000001")
        with pytest.raises(AuthError):
            login(ctx, "lan", "246813")  # locked
    finally:
        ctx.close()
    code, out, err = run(capsys, "--data-dir", str(cli_site), "--json", "officer", "unlock", "lan", "--as", ADMIN_USER, stdin=ADMIN_PIN + "\n")
    assert code == 0, err
    assert json.loads(out) == {"ok": True, "username": "lan"}
    [event] = audited(cli_site, "officer.unlocked")
    assert event["username"] == "lan" and event["level"] == 1 and "locked_until" in event
    ctx = open_kiosk(cli_site)
    try:
        assert login(ctx, "lan", "246813").username == "lan"
    finally:
        ctx.close()
    code, out, err = run(capsys, "--data-dir", str(cli_site), "officer", "unlock", "khongco", "--as", ADMIN_USER, stdin=ADMIN_PIN + "\n")
    assert code == 2 and "Không có cán bộ khongco" in err


def test_officer_pin_sets_a_pin_under_the_policy(cli_site: Path, capsys) -> None:
    code, out, err = run(capsys, "--data-dir", str(cli_site), "officer", "pin", "lan", "--as", ADMIN_USER, stdin=ADMIN_PIN + "\n1234\n")
    assert code == 2 and "6" in err and not audited(cli_site, "officer.pin_set")
    code, out, err = run(capsys, "--data-dir", str(cli_site), "officer", "pin", "lan", "--as", ADMIN_USER, stdin=ADMIN_PIN + "\n739146\n")
    assert code == 0 and "Đã đặt mã PIN mới cho lan" in out
    assert audited(cli_site, "officer.pin_set") == [{"username": "lan"}]
    ctx = open_kiosk(cli_site)
    try:
        assert login(ctx, "lan", "739146").username == "lan"
    finally:
        ctx.close()
    code, out, err = run(capsys, "--data-dir", str(cli_site), "officer", "add", "hoa", "--name", "Đỗ Thị Hoa", "--role", "officer",
                         "--as", ADMIN_USER, stdin=ADMIN_PIN + "\n111111\n")
    assert code == 2 and "lặp lại" in err
