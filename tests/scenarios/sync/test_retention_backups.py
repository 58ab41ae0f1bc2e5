"""Retention reaches every copy: after a purge no kept backup holds the purged dossier's personal data in any page,
and restoring an older backup does not bring it back (docs/security.md "Retention", docs/restore.md)."""

from __future__ import annotations

import json
import os
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from cli_helpers import add_admin, as_admin
from portal_server import portal  # noqa: F401 - the fixture
from sqlcipher_pages import found_in
from sync_helpers import add_officer, make_kiosk


@pytest.fixture
def kiosk(tmp_path, portal):  # noqa: F811
    ctx = make_kiosk(tmp_path / "kiosk", portal)
    yield ctx
    ctx.close()


def _submit(ctx, officer, seed: int):
    from forms.samples import sample_values
    from kiosk.dossier.submit import submit

    procedure = ctx.catalogue.get("1.004873")
    values = sample_values(procedure, seed=seed, today=date.today())
    return submit(ctx, procedure=procedure, values=values, officer=officer).code, values


def _secrets(values: dict) -> list[str]:
    """The personal data a purge must remove: name, ID numbers, phone, e-mail and address of the form."""
    found = [values["submitter_name"], values["submitter_id_number"], values["submitter_phone"], values["submitter_email"],
             values["submitter_address"]["line"], values["person_full_name"], values["person_id_number"]]
    assert all(found) and len(set(found)) == len(found)
    return found


def _every_file(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file())


def _values_in(path: Path, key: bytes, code: str):
    from kiosk.storage.db import connect_encrypted

    connection = connect_encrypted(path, key)
    try:
        row = connection.execute("SELECT \"values\", submitter_name, purged_at FROM dossier WHERE code = ?", (code,)).fetchone()
    finally:
        connection.close()
    return json.loads(row[0]), row[1], row[2]


def test_a_purge_cleans_every_kept_backup_and_a_restore_of_an_older_one_purges_again(kiosk, portal, tmp_path) -> None:  # noqa: F811
    from kiosk.dossier.retention import purge
    from kiosk.storage.backup import backup, list_backups, restore
    from kiosk.storage.context import open_kiosk
    from kiosk.storage.models import AuditEvent, Dossier, utcnow
    from sync.engine import SyncEngine

    officer = add_officer(kiosk)
    closed, purged_values = _submit(kiosk, officer, seed=8000)
    kept, kept_values = _submit(kiosk, officer, seed=8001)
    assert SyncEngine(kiosk).run_once(force=True).delivered == 2
    portal.run_cli("set-status", closed, "10")
    assert SyncEngine(kiosk).run_once(force=True).status_changes == 1
    secrets, kept_secrets = _secrets(purged_values), _secrets(kept_values)

    first = backup(kiosk, label="a")
    usb = tmp_path / "usb" / "kiosk-usb.db"
    backup(kiosk, usb)  # a copy off the kiosk: out of the scrub's reach, restored below
    second = backup(kiosk, label="b")
    junk = first.path.with_name("kiosk-20200101-000000-before-upgrade-from-0004.db")
    junk.write_bytes(os.urandom(3 * 4096))  # a kept copy that does not open with the key
    os.utime(junk, (first.path.stat().st_mtime - 10,) * 2)
    backups = first.path.parent
    key = kiosk.data_key
    before = found_in(_every_file(backups), key, secrets)
    assert set(before) == set(secrets), "the page search finds every value where it is (so it can fail below)"
    mtimes = {p.name: p.stat().st_mtime_ns for p in (first.path, second.path)}

    now = utcnow()
    report = purge(kiosk, now=now + timedelta(days=31))
    assert report.purged == [closed]
    assert sorted(report.backups_cleaned) == sorted([first.path.name, second.path.name])
    assert report.backups_removed == [{"file": junk.name, "reason": report.backups_removed[0]["reason"]}] and not junk.exists()

    files = _every_file(backups)
    assert [p.name for p in files] == sorted([first.path.name, second.path.name])  # no temporary copy left
    assert found_in(files, key, secrets) == {}  # every page of every kept backup, free pages included
    assert set(found_in(files, key, kept_secrets)) == set(kept_secrets)  # the dossier still in its period stays whole
    assert found_in(_every_file(kiosk.data.root), key, secrets) == {}  # the live database and its WAL
    for path in (first.path, second.path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600 and path.stat().st_mtime_ns == mtimes[path.name]
        assert _values_in(path, key, closed)[:2] == ({}, None)
        assert _values_in(path, key, kept)[0] == kept_values
    assert [b.path for b in list_backups(kiosk.data)] == [first.path, second.path]  # still ordered as they were taken
    assert purge(kiosk, now=now + timedelta(days=32)).backups_cleaned == []  # clean already: not rewritten again
    with kiosk.read() as session:
        scrubbed = session.scalars(select(AuditEvent).where(AuditEvent.action == "backups.scrubbed")).one()
    assert scrubbed.details["removed"][0]["file"] == junk.name
    ledger = (kiosk.data.root / "purge-ledger.json").read_text(encoding="utf-8")
    assert closed in ledger and not any(s in ledger for s in secrets)
    assert stat.S_IMODE((kiosk.data.root / "purge-ledger.json").stat().st_mode) == 0o600

    # A restore of the copy the scrub could not reach brings nothing back: the purge ledger is applied again.
    kiosk.close()
    assert set(found_in([usb], key, secrets)) == set(secrets)
    restored = restore(kiosk.data.root, usb, actor="test")
    assert restored.purges_reapplied == [closed] and restored.as_dict()["purges_reapplied"] == [closed]
    assert found_in(_every_file(kiosk.data.root), key, secrets) == {}
    assert found_in(_every_file(backups), key, secrets) == {}  # the safety copy of the replaced database too
    ctx = open_kiosk(kiosk.data.root)
    try:
        with ctx.read() as session:
            dossier = session.scalar(select(Dossier).where(Dossier.code == closed))
            reapplied = session.scalars(select(AuditEvent).where(AuditEvent.action == "purge.reapplied")).one()
            kept_dossier = session.scalar(select(Dossier).where(Dossier.code == kept))
        assert dossier.values == {} and dossier.submitter_name is None and dossier.purged_at is not None
        assert reapplied.details["codes"] == [closed] and kept_dossier.values == kept_values
    finally:
        ctx.close()

    # And a restore of a kept backup (cleaned in place) needs nothing purged again.
    again = restore(kiosk.data.root, first.path, actor="test")
    assert again.purges_reapplied == [] and found_in(_every_file(kiosk.data.root), key, secrets) == {}


def test_kiosk_admin_purge_names_the_backups_it_cleaned_and_removed(kiosk, capsys) -> None:
    from kiosk.storage import purge_ledger
    from kiosk.storage.backup import backup
    from kiosk.storage.models import utcnow

    bad = backup(kiosk, label="x").path
    bad.write_bytes(os.urandom(4096))  # damaged
    purge_ledger.record(kiosk.data.root, utcnow(), codes=["X-0000"])  # a purge done earlier
    kiosk.close()
    add_admin(kiosk.data.root)
    code = as_admin("--data-dir", str(kiosk.data.root), "purge", "--json")
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["backups_removed"][0]["file"] == bad.name and not bad.exists()
    as_admin("--data-dir", str(kiosk.data.root), "purge")
    assert "bản sao lưu" not in capsys.readouterr().out  # nothing left to clean: nothing said
