"""Encrypted backups and checked restores; after a restore no dossier code is issued twice."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from cli_helpers import ADMIN_PIN, ADMIN_USER, add_admin
from ui.admin.cli import main


def _submit(ctx, officer, count: int, seed: int = 0) -> list[str]:
    from kiosk.dossier.submit import submit
    from forms.samples import sample_values

    procedure = ctx.catalogue.get("1.004873")
    return [
        submit(ctx, procedure=procedure, values=sample_values(procedure, seed=seed + i, today=date.today()), officer=officer).code
        for i in range(count)
    ]


def _cli(capsys, *args: str, stdin: str = "") -> tuple[int, dict]:
    import io
    import sys

    capsys.readouterr()
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(list(args) + ["--json"])
    finally:
        sys.stdin = sys.__stdin__
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def _codes(site_dir: Path) -> list[str]:
    from conftest import open_raw_db

    connection = open_raw_db(site_dir)
    try:
        return [r[0] for r in connection.execute("SELECT code FROM dossier WHERE code IS NOT NULL ORDER BY code")]
    finally:
        connection.close()


def test_a_restored_backup_followed_by_new_submits_reissues_no_code(ctx, officer, site_dir, capsys) -> None:
    from kiosk.storage.context import open_kiosk

    first = _submit(ctx, officer, 2)
    ctx.close()
    status, made = _cli(capsys, "--data-dir", str(site_dir), "backup")
    assert status == 0 and Path(made["path"]).is_file() and Path(made["path"]).parent == site_dir / "backups"

    ctx2 = open_kiosk(site_dir)
    handed_out_after_backup = _submit(ctx2, officer, 2, seed=10)  # receipts printed, then the database is lost
    ctx2.close()
    add_admin(site_dir)
    status, restored = _cli(capsys, "--data-dir", str(site_dir), "restore", made["path"], "--as", ADMIN_USER, stdin=ADMIN_PIN + "\n")
    assert status == 0 and Path(restored["previous_kept_as"]).is_file()
    assert _codes(site_dir) == sorted(first + handed_out_after_backup)  # the backup's content, and what came after
    assert restored["carried_codes"] == handed_out_after_backup

    ctx3 = open_kiosk(site_dir)
    try:
        new = _submit(ctx3, officer, 3, seed=20)
    finally:
        ctx3.close()
    every = first + handed_out_after_backup + new
    assert len(set(every)) == len(every), f"a code was issued twice: {every}"
    assert min(int(c[-3:]) for c in new) > max(int(c[-3:]) for c in handed_out_after_backup)

    status, report = _cli(capsys, "--data-dir", str(site_dir), "audit", "verify")
    assert status == 0 and report["ok"], report  # the restored chain is whole, and the restore is in it


def test_a_damaged_or_foreign_backup_is_refused_and_nothing_changes(ctx, officer, site_dir, tmp_path, capsys) -> None:
    from kiosk.storage.site import init_site
    from conftest import TEST_SITE

    codes = _submit(ctx, officer, 1)
    ctx.close()
    status, made = _cli(capsys, "--data-dir", str(site_dir), "backup", "--out", str(tmp_path / "b.db"))
    assert status == 0
    damaged = tmp_path / "damaged.db"
    raw = bytearray(Path(made["path"]).read_bytes())
    raw[5000:5100] = bytes(100)
    damaged.write_bytes(bytes(raw))
    other_site = tmp_path / "other"
    init_site(other_site, dict(TEST_SITE))
    status, foreign = _cli(capsys, "--data-dir", str(other_site), "backup", "--out", str(tmp_path / "foreign.db"))
    assert status == 0

    add_admin(site_dir)
    for bad in (damaged, tmp_path / "foreign.db", tmp_path / "missing.db"):
        status, answer = _cli(capsys, "--data-dir", str(site_dir), "restore", str(bad), "--as", ADMIN_USER, stdin=ADMIN_PIN + "\n")
        assert status == 2 and not answer["ok"] and answer["error"], bad
    assert _codes(site_dir) == codes


def test_the_scheduled_backup_runs_once_a_day_and_keeps_the_newest(ctx, officer, site_dir) -> None:
    from datetime import timedelta

    from kiosk.storage import backup

    first = backup.backup_if_due(ctx)
    assert first is not None and backup.backup_if_due(ctx) is None  # not again the same day
    assert backup.backup_if_due(ctx, now=first.created_at + timedelta(hours=25)) is not None
    for i in range(backup.KEEP + 3):
        backup.backup(ctx, label=f"n{i:02d}")
    assert len(backup.list_backups(ctx.data)) == backup.KEEP
