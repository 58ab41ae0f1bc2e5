"""The data key: a passphrase-protected recovery copy, recovery after the key is lost, rotation (also when cut short)."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest

from cli_helpers import ADMIN_PIN, ADMIN_USER, add_admin
from conftest import decrypted_sha256

from ui.admin.cli import main

PASSPHRASE = "mot cua bat trang 2026"


def _cli(capsys, monkeypatch, *args: str, stdin: str = "") -> tuple[int, dict]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    capsys.readouterr()
    code = main(list(args) + ["--json"])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def _submit_with_scan(ctx, officer, tmp_path: Path) -> tuple[str, str]:
    import hashlib

    from kiosk.dossier.submit import submit
    from forms.samples import sample_values

    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 scan " * 30_000)
    procedure = ctx.catalogue.get("1.004873")
    code = submit(ctx, procedure=procedure, values=sample_values(procedure, seed=2, today=date.today()), officer=officer, extra_files=[scan]).code
    return code, hashlib.sha256(scan.read_bytes()).hexdigest()


def test_a_lost_key_is_recovered_from_its_passphrase_protected_copy(ctx, officer, site_dir, tmp_path, capsys, monkeypatch) -> None:
    code, _sha = _submit_with_scan(ctx, officer, tmp_path)
    ctx.close()
    copy = tmp_path / "usb" / "key-recovery.json"
    copy.parent.mkdir()
    add_admin(site_dir)
    admin = ("--as", ADMIN_USER)
    status, _ = _cli(capsys, monkeypatch, "--data-dir", str(site_dir), "key", "backup", "--out", str(copy), *admin, stdin=ADMIN_PIN + "\nshort\n")
    assert status == 2  # a passphrase under 12 characters is refused
    status, answer = _cli(capsys, monkeypatch, "--data-dir", str(site_dir), "key", "backup", "--out", str(copy), *admin, stdin=f"{ADMIN_PIN}\n{PASSPHRASE}\n")
    assert status == 0 and copy.exists() and (site_dir / "keys" / "data.key").read_bytes() not in copy.read_bytes()

    (site_dir / "keys" / "data.key").unlink()  # the key file is lost (disk error, careless clean-up)
    status, answer = _cli(capsys, monkeypatch, "--data-dir", str(site_dir), "dossiers")
    assert status == 1 and "key restore" in answer["error"]  # never a fresh key over an encrypted database
    assert not (site_dir / "keys" / "data.key").exists()

    status, answer = _cli(capsys, monkeypatch, "--data-dir", str(site_dir), "key", "restore", str(copy), *admin, stdin=ADMIN_PIN + "\nwrong passphrase!!\n")
    assert status == 2 and "Mật khẩu không đúng" in answer["error"]
    status, answer = _cli(capsys, monkeypatch, "--data-dir", str(site_dir), "key", "restore", str(copy), *admin, stdin=f"{ADMIN_PIN}\n{PASSPHRASE}\n")
    assert status == 0
    status, answer = _cli(capsys, monkeypatch, "--data-dir", str(site_dir), "dossiers")
    assert status == 0 and [d["code"] for d in answer["dossiers"]] == [code]


def test_rotation_re_keys_database_and_attachments(ctx, officer, site_dir, tmp_path, capsys, monkeypatch) -> None:
    from kiosk.security import vault
    from kiosk.storage.context import open_kiosk

    code, sha = _submit_with_scan(ctx, officer, tmp_path)
    old_key = ctx.data_key
    ctx.close()
    add_admin(site_dir)
    status, answer = _cli(capsys, monkeypatch, "--data-dir", str(site_dir), "key", "rotate", "--as", ADMIN_USER, stdin=ADMIN_PIN + "\n")
    assert status == 0 and answer["attachments"] == 1
    reopened = open_kiosk(site_dir)
    try:
        assert reopened.data_key != old_key
        assert decrypted_sha256(reopened.file_key, site_dir / "attachments" / sha) == sha
        with pytest.raises(vault.DamagedFile):
            vault.read_all(vault.file_key(old_key), site_dir / "attachments" / sha)
    finally:
        reopened.close()
    from kiosk.storage.db import connect_encrypted

    with pytest.raises(Exception):
        connect_encrypted(site_dir / "kiosk.db", old_key).execute("SELECT count(*) FROM dossier").fetchone()
    status, answer = _cli(capsys, monkeypatch, "--data-dir", str(site_dir), "audit", "verify")
    assert status == 0 and answer["ok"]
    status, answer = _cli(capsys, monkeypatch, "--data-dir", str(site_dir), "dossiers")
    assert [d["code"] for d in answer["dossiers"]] == [code]


@pytest.mark.parametrize("cut_after", ["new key written", "attachments re-sealed"])
def test_an_interrupted_rotation_is_finished_at_the_next_start(ctx, officer, site_dir, tmp_path, cut_after) -> None:
    from kiosk.security import rotation
    from kiosk.security import vault
    from kiosk.storage.context import open_kiosk
    from kiosk.storage.paths import DataDir

    code, sha = _submit_with_scan(ctx, officer, tmp_path)
    old_key = ctx.data_key
    ctx.close()
    data = DataDir(site_dir)
    new_key = rotation.start(data)
    if cut_after == "attachments re-sealed":
        path = site_dir / "attachments" / sha
        plain = vault.read_all(vault.file_key(old_key), path)
        with open(path, "wb") as handle:
            sealer = vault.Sealer(vault.file_key(new_key), handle, len(plain))
            sealer.write(plain)
            sealer.close()
    reopened = open_kiosk(site_dir)  # the power came back
    try:
        assert reopened.data_key == new_key and not rotation.rotation_pending(data)
        assert decrypted_sha256(reopened.file_key, site_dir / "attachments" / sha) == sha
        from kiosk.dossier.search import search_dossiers

        with reopened.read() as session:
            assert [r.code for r in search_dossiers(session, code)] == [code]
    finally:
        reopened.close()
