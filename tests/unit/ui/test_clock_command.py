"""`kiosk-admin clock` and `clock allow --hours N` (docs/clock.md): the floor and its source; the override audited."""

from __future__ import annotations

import json

from cli_helpers import add_admin, as_admin
from ui.admin.cli import main


def test_clock_shows_the_floor_and_allow_is_recorded(site_dir, capsys) -> None:
    add_admin(site_dir)
    capsys.readouterr()
    assert main(["--data-dir", str(site_dir), "--json", "clock"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["source"] == "release" and shown["floor"].startswith("2025-12-31T17:00") and shown["override_until"] is None
    assert as_admin("--data-dir", str(site_dir), "clock", "allow", "--hours", "3") == 0
    assert "3 giờ" in capsys.readouterr().out
    assert main(["--data-dir", str(site_dir), "--json", "clock", "show"]) == 0
    assert json.loads(capsys.readouterr().out)["override_until"]
    assert as_admin("--data-dir", str(site_dir), "clock", "allow", "--hours", "500") == 2  # at most 72 h
    from kiosk.storage.context import open_kiosk
    from kiosk.storage.models import AuditEvent
    from sqlalchemy import select

    ctx = open_kiosk(site_dir)
    try:
        with ctx.read() as session:
            assert [e.details["hours"] for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "clock.override"))] == [3.0]
    finally:
        ctx.close()
