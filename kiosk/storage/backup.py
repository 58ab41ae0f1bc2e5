"""Encrypted backups of the database through SQLite's online backup API, and checked restores.

A backup is a SQLCipher database encrypted with the folder's data key (the same key, so the kiosk can
restore it unattended; on another machine the key comes from the recovery copy, docs/security.md).
The online backup API copies a consistent snapshot while the kiosk keeps working. Attachments are
not copied: they are encrypted, content-addressed files that a restore leaves in place.

A restore checks the backup (it opens with the key, `integrity_check` is ok, its schema is not newer
than this version), keeps a copy of the current database first, copies the backup in, migrates it,
resets the audit head to the restored chain and records the restore. Dossier numbers continue above
the code ledger (kiosk/code_ledger.py), which a restore never rolls back, so no code is reissued.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.security import audit
from kiosk.storage.db import connect_encrypted, head_revision
from kiosk.errors import InputError, KioskError, storage_error_from
from kiosk.security.keystore import load_data_key
from kiosk.storage.models import utcnow
from kiosk.storage.files import replacing
from kiosk.storage.paths import DataDir

log = logging.getLogger(__name__)

KEEP = 14  # scheduled backups kept in <data>/backups
SCHEDULE_HOURS = 24
NAME_RE = re.compile(r"^kiosk-\d{8}-\d{6}(-[\w-]+)?\.db$")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    size: int
    created_at: datetime

    def as_dict(self) -> dict[str, object]:
        return {"path": str(self.path), "size": self.size, "created_at": self.created_at}


def backups_dir(data: DataDir) -> Path:
    return data.root / "backups"


def list_backups(data: DataDir) -> list[BackupInfo]:
    folder = backups_dir(data)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        if NAME_RE.match(path.name):
            stat = path.stat()
            found.append((stat.st_mtime_ns, path.name, BackupInfo(path, stat.st_size, datetime.fromtimestamp(stat.st_mtime).astimezone())))
    return [info for _, _, info in sorted(found)]  # oldest first


def upgrade_backup_path(data: DataDir, revision: str) -> Path:
    """Where the copy taken before a schema upgrade goes (kept with the other backups)."""
    stamp = utcnow().astimezone().strftime("%Y%m%d-%H%M%S")
    return backups_dir(data) / f"kiosk-{stamp}-before-upgrade-from-{revision}.db"


def copy_database(source_path: Path, target_path: Path, key: bytes) -> None:
    target_path.parent.mkdir(parents=True, exist_ok=True)
    _copy(source_path, target_path, key)


def _copy(source_path: Path, target_path: Path, key: bytes) -> None:
    """SQLite online backup from one keyed database into another (same key), then fsync."""
    source = connect_encrypted(source_path, key)
    target = connect_encrypted(target_path, key)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # a backup is one self-contained file
    finally:
        target.close()
        source.close()
    with open(target_path, "rb+") as handle:
        os.fsync(handle.fileno())


def check(path: Path, key: bytes) -> str:
    """The backup's schema revision, after checking it opens with the key and passes integrity_check."""
    try:
        connection = connect_encrypted(path, key)
        try:
            result = connection.execute("PRAGMA integrity_check").fetchone()[0]
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        finally:
            connection.close()
    except Exception as exc:  # noqa: BLE001 - sqlcipher raises "file is not a database" for a wrong key or junk
        raise InputError(f"Tệp {path.name} không phải bản sao lưu của máy này (sai khóa hoặc tệp hỏng).") from exc
    if result != "ok":
        raise InputError(f"Bản sao lưu {path.name} bị hỏng (kiểm tra toàn vẹn: {str(result)[:80]}); không khôi phục.")
    return str(revision)


def backup(ctx: object, out: Path | None = None, *, actor: str = "system:backup", label: str = "") -> BackupInfo:
    """Write a backup (into <data>/backups by default, keeping the newest KEEP) and audit it."""
    data: DataDir = ctx.data  # type: ignore[attr-defined]
    key: bytes = ctx.data_key  # type: ignore[attr-defined]
    stamp = utcnow().astimezone().strftime("%Y%m%d-%H%M%S")
    if out:
        target = Path(out)
        if target.exists():
            raise InputError(f"Tệp {target} đã có; chọn tên khác.")
    else:
        base = f"kiosk-{stamp}{'-' + label if label else ''}"
        target = backups_dir(data) / f"{base}.db"
        n = 1
        while target.exists():
            n += 1
            target = backups_dir(data) / f"{base}-{n}.db"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.part")
    tmp.unlink(missing_ok=True)
    try:
        with replacing(target, tmp=tmp, mode=None):
            _copy(data.db_path, tmp, key)
            check(tmp, key)
    except OSError as exc:
        known = storage_error_from(exc)
        raise (known or KioskError(f"Không ghi được bản sao lưu: {exc.strerror or exc}")) from exc
    with ctx.transaction() as session:  # type: ignore[attr-defined]
        audit.record(session, actor, "backup.created", file=target.name, size=target.stat().st_size)
    if out is None:
        for old in list_backups(data)[:-KEEP]:
            old.path.unlink(missing_ok=True)
    log.info("backup written: %s", target.name)
    stat = target.stat()
    return BackupInfo(target, stat.st_size, datetime.fromtimestamp(stat.st_mtime).astimezone())



def backup_as(ctx: object, actor: Any) -> BackupInfo:
    """An administrator's "Sao lưu dữ liệu ngay" from the admin screen; the role is checked here, not only by the UI."""
    from kiosk.security.roles import require

    require(actor, "backup")
    return backup(ctx, actor=actor.username)

def backup_if_due(ctx: object, now: datetime | None = None) -> BackupInfo | None:
    """The scheduled backup: one a day (the GUI calls this at start and every few hours)."""
    existing = list_backups(ctx.data)  # type: ignore[attr-defined]
    now = now or utcnow()
    if existing and (now - existing[-1].created_at).total_seconds() < SCHEDULE_HOURS * 3600:
        return None
    return backup(ctx)


def restore(root: Path, source: Path, *, actor: str) -> tuple[Path, Path]:
    """Restore `source` over the data folder's database; returns (restored file, safety copy of the old one).

    Run it with the kiosk closed. The current database is kept as `backups/kiosk-…-before-restore.db`.
    """
    from kiosk.storage.context import open_kiosk

    data = DataDir(Path(root))
    key = load_data_key(data.root)
    if key is None:
        raise InputError("Thư mục dữ liệu chưa có khóa; khôi phục khóa trước: kiosk-admin key restore.")
    source = Path(source)
    if not source.is_file():
        raise InputError(f"Không có tệp {source}.")
    revision = check(source, key)
    if int(revision) > int(head_revision()):
        raise InputError(f"Bản sao lưu thuộc phiên bản phần mềm mới hơn (lược đồ {revision}); hãy cập nhật phần mềm trước.")
    stamp = utcnow().astimezone().strftime("%Y%m%d-%H%M%S")
    safety = backups_dir(data) / f"kiosk-{stamp}-before-restore.db"
    safety.parent.mkdir(parents=True, exist_ok=True)
    if data.db_path.exists():
        _copy(data.db_path, safety, key)
    _copy(source, data.db_path, key)  # the online backup API writes the pages into the live file
    ctx = open_kiosk(data.root)  # migrates an older schema
    try:
        with ctx.transaction() as session:
            audit.reset_head(session, data.audit_head_path)
        with ctx.transaction() as session:
            audit.record(session, actor, "backup.restored", file=source.name, safety_copy=safety.name)
    finally:
        ctx.close()
    log.warning("database restored from %s (previous kept as %s)", source.name, safety.name)
    return source, safety
