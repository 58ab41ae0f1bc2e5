"""kiosk-admin acts only as the operating-system account that owns the data folder, and the audit names that account."""

from __future__ import annotations

import getpass
import json
import os

import pytest

from ui.admin.cli import main


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="changing a folder's owner needs root (the test machine runs as root)")
def test_kiosk_admin_refuses_a_data_folder_owned_by_another_account(site_dir, capsys) -> None:
    os.chown(site_dir, 54321, 54321)
    try:
        code = main(["--data-dir", str(site_dir), "dossiers", "--json"])
        answer = json.loads(capsys.readouterr().out)
        assert code == 2 and not answer["ok"] and "54321" in answer["error"] and "tài khoản" in answer["error"]
    finally:
        os.chown(site_dir, 0, 0)


def test_the_data_folder_is_owner_only_and_admin_actions_are_audited_with_the_os_account(site_dir, capsys) -> None:
    from kiosk.storage.context import open_kiosk
    from kiosk.storage.models import AuditEvent

    if os.name == "posix":
        for folder in (site_dir, site_dir / "keys", site_dir / "attachments", site_dir / "logs"):
            assert folder.stat().st_mode & 0o077 == 0, folder
        for key_file in (site_dir / "keys").iterdir():
            assert key_file.stat().st_mode & 0o077 == 0, key_file
    assert main(["--data-dir", str(site_dir), "backup", "--json"]) == 0
    ctx = open_kiosk(site_dir)
    try:
        with ctx.read() as session:
            actors = {e.actor for e in session.query(AuditEvent).filter(AuditEvent.action == "backup.created")}
    finally:
        ctx.close()
    assert actors == {f"os:{getpass.getuser()}"}
