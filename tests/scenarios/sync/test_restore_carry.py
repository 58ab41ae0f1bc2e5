"""A restore loses nothing received after the backup (docs/restore.md): the dossiers stay, keep their codes, UUIDs and
outbox state, reach the portal exactly once, and no code comes back; when the replaced database cannot be read, the
restore lists the codes the code ledger says were handed out after the backup."""

from __future__ import annotations

import json
import os
from pathlib import Path

from sqlalchemy import select

from cli_helpers import add_admin, as_admin
from portal_server import portal  # noqa: F401 - fixture: a real `kiosk-portal serve` process
from sync_helpers import add_officer, assert_portal_holds_exactly, make_kiosk, outbox_states, submit_dossiers


def _cli(capsys, *args: str) -> tuple[int, dict, str]:
    """Run kiosk-admin twice the same way a user would: with --json for the fields, the text for the summary."""
    from ui.admin.cli import main

    capsys.readouterr()
    status = main(list(args) + ["--json"])
    out = capsys.readouterr().out
    return status, json.loads(out) if out.strip() else {}, out


def _restore(capsys, root: Path, backup_file: str, *, as_json: bool = True) -> dict | str:
    """`kiosk-admin restore FILE`: the --json fields, or the Vietnamese summary a user reads."""
    capsys.readouterr()
    status = as_admin("--data-dir", str(root), "restore", backup_file, *(["--json"] if as_json else []))
    out = capsys.readouterr().out
    assert status == 0, out
    return json.loads(out) if as_json else out


def _dossiers(ctx) -> dict[str, str]:
    from kiosk.storage.models import Dossier

    with ctx.read() as session:
        return {code: uuid for code, uuid in session.execute(select(Dossier.code, Dossier.uuid).where(Dossier.code.is_not(None)))}


def test_dossiers_received_after_the_backup_survive_the_restore_and_reach_the_portal_once(tmp_path, portal, capsys) -> None:  # noqa: F811
    from kiosk.storage.context import open_kiosk
    from kiosk.storage.models import AuditEvent
    from sync.engine import SyncEngine

    root = tmp_path / "kiosk"
    ctx = make_kiosk(root, portal)
    officer = add_officer(ctx)
    add_admin(root)
    [before] = submit_dossiers(ctx, officer, 1, tmp_path / "scans", size=2000, seed=1)
    assert SyncEngine(ctx).run_once().delivered == 1
    [pending] = submit_dossiers(ctx, officer, 1, tmp_path / "scans", size=2000, seed=5)  # queued in the backup
    ctx.close()
    status, made, _ = _cli(capsys, "--data-dir", str(root), "backup", "--out", str(tmp_path / "b.db"))
    assert status == 0

    ctx = open_kiosk(root)
    [delivered_after] = submit_dossiers(ctx, officer, 1, tmp_path / "scans", size=3000, seed=2)
    assert SyncEngine(ctx).run_once().delivered == 2  # on the portal already: must not be sent again
    queued = submit_dossiers(ctx, officer, 2, tmp_path / "scans", size=4000, seed=3)  # receipts printed, not yet sent
    uuids_before = _dossiers(ctx)
    states_before = outbox_states(ctx)
    ctx.close()

    text = _restore(capsys, root, made["path"], as_json=False)
    assert "Đã chuyển sang 3 hồ sơ tiếp nhận sau bản sao lưu" in text and made["path"] in text
    assert all(code in text for code in [delivered_after, *queued]) and "before-restore.db" in text

    ctx = open_kiosk(root)
    try:
        assert _dossiers(ctx) == uuids_before  # same codes, same UUIDs
        assert outbox_states(ctx) == states_before  # queued stays queued, delivered stays delivered
        assert states_before[(queued[0], 1)] == "queued" and states_before[(delivered_after, 1)] == "delivered"
        assert states_before[(pending, 1)] == "delivered"  # queued in the backup, delivered since: stays delivered

        report = SyncEngine(ctx).run_once()
        assert report.ok and report.delivered == 2 and report.remaining == 0
        assert_portal_holds_exactly(ctx, portal, [before, pending, delivered_after, *queued])  # attachments too, each once

        [after] = submit_dossiers(ctx, officer, 1, tmp_path / "scans", size=1000, seed=4)
        assert after not in uuids_before and int(after[-3:]) > max(int(code[-3:]) for code in uuids_before)
        with ctx.read() as session:
            carried = session.scalar(select(AuditEvent).where(AuditEvent.action == "backup.carried"))
            assert carried is not None and sorted(carried.details["codes"]) == sorted([delivered_after, *queued])
            assert carried.details["dossiers"] == 3
    finally:
        ctx.close()
    status, verified, _ = _cli(capsys, "--data-dir", str(root), "audit", "verify")
    assert status == 0 and verified["ok"], verified



def _backup_then_two_more(tmp_path, portal, capsys):  # noqa: ANN001, ANN202, F811 - fixtures passed through
    """A kiosk with one dossier, backed up with `backup --out`, then two more dossiers received (not synced).

    Returns (root, officer, the code before the backup, the backup's JSON, the two codes after it)."""
    from kiosk.storage.context import open_kiosk

    root = tmp_path / "kiosk"
    ctx = make_kiosk(root, portal)
    officer = add_officer(ctx)
    add_admin(root)
    [before] = submit_dossiers(ctx, officer, 1, tmp_path / "scans", size=1000, seed=1)
    ctx.close()
    status, made, _ = _cli(capsys, "--data-dir", str(root), "backup", "--out", str(tmp_path / "b.db"))
    assert status == 0
    ctx = open_kiosk(root)
    lost = submit_dossiers(ctx, officer, 2, tmp_path / "scans", size=1000, seed=2)
    ctx.close()
    return root, officer, before, made, lost


def test_an_unreadable_database_is_replaced_and_the_ledger_names_the_codes_to_re_enter(tmp_path, portal, capsys) -> None:  # noqa: F811
    from kiosk.storage.context import open_kiosk

    root, officer, before, made, lost = _backup_then_two_more(tmp_path, portal, capsys)

    db = root / "kiosk.db"
    assert db.is_file()
    db.write_bytes(os.urandom(db.stat().st_size))  # the disk garbled it
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)

    garbled = db.read_bytes()

    answer = _restore(capsys, root, made["path"])
    assert not answer["current_readable"] and answer["carried_codes"] == [] and answer["unreadable_reason"]
    assert answer["possibly_issued"] == lost and answer["possibly_issued_known"]
    assert Path(answer["previous_kept_as"]).read_bytes() == garbled  # kept byte for byte

    ctx = open_kiosk(root)
    try:
        assert list(_dossiers(ctx)) == [before]
        [after] = submit_dossiers(ctx, officer, 1, tmp_path / "scans", size=1000, seed=3)
        assert after not in lost and after != before
    finally:
        ctx.close()
    status, verified, _ = _cli(capsys, "--data-dir", str(root), "audit", "verify")
    assert status == 0 and verified["ok"], verified

    # Garbled again: the text names the codes and says to re-enter each from its paper copy.
    db.write_bytes(os.urandom(db.stat().st_size))
    text = _restore(capsys, root, made["path"], as_json=False)
    assert "KHÔNG đọc được" in text and all(code in text for code in lost) and "tiếp nhận lại hồ sơ" in text

    # Without the ledger as well, the restore says plainly it cannot tell.
    (root / "code-ledger.json").unlink()
    db.write_bytes(os.urandom(db.stat().st_size))
    text = _restore(capsys, root, made["path"], as_json=False)
    assert "Không xác định được" in text


def test_a_dossier_re_entered_under_its_listed_code_reaches_the_portal_under_that_code(tmp_path, portal, capsys) -> None:  # noqa: F811
    from datetime import date

    from forms.codes import parse_code
    from forms.samples import sample_values
    from kiosk.dossier.submit import submit
    from kiosk.storage.context import open_kiosk
    from sync.engine import SyncEngine

    root, officer, before, made, lost = _backup_then_two_more(tmp_path, portal, capsys)  # the two: printed, never sent
    db = root / "kiosk.db"
    db.write_bytes(os.urandom(db.stat().st_size))
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    assert _restore(capsys, root, made["path"])["possibly_issued"] == lost

    ctx = open_kiosk(root)
    try:
        series = parse_code(lost[0]).series
        procedure = next(p for p in ctx.catalogue.latest() if p.code_series == series)
        values = sample_values(procedure, seed=7, today=date.today())
        assert submit(ctx, procedure=procedure, values=values, officer=officer, reuse_code=lost[0]).code == lost[0]
        report = SyncEngine(ctx).run_once()
        assert report.ok and report.delivered == 2 and report.remaining == 0  # the one from before the backup, and it
        assert_portal_holds_exactly(ctx, portal, [before, lost[0]])
    finally:
        ctx.close()
    status, verified, _ = _cli(capsys, "--data-dir", str(root), "audit", "verify")
    assert status == 0 and verified["ok"], verified
