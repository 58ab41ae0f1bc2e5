"""After a restore over an unreadable database, a dossier is re-entered from its paper copy under the code the
ledger listed, and under no other code (docs/restore.md); notice numbers issued after the backup are listed too."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from cli_helpers import add_admin, as_admin


def _submit(ctx, officer, count: int, seed: int = 0, reuse_code: str | None = None) -> list[str]:
    from forms.samples import sample_values
    from kiosk.dossier.submit import submit

    procedure = ctx.catalogue.get("1.004873")
    return [
        submit(ctx, procedure=procedure, values=sample_values(procedure, seed=seed + i, today=date.today()), officer=officer,
               reuse_code=reuse_code).code
        for i in range(count)
    ]


def _garble(root: Path) -> None:
    db = root / "kiosk.db"
    db.write_bytes(os.urandom(db.stat().st_size))  # the disk garbled it
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)


@pytest.fixture
def restored(ctx, officer, site_dir):
    """A site restored from a backup over a garbled database: (context, codes lost, guidance number lost)."""
    from kiosk.dossier.notices import record_guidance
    from kiosk.storage.backup import backup, restore
    from kiosk.storage.context import open_kiosk

    _submit(ctx, officer, 1)
    made = backup(ctx)
    lost = _submit(ctx, officer, 2, seed=5)
    procedure = ctx.catalogue.get("1.004873")
    notice = record_guidance(ctx, procedure, {}, [procedure.documents[0].id], "Thiếu giấy tờ", officer)
    ctx.close()
    _garble(site_dir)
    report = restore(site_dir, made.path, actor="admin")
    assert report.possibly_issued == lost and not report.current_readable
    again = open_kiosk(site_dir)
    yield again, lost, notice.notice_number
    again.close()


def _ledger(root: Path) -> dict:
    return json.loads((root / "code-ledger.json").read_text(encoding="utf-8"))


def test_the_report_is_kept_in_the_data_folder_with_codes_and_notice_numbers_only(restored, site_dir) -> None:
    from kiosk.storage import restore_record

    ctx, lost, guidance = restored
    path = site_dir / restore_record.FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    record = restore_record.load(site_dir)
    assert record is not None and record.acknowledged is None
    assert record.possibly_issued == lost and record.notices == [{"kind": "guidance", "number": guidance}]
    with ctx.read() as session:
        assert record.open_codes(restore_record.held_codes(session, lost)) == lost
    text = path.read_text(encoding="utf-8")
    assert "Thiếu giấy tờ" not in text  # the notice's note (personal data) is not in it


def test_a_listed_code_is_re_entered_under_itself_and_the_ledger_does_not_move(restored, officer, site_dir) -> None:
    from sqlalchemy import select

    from kiosk.security import audit
    from kiosk.storage import restore_record
    from kiosk.storage.models import AuditEvent, Dossier

    ctx, lost, _ = restored
    ledger = _ledger(site_dir)
    [code] = _submit(ctx, officer, 1, seed=5, reuse_code=lost[1])
    assert code == lost[1]
    assert {k: v for k, v in _ledger(site_dir).items() if k.startswith("day:")} == {
        k: v for k, v in ledger.items() if k.startswith("day:")}  # no dossier number moved, backwards or forwards
    with ctx.read() as session:
        assert session.scalar(select(Dossier.lifecycle).where(Dossier.code == code)) == "submitted"
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "dossier.reentered"))
        assert event is not None and event.actor == officer.username and event.details["code"] == code
        assert audit.verify(session, ctx.data.audit_head_path).ok
        record = restore_record.load(site_dir)
        assert record.resolved[code]["state"] == "re_entered"
        assert record.open_codes(restore_record.held_codes(session, lost)) == [lost[0]]
    [fresh] = _submit(ctx, officer, 1, seed=9)  # a new dossier still gets a number above every one handed out
    assert fresh not in lost and int(fresh[-3:]) > max(int(c[-3:]) for c in lost)


def test_any_other_code_is_refused_with_the_reason(restored, officer, site_dir) -> None:
    from forms.codes import parse_code
    from kiosk.errors import InputError
    from kiosk.storage import restore_record

    ctx, lost, _ = restored
    parsed = parse_code(lost[0])
    unlisted = str(parsed._replace(daily_number=parsed.daily_number + 50))
    foreign = str(parsed._replace(kiosk_number=parsed.kiosk_number % 9 + 1))
    ledger = _ledger(site_dir)
    with pytest.raises(InputError, match="không nằm trong danh sách"):
        _submit(ctx, officer, 1, reuse_code=unlisted)
    with pytest.raises(InputError, match="không phải mã do máy số"):
        record = restore_record.load(site_dir)  # even were it listed, another kiosk's code is not this one's to give
        restore_record._write(site_dir, replace(record, report=dict(record.report, possibly_issued=[*lost, foreign])))
        _submit(ctx, officer, 1, reuse_code=foreign)
    _submit(ctx, officer, 1, reuse_code=lost[0])
    with pytest.raises(InputError, match="Đã có hồ sơ mang mã"):
        _submit(ctx, officer, 1, reuse_code=lost[0])
    restore_record.dismiss(ctx, officer.username, lost[1])
    with pytest.raises(InputError, match="không có bản giấy"):
        _submit(ctx, officer, 1, reuse_code=lost[1])
    after = _ledger(site_dir)  # refused attempts touch nothing; the one re-entry only numbered a logbook line
    assert {k: v for k, v in after.items() if not k.startswith("book:")} == {k: v for k, v in ledger.items() if not k.startswith("book:")}
    assert [after[k] - ledger[k] for k in ledger if k.startswith("book:")] == [1]
    with ctx.read() as session:
        from kiosk.security import audit

        assert audit.verify(session, ctx.data.audit_head_path).ok


def test_the_cli_lists_notice_numbers_issued_after_the_backup(ctx, officer, site_dir, capsys) -> None:
    from kiosk.dossier.notices import record_guidance
    from kiosk.storage.backup import backup
    from kiosk.storage.context import open_kiosk

    ctx.close()
    add_admin(site_dir)  # in the backup too: the current database is garbled, so the backup is asked who the administrator is
    ctx = open_kiosk(site_dir)
    made = backup(ctx)
    procedure = ctx.catalogue.get("1.004873")
    notice = record_guidance(ctx, procedure, {}, [procedure.documents[0].id], "", officer)
    ctx.close()
    _garble(site_dir)
    capsys.readouterr()
    assert as_admin("--data-dir", str(site_dir), "restore", str(made.path), "--json") == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["possibly_issued_notices"] == [{"kind": "guidance", "number": notice.notice_number}]
    _garble(site_dir)
    assert as_admin("--data-dir", str(site_dir), "restore", str(made.path)) == 0
    text = capsys.readouterr().out
    assert f"Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ số {notice.notice_number}" in text and "tìm bản giấy" in text
