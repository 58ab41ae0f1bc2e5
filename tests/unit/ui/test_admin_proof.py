"""Administrators prove who they are at `kiosk-admin` (issue 16 item 5): an officer's PIN cannot change officers, keys,
retention, the site or a restore; an administrator's can, and the audit chain names them; a new site is never open."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from cli_helpers import ADMIN_PIN, ADMIN_USER, cli_site, run  # noqa: F401 - cli_site is a fixture
from conftest import TEST_SITE
from kiosk.storage.context import open_kiosk
from kiosk.storage.models import AuditEvent, Officer

OFFICER = ("lan", "246813")  # cli_site's officer


def events(root: Path, *actions: str) -> list[tuple[str, str, dict]]:
    ctx = open_kiosk(root)
    try:
        with ctx.read() as session:
            rows = session.scalars(select(AuditEvent).where(AuditEvent.action.in_(actions)).order_by(AuditEvent.seq))
            return [(row.actor, row.action, row.details) for row in rows]
    finally:
        ctx.close()


def officers(root: Path) -> set[str]:
    ctx = open_kiosk(root)
    try:
        with ctx.read() as session:
            return set(session.scalars(select(Officer.username)))
    finally:
        ctx.close()


def _backup(capsys, root: Path, tmp_path: Path) -> str:
    code, out, err = run(capsys, "--data-dir", str(root), "--json", "backup", "--out", str(tmp_path / "b.db"))
    assert code == 0, err  # a backup changes nothing: open to officers
    return json.loads(out)["path"]


def _changing_commands(tmp_path: Path, backup: str) -> dict[str, tuple[list[str], str]]:
    """Each administrator's command the issue names, with what it reads on stdin after the administrator's PIN."""
    return {  # restore first: it puts back the backup's audit chain (docs/restore.md), and the backup is under today's key
        "restore": (["restore", backup], ""),
        "officer add": (["officer", "add", "mallory", "--name", "Kẻ Gian", "--role", "admin"], "975318\n"),
        "purge": (["purge", "--days", "0"], ""),
        "key rotate": (["key", "rotate"], ""),
        "site change-unit-id": (["site", "change-unit-id", "H26.105.12"], ""),
    }


def test_an_officers_pin_runs_none_of_the_changing_commands(cli_site: Path, tmp_path: Path, capsys) -> None:
    backup = _backup(capsys, cli_site, tmp_path)
    key_before = (cli_site / "keys" / "data.key").read_bytes()
    settings_before = (cli_site / "settings.json").read_text(encoding="utf-8")
    for command, (args, more) in _changing_commands(tmp_path, backup).items():
        code, out, err = run(capsys, "--data-dir", str(cli_site), *args, "--as", OFFICER[0], stdin=f"{OFFICER[1]}\n{more}")
        assert code == 1 and "không có quyền quản trị" in err, (command, out, err)
        code, out, err = run(capsys, "--data-dir", str(cli_site), *args, stdin=f"{OFFICER[0]}\n{OFFICER[1]}\n{more}")  # name on stdin
        assert code == 1 and "không có quyền quản trị" in err, (command, out, err)
        code, out, err = run(capsys, "--data-dir", str(cli_site), *args, stdin=more)  # nobody named at all
        assert code != 0 and "quản trị viên" in err, (command, out, err)
    assert "mallory" not in officers(cli_site)
    assert (cli_site / "keys" / "data.key").read_bytes() == key_before
    assert (cli_site / "settings.json").read_text(encoding="utf-8") == settings_before
    assert not events(cli_site, "backup.restored", "key.rotated", "site.unit_id_changed", "retention.purged")
    refused = events(cli_site, "admin.login_failed")
    assert len(refused) == 10 and all(actor == "lan" and details["reason"] == "not_admin" for actor, _, details in refused)
    assert {details["command"] for _, _, details in refused} == set(_changing_commands(tmp_path, backup))


def test_an_administrators_pin_runs_them_and_the_audit_chain_names_the_administrator(cli_site: Path, tmp_path: Path, capsys) -> None:
    backup = _backup(capsys, cli_site, tmp_path)
    for command, (args, more) in _changing_commands(tmp_path, backup).items():
        code, out, err = run(capsys, "--data-dir", str(cli_site), *args, "--as", ADMIN_USER, stdin=f"{ADMIN_PIN}\n{more}")
        assert code == 0, (command, out, err)
    logins = events(cli_site, "admin.login")[1:]  # after the set-up's `officer add lan`; the restore's own login went with
    assert [(actor, details["command"]) for actor, _, details in logins] == [  # the chain it replaced
        (ADMIN_USER, c) for c in _changing_commands(tmp_path, backup) if c != "restore"]
    assert all(details["os"].startswith("os:") for _, _, details in logins)
    changed = {action: actor for actor, action, _ in events(cli_site, "officer.added", "key.rotated", "backup.restored", "site.unit_id_changed")}
    assert changed == dict.fromkeys(("officer.added", "key.rotated", "backup.restored", "site.unit_id_changed"), ADMIN_USER)


def test_a_wrong_administrator_pin_counts_towards_the_lockout_and_says_nothing_more(cli_site: Path, capsys) -> None:
    from kiosk.security.officers import LOGIN_REFUSED, MAX_FAILURES

    messages = set()
    for _ in range(MAX_FAILURES):
        code, _, err = run(capsys, "--data-dir", str(cli_site), "purge", "--as", ADMIN_USER, stdin="000001\n")
        assert code == 1
        messages.add(err)
    code, _, err = run(capsys, "--data-dir", str(cli_site), "purge", "--as", "khongco", stdin="000001\n")
    messages.add(err)
    assert messages == {f"Lỗi: {LOGIN_REFUSED}\n"}  # an unknown name reads like a wrong PIN
    code, _, err = run(capsys, "--data-dir", str(cli_site), "purge", "--as", ADMIN_USER, stdin=f"{ADMIN_PIN}\n")
    assert code == 1 and LOGIN_REFUSED in err  # locked now: even the right PIN waits
    reasons = [details["reason"] for _, _, details in events(cli_site, "admin.login_failed")]
    assert reasons == ["wrong_pin"] * MAX_FAILURES + ["unknown", "locked"]


def test_read_only_commands_and_doctor_stay_open(cli_site: Path, capsys) -> None:
    for args in (["dossiers"], ["doctor"], ["procedures", "--search", "khai sinh"], ["audit", "verify"], ["clock"]):
        code, out, err = run(capsys, "--data-dir", str(cli_site), *args)
        assert code == 0, (args, out, err)


def _init(capsys, root: Path, *extra: str, stdin: str = "") -> tuple[int, str, str]:
    return run(capsys, "--data-dir", str(root), "--json", "init", "--unit-id", TEST_SITE["unit_id"], "--unit-name", TEST_SITE["unit_name"],
               "--commune-code", TEST_SITE["commune_code"], "--kiosk-number", "1", *extra, stdin=stdin)


def test_init_creates_the_first_administrator_so_a_new_site_is_never_open(tmp_path: Path, capsys) -> None:
    root = tmp_path / "new"
    code, out, _ = _init(capsys, root)
    assert code == 2 and "--admin" in json.loads(out)["error"] and not (root / "settings.json").exists()
    code, out, _ = _init(capsys, root, "--admin", "hoa", "--admin-name", "Lê Thị Hoa", stdin="1234\n")
    assert code == 2 and not (root / "settings.json").exists()  # a weak PIN: nothing written
    code, out, err = _init(capsys, root, "--admin", "hoa", "--admin-name", "Lê Thị Hoa", stdin="135792\n")
    assert code == 0 and json.loads(out)["admin"] == "hoa", err
    [(actor, _, details)] = events(root, "officer.first_admin")
    assert actor.startswith("os:") and details == {"username": "hoa", "role": "admin"}
    # set up: an officer cannot be added, nor the site rewritten, without the administrator
    code, _, err = run(capsys, "--data-dir", str(root), "officer", "add", "x", "--name", "X", "--role", "admin", stdin="975318\n")
    assert code != 0 and officers(root) == {"hoa"}
    code, _, err = _init(capsys, root, "--force", "--as", "hoa", stdin="000001\n")
    assert code == 1
    code, out, err = _init(capsys, root, "--force", "--as", "hoa", stdin="135792\n")
    assert code == 0, err


def test_a_folder_without_an_administrator_lets_only_the_first_administrator_in(site_dir: Path, capsys) -> None:
    # a folder set up before the rule (or by a per-site package): no administrator yet
    code, _, err = run(capsys, "--data-dir", str(site_dir), "officer", "add", "lan", "--name", "Trần Thị Lan", "--role", "officer",
                       stdin="246813\n")
    assert code == 2 and "chưa có quản trị viên" in err
    code, _, err = run(capsys, "--data-dir", str(site_dir), "purge", stdin="")
    assert code == 2 and "chưa có quản trị viên" in err
    code, _, err = run(capsys, "--data-dir", str(site_dir), "officer", "add", "hoa", "--name", "Lê Thị Hoa", "--role", "admin",
                       stdin="135792\n")
    assert code == 0, err
    code, _, err = run(capsys, "--data-dir", str(site_dir), "officer", "add", "x", "--name", "X", "--role", "admin", stdin="975318\n")
    assert code != 0 and officers(site_dir) == {"hoa"}  # the second one needs the first
    assert [details["username"] for _, _, details in events(site_dir, "officer.first_admin")] == ["hoa"]


@pytest.mark.parametrize("as_user", [True, False])
def test_the_administrators_pin_never_reaches_the_command_line(cli_site: Path, capsys, as_user: bool) -> None:
    args = ["officer", "pin", "lan"] + (["--as", ADMIN_USER] if as_user else [])
    stdin = (f"{ADMIN_PIN}\n" if as_user else f"{ADMIN_USER}\n{ADMIN_PIN}\n") + "739146\n"
    code, out, err = run(capsys, "--data-dir", str(cli_site), *args, stdin=stdin)
    assert code == 0, err
    assert ADMIN_PIN not in " ".join(args)
    [(actor, _, details)] = events(cli_site, "officer.pin_set")
    assert actor == ADMIN_USER and details == {"username": "lan"}
