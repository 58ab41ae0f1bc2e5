"""Purged personal data leaves the kept backups too: each is cleaned in place, or removed when it cannot be.

After a purge, every backup in `<data>/backups` that still holds a dossier or notice the purge ledger lists
(kiosk/storage/purge_ledger.py) is rewritten: copied beside itself (0600) through the online backup API, the same
erase step as the live purge run on the copy (kiosk/storage/erase.py), VACUUMed (no free page keeps an old
value; the journal stays in memory, so no journal file holds the old pages), its time stamp put back (the list of
backups is ordered by it), fsynced and renamed over the original, the folder fsynced. Still SQLCipher under the data
key. A backup that cannot be cleaned (it does not open with the key, is damaged, or has a schema older than
erase.PURGEABLE_FROM) is deleted and named in the report: a backup that keeps purged data is worse than none.
Copies written elsewhere (`backup --out`, a USB stick) are out of reach: docs/security.md says so.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from kiosk.storage.backup import backups_dir, copy_database, list_backups
from kiosk.storage.db import connect_encrypted
from kiosk.storage.erase import PURGEABLE_FROM, erase_listed, pending
from kiosk.storage.files import fsync_dir, replacing
from kiosk.storage.paths import DataDir
from kiosk.storage.purge_ledger import PurgeLedger

log = logging.getLogger(__name__)

TMP_SUFFIX = ".scrub"  # `.<name>.scrub`: a copy being cleaned; one left by a crash is deleted at the next run


class Uncleanable(Exception):
    """This backup cannot be cleaned; the message (Vietnamese) says why."""


@dataclass
class ScrubReport:
    """File names only: what was rewritten and what was deleted, with the reason."""

    cleaned: list[str] = field(default_factory=list)
    removed: list[dict[str, str]] = field(default_factory=list)  # {"file", "reason"}

    def as_dict(self) -> dict[str, object]:
        return {"cleaned": list(self.cleaned), "removed": [dict(r) for r in self.removed]}


def scrub_backups(data: DataDir, key: bytes, ledger: PurgeLedger, now: datetime) -> ScrubReport:
    """Clean every kept backup of what `ledger` lists (a no-op for the ones already clean)."""
    report = ScrubReport()
    folder = backups_dir(data)
    if not ledger or not folder.is_dir():
        return report
    for leftover in folder.glob(f".*{TMP_SUFFIX}"):
        leftover.unlink(missing_ok=True)  # a crashed clean-up's copy: it may hold what it was cleaning
    for info in list_backups(data):
        try:
            if scrub_one(info.path, key, ledger, now):
                report.cleaned.append(info.path.name)
        except Uncleanable as exc:
            for path in _with_wal(info.path):
                path.unlink(missing_ok=True)
            report.removed.append({"file": info.path.name, "reason": str(exc)})
            log.warning("backup %s removed: it cannot be cleaned of purged data", info.path.name)
    if report.removed:
        fsync_dir(folder)
    return report


def scrub_one(path: Path, key: bytes, ledger: PurgeLedger, now: datetime) -> bool:
    """Rewrite backup `path` without the personal data `ledger` lists; False when it held none. Uncleanable if it cannot."""
    codes, notices = list(ledger.dossiers), list(ledger.notices)
    if not _needs_cleaning(path, key, codes, notices):
        return False
    stat = path.stat()
    tmp = path.with_name(f".{path.name}{TMP_SUFFIX}")
    tmp.unlink(missing_ok=True)
    try:
        with replacing(path, tmp=tmp, mode=0o600, sync_dir=True):
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # owner-only before a byte is in it
            copy_database(path, tmp, key)  # reads a `-wal` beside the backup too, if a raw copy left one
            _erase_in(tmp, key, codes, notices, now)
            os.utime(tmp, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    except Uncleanable:
        raise
    except Exception as exc:  # noqa: BLE001 - sqlcipher/OS errors on a damaged copy: it cannot be cleaned
        raise Uncleanable(f"không làm sạch được ({type(exc).__name__})") from exc
    for extra in _with_wal(path)[1:]:
        extra.unlink(missing_ok=True)  # the WAL was folded into the rewritten file
    return True


def _needs_cleaning(path: Path, key: bytes, codes: list[str], notices: list[tuple[str, str]]) -> bool:
    try:
        connection = connect_encrypted(path, key)
        try:
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        finally:
            connection.close()
    except Exception as exc:  # noqa: BLE001 - "file is not a database": another key, or junk
        raise Uncleanable("không mở được bằng khóa dữ liệu của máy (sai khóa hoặc tệp hỏng)") from exc
    if str(revision) < PURGEABLE_FROM:
        raise Uncleanable(f"lược đồ cũ {revision} (bản giữ lại trước khi nâng cấp), không làm sạch được")
    engine = _engine(path, key)
    try:
        with Session(engine) as session:
            return pending(session, codes, notices)
    except Exception as exc:  # noqa: BLE001
        raise Uncleanable("không đọc được (tệp hỏng)") from exc
    finally:
        engine.dispose()


def _erase_in(path: Path, key: bytes, codes: list[str], notices: list[tuple[str, str]], now: datetime) -> None:
    engine = _engine(path, key)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA journal_mode=MEMORY")  # a throw-away copy: no journal file on disk
            connection.exec_driver_sql("PRAGMA secure_delete=ON")
            with Session(bind=connection) as session:
                erase_listed(session, codes, notices, now)
                session.commit()
            connection.commit()
    finally:
        engine.dispose()
    raw = connect_encrypted(path, key)
    try:
        raw.isolation_level = None
        raw.execute("PRAGMA journal_mode=MEMORY")
        raw.execute("VACUUM")  # rebuilt from live rows only: no free page, no slack space keeps a purged value
        if raw.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise Uncleanable("kiểm tra toàn vẹn không đạt sau khi làm sạch")
    finally:
        raw.close()


def _engine(path: Path, key: bytes) -> Engine:
    import sqlcipher3.dbapi2 as sqlcipher

    return create_engine("sqlite://", module=sqlcipher, creator=lambda: connect_encrypted(path, key), poolclass=NullPool)


def _with_wal(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
