"""Bring a data folder to encryption at rest: new folders start encrypted, older plaintext ones are converted in place.

Conversion is crash-safe and repeatable: the database is exported into a new encrypted file which is
checked and then renamed over the plaintext one (a crash before the rename leaves the plaintext
database untouched and the next start does it again); each attachment is sealed into a temporary file
and renamed over its plaintext original. The marker `keys/at-rest-v1` is written last, so a folder
without it is scanned (again) at the next start.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from kiosk.security import vault
from kiosk.storage.db import connect_encrypted
from kiosk.storage.files import fsync_dir, replacing, write_atomic
from kiosk.security.keystore import KeyUnavailable, has_data_key, load_or_create_data_key
from kiosk.storage.paths import DataDir

log = logging.getLogger(__name__)

PLAINTEXT_HEADER = b"SQLite format 3\x00"
MARKER = "at-rest-v1"


def marker_path(data: DataDir) -> Path:
    return data.root / "keys" / MARKER


def is_plaintext_database(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(PLAINTEXT_HEADER)) == PLAINTEXT_HEADER
    except OSError:
        return False


def prepare_folder(data: DataDir) -> bytes:
    """The folder's data key; converts plaintext data left by an earlier version first.

    A new key is made only for a folder with no database or a plaintext one: an encrypted database whose
    key is gone must be recovered (`kiosk-admin key restore`), never silently given a fresh key.
    """
    if not has_data_key(data.root) and data.db_path.exists() and not is_plaintext_database(data.db_path) and data.db_path.stat().st_size > 0:
        raise KeyUnavailable(
            "Không tìm thấy khóa giải mã dữ liệu của máy này. Quản trị viên khôi phục bằng bản sao khóa: "
            "kiosk-admin key restore TỆP (mật khẩu nhập từ bàn phím)."
        )
    key = load_or_create_data_key(data.root)
    from kiosk.security import rotation

    if rotation.rotation_pending(data):  # a key rotation was cut short: finish it before anything opens the database
        rotation.finish(data, key)
        key = load_or_create_data_key(data.root)
    if marker_path(data).exists():
        return key
    converted_db = _encrypt_database(data.db_path, key) if is_plaintext_database(data.db_path) else False
    sealed = _seal_attachments(data.attachments_dir, vault.file_key(key))
    _write_marker(data)
    if converted_db or sealed:
        log.warning("data folder converted to encryption at rest (database: %s, attachments sealed: %d)", converted_db, sealed)
    return key


def _write_marker(data: DataDir) -> None:
    path = marker_path(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, b"database: SQLCipher 4 (raw key); attachments: AES-256-GCM segments (kiosk/vault.py)\n")


def _encrypt_database(path: Path, key: bytes) -> bool:
    tmp = path.with_name(path.name + ".encrypting")
    for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
        leftover.unlink(missing_ok=True)
    # Fold the plaintext WAL into the main file so the export sees every committed row.
    plain = sqlite3.connect(str(path))
    try:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        counts = _row_counts(plain)
    finally:
        plain.close()
    import sqlcipher3.dbapi2 as sqlcipher

    source = sqlcipher.connect(str(path))
    try:
        source.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (str(tmp),))
        source.execute("SELECT sqlcipher_export('encrypted')")
        version = source.execute("PRAGMA user_version").fetchone()[0]
        source.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        source.execute("DETACH DATABASE encrypted")
    finally:
        source.close()
    check = connect_encrypted(tmp, key)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok" or _row_counts(check) != counts:
            raise RuntimeError("the encrypted copy of the database does not match the original")
    finally:
        check.close()
    with replacing(path, tmp=tmp, mode=None):
        pass  # the encrypted copy is complete and checked: make it durable and put it in place
    for side in ("-wal", "-shm"):
        path.with_name(path.name + side).unlink(missing_ok=True)
    fsync_dir(path.parent)
    return True


def _row_counts(connection: object) -> dict[str, int]:
    tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]  # type: ignore[attr-defined]
    return {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}  # type: ignore[attr-defined]


def _seal_attachments(folder: Path, file_key: bytes) -> int:
    if not folder.is_dir():
        return 0
    sealed = 0
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            if path.name.startswith(".seal-"):
                path.unlink(missing_ok=True)  # a conversion cut short; its original is still in place
            continue
        if not vault.is_encrypted(path):
            vault.seal_existing(file_key, path)
            sealed += 1
    if sealed:
        fsync_dir(folder)
    return sealed
