"""Encryption at rest: a citizen's name and ID number are nowhere in the raw bytes the kiosk leaves on disk."""

from __future__ import annotations

import json
import os
import sqlite3
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from conftest import decrypted_sha256

from forms.text import fold

NAME = "Nguyễn Thị Thuỳ Dương"  # diacritics that differ between NFC and NFD
ID_NUMBER = "001190012345"


def needles(name: str, id_number: str) -> dict[str, bytes]:
    """Every form the two values could take in a file: digits, UTF-8 NFC and NFD, folded, JSON-escaped."""
    forms = {
        "id digits": id_number.encode(),
        "name NFC": unicodedata.normalize("NFC", name).encode("utf-8"),
        "name NFD": unicodedata.normalize("NFD", name).encode("utf-8"),
        "name folded": fold(name).encode("utf-8"),
        "name JSON \\u": json.dumps(unicodedata.normalize("NFC", name)).strip('"').encode("ascii"),
        "name JSON \\u (NFD)": json.dumps(unicodedata.normalize("NFD", name)).strip('"').encode("ascii"),
    }  # (the search below also compares lower-cased bytes, which covers upper-case hex in \u escapes)
    surname = fold(name).split()[-1].encode()  # a distinctive word alone ("duong")
    forms["name last word folded"] = surname
    return forms


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def found_in(paths: list[Path], name: str = NAME, id_number: str = ID_NUMBER) -> list[tuple[str, Path]]:
    found = []
    for path in paths:
        raw = path.read_bytes()
        lower = raw.lower()
        for label, needle in needles(name, id_number).items():
            if needle in raw or needle.lower() in lower:
                found.append((label, path))
    return found


def assert_absent(paths: list[Path]) -> None:
    found = found_in(paths)
    assert not found, [f"{label} in {path}" for label, path in found]


def _submit_known(ctx, officer, scratch: Path) -> str:
    from kiosk.dossier.submit import submit
    from forms.samples import sample_values

    procedure = ctx.catalogue.get("1.004873")  # marital status certificate: name, ID, address
    values = sample_values(procedure, seed=3, today=date.today())
    values["submitter_name"] = NAME
    values["submitter_id_number"] = ID_NUMBER
    values["submitter_birth_date"] = "1990-05-01"  # 0-0-1 Hà Nội, 1 = woman born 19xx, 90 = 1990
    values["submitter_sex"] = "nu"
    if "requester_id_paper_issue_date" in values:
        values["requester_id_paper_issue_date"] = "2021-06-01"
    scratch.mkdir(parents=True, exist_ok=True)
    scan = scratch / "cccd.txt"  # a "scan" whose content names the citizen, as a real scan's OCR layer would
    scan.write_text(f"CĂN CƯỚC {NAME} {ID_NUMBER} {json.dumps(NAME)}", encoding="utf-8")
    return submit(ctx, procedure=procedure, values=values, officer=officer, extra_files=[scan]).code


def test_name_and_id_number_are_absent_from_database_wal_attachments_backups_and_logs(ctx, officer, site_dir, tmp_path) -> None:
    from kiosk.dossier.search import search_dossiers

    code = _submit_known(ctx, officer, tmp_path / "scans")
    # the product itself still finds the dossier by name without diacritics and by ID number
    with ctx.read() as session:
        assert [r.code for r in search_dossiers(session, fold(NAME))] == [code]
        assert [r.code for r in search_dossiers(session, ID_NUMBER)] == [code]
    from kiosk.storage.backup import backup

    made = backup(ctx)  # scheduled backups live in the data folder: they are searched too
    backup(ctx, tmp_path / "usb" / "copy.db")
    assert made.path.parent == site_dir / "backups"
    wal = site_dir / "kiosk.db-wal"
    assert wal.exists() and wal.stat().st_size > 0, "the test must see the WAL while it holds the new rows"
    assert_absent(files_under(site_dir))  # database, WAL, shm, attachments, logs, settings, keys — while open
    ctx.close()
    assert_absent(files_under(site_dir))  # and after the WAL is checkpointed at close
    assert_absent(files_under(tmp_path / "usb"))  # a backup written elsewhere (a USB stick)
    with pytest.raises(sqlite3.DatabaseError):  # a plain SQLite reader sees no database at all
        sqlite3.connect(site_dir / "kiosk.db").execute("SELECT count(*) FROM sqlite_master").fetchone()


def test_the_needles_are_found_where_they_are_in_plaintext(tmp_path) -> None:
    """The search itself works: each form is found in a file that holds it (so a pass above means something)."""
    for label, needle in needles(NAME, ID_NUMBER).items():
        path = tmp_path / "plain.bin"
        path.write_bytes(b"x" * 100 + needle + b"y" * 100)
        assert label in [found_label for found_label, _ in found_in([path])]


def _make_plaintext_folder(ctx, site_dir: Path) -> None:
    """Turn a folder into what an earlier, unencrypted version left: plaintext database and attachments, no key."""
    from kiosk.security import vault
    from kiosk.storage.db import connect_encrypted
    from kiosk.security.encryption import marker_path

    key, file_key = ctx.data_key, ctx.file_key
    ctx.close()
    plain = site_dir / "plain.db"
    connection = connect_encrypted(site_dir / "kiosk.db", key)
    connection.execute("ATTACH DATABASE ? AS plaintext KEY ''", (str(plain),))
    connection.execute("SELECT sqlcipher_export('plaintext')")
    connection.execute("DETACH DATABASE plaintext")
    connection.close()
    for side in ("", "-wal", "-shm"):
        (site_dir / f"kiosk.db{side}").unlink(missing_ok=True)
    os.replace(plain, site_dir / "kiosk.db")
    for path in (site_dir / "attachments").iterdir():
        path.write_bytes(vault.read_all(file_key, path))
    (site_dir / "keys" / "data.key").unlink()
    marker_path(ctx.data).unlink()


def test_an_unencrypted_data_folder_is_converted_in_place_with_nothing_lost(ctx, officer, site_dir, tmp_path) -> None:
    from kiosk.storage.context import open_kiosk
    from kiosk.dossier.search import search_dossiers
    from sqlalchemy import select

    from kiosk.storage.models import Attachment, Dossier

    code = _submit_known(ctx, officer, tmp_path / "scans")
    _make_plaintext_folder(ctx, site_dir)
    assert {label for label, _ in found_in(files_under(site_dir))} >= {"id digits", "name NFC"}  # the old folder is plaintext
    assert sqlite3.connect(site_dir / "kiosk.db").execute("SELECT count(*) FROM dossier").fetchone()[0] == 1

    reopened = open_kiosk(site_dir)
    try:
        with reopened.read() as session:
            assert [r.code for r in search_dossiers(session, ID_NUMBER)] == [code]
            dossier = session.scalar(select(Dossier).where(Dossier.code == code))
            assert dossier.values["submitter_name"] == NAME
            shas = list(session.scalars(select(Attachment.sha256)))
        assert shas and all(decrypted_sha256(reopened.file_key, site_dir / "attachments" / sha) == sha for sha in shas)
    finally:
        reopened.close()
    assert_absent(files_under(site_dir))
