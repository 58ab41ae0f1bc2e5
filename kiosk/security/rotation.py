"""Data-key rotation: a new key for the database and the attachments, safe to interrupt at any point.

1. The new key is sealed into `keys/data.key.next` (the old one stays in `keys/data.key`).
2. Each attachment is re-sealed with the new key (temporary file, fsync, rename).
3. The database is re-keyed (`PRAGMA rekey`, one transaction inside SQLCipher).
4. The new key replaces the old one; `data.key.next` is removed.

A crash anywhere leaves `data.key.next`; the next start (`kiosk.security.encryption.prepare_folder`) finishes
the rotation: it finds which key opens the database, re-seals the attachments still under the old key,
and completes steps 3–4. The audit chain has its own key and is not touched. Backups made before a
rotation stay under the old key: keep the old recovery copy with them (docs/security.md).
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

from kiosk.security import keystore
from kiosk.security import vault
from kiosk.storage.db import connect_encrypted
from kiosk.errors import KioskError
from kiosk.storage.files import replacing, write_atomic
from kiosk.storage.paths import DataDir

log = logging.getLogger(__name__)

NEXT_FILE = "data.key.next"


def _next_path(data: DataDir) -> Path:
    return data.root / "keys" / NEXT_FILE


def rotation_pending(data: DataDir) -> bool:
    return _next_path(data).exists()


def _opens(path: Path, key: bytes) -> bool:
    try:
        connection = connect_encrypted(path, key)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return True
        finally:
            connection.close()
    except Exception:  # noqa: BLE001 - sqlcipher: "file is not a database" for the wrong key
        return False


def start(data: DataDir) -> bytes:
    """Step 1: make and keep the new key next to the old one; returns it."""
    key = secrets.token_bytes(keystore.KEY_BYTES)
    _store_next(data, key)
    return key


def _store_next(data: DataDir, key: bytes) -> None:
    write_atomic(_next_path(data), keystore.seal(key))  # sealed like the live key, under another name


def _load_next(data: DataDir) -> bytes:
    return keystore.unseal(_next_path(data).read_bytes())


def finish(data: DataDir, old_key: bytes) -> dict[str, int]:
    """Steps 2–4 (also what a start after an interrupted rotation runs). Returns what was re-sealed."""
    new_key = _load_next(data)
    if len(new_key) != keystore.KEY_BYTES:
        raise KioskError("Khóa mới của lần đổi khóa dang dở bị hỏng; khôi phục bằng bản sao khóa (kiosk-admin key restore).")
    old_file, new_file = vault.file_key(old_key), vault.file_key(new_key)
    resealed = 0
    folder = data.attachments_dir
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.name.startswith(".") or not path.is_file():
                continue
            try:
                vault.read_all(new_file, path)
                continue  # already under the new key
            except vault.DamagedFile:
                pass
            plain = vault.read_all(old_file, path)
            with replacing(path, tmp=path.with_name(f".rot-{path.name}"), mode=None) as tmp:
                with open(tmp, "wb") as handle:
                    sealer = vault.Sealer(new_file, handle, len(plain))
                    sealer.write(plain)
                    sealer.close()
            resealed += 1
    if not _opens(data.db_path, new_key):
        if not _opens(data.db_path, old_key):
            raise KioskError("Không mở được cơ sở dữ liệu bằng khóa cũ hay khóa mới; hãy báo quản trị viên (khôi phục bản sao lưu).")
        connection = connect_encrypted(data.db_path, old_key)
        try:
            connection.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
        finally:
            connection.close()
    keystore.store_data_key(data.root, new_key)
    _next_path(data).unlink(missing_ok=True)
    log.warning("data key rotated (%d attachments re-sealed)", resealed)
    return {"attachments": resealed}


def rotate(root: Path) -> dict[str, int]:
    """The whole rotation for `kiosk-admin key rotate` (run with the kiosk closed)."""
    data = DataDir(Path(root))
    old_key = keystore.load_data_key(data.root)
    if old_key is None:
        raise KioskError("Thư mục dữ liệu chưa có khóa.")
    if not rotation_pending(data):
        start(data)
    return finish(data, old_key)
