"""Encrypted backups of the database through SQLite's online backup API, and checked restores.

A backup is a SQLCipher database encrypted with the folder's data key (the same key, so the kiosk can
restore it unattended; on another machine the key comes from the recovery copy, docs/security.md).
The online backup API copies a consistent snapshot while the kiosk keeps working. Attachments are
not copied: they are encrypted, content-addressed files that a restore leaves in place.

A restore checks the backup (it opens with the key, `integrity_check` is ok, its schema is not newer
than this version), keeps a copy of the current database first, reads it, copies the backup in, migrates it,
resets the audit head to the restored chain, carries over every dossier and event the backup lacks
(kiosk/storage/carry.py, docs/restore.md), purges again what the purge ledger lists (kiosk/storage/purge_ledger.py)
and records the restore, what it carried and what it purged again. Dossier numbers continue above
the code ledger (kiosk/code_ledger.py), which a restore never rolls back, so no code is reissued.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
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
from kiosk.storage import purge_ledger
from kiosk.storage.carry import CarryReport
from kiosk.storage.erase import checkpoint, erase_listed
from sqlalchemy import select

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


@dataclass(frozen=True)
class RestoreReport:
    """What a restore did (docs/restore.md): the CLI prints it and `--json` gives it as is."""

    restored: Path  # the backup file restored
    previous_kept_as: Path | None  # the safety copy of the database it replaced (None: there was none)
    current_readable: bool  # False: the replaced database could not be read, nothing was carried
    unreadable_reason: str | None
    carried: CarryReport | None
    possibly_issued: list[str] | None  # codes in the ledger the restored database lacks; None: cannot tell
    # notice numbers in the ledger the restored database lacks ({"kind", "number"}); None: cannot tell
    possibly_issued_notices: list[dict[str, str]] | None = None
    # codes of dossiers (and numbers of notices) the backup held unpurged and the purge ledger said to purge again;
    # None: the ledger could not be read (docs/restore.md)
    purges_reapplied: list[str] | None = field(default_factory=list)
    notice_purges_reapplied: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RestoreReport:
        """The report again from `as_dict()` (kiosk/storage/restore_record.py keeps it for the window)."""
        carried = data.get("carried")
        kept = data.get("previous_kept_as")
        return cls(Path(str(data.get("restored", ""))), Path(kept) if kept else None, bool(data.get("current_readable")),
                   data.get("unreadable_reason"), CarryReport(**carried) if isinstance(carried, dict) else None,
                   data.get("possibly_issued"), data.get("possibly_issued_notices"),
                   data.get("purges_reapplied", []), list(data.get("notice_purges_reapplied") or []))

    def as_dict(self) -> dict[str, object]:
        carried = self.carried.as_dict() if self.carried else None
        return {
            "ok": True, "restored": str(self.restored),
            "previous_kept_as": str(self.previous_kept_as) if self.previous_kept_as else None,
            "current_readable": self.current_readable, "unreadable_reason": self.unreadable_reason,
            "carried": carried, "carried_codes": carried["dossiers"] if carried else [],
            "carried_events": carried["events"] if carried else 0,
            "possibly_issued": self.possibly_issued, "possibly_issued_known": self.possibly_issued is not None,
            "possibly_issued_notices": self.possibly_issued_notices,
            "purges_reapplied": self.purges_reapplied, "notice_purges_reapplied": self.notice_purges_reapplied,
        }


def restore(root: Path, source: Path, *, actor: str) -> RestoreReport:
    """Restore `source` over the data folder's database, carrying over what the backup lacks (kiosk/storage/carry.py).

    Run it with the kiosk closed. The current database is kept as `backups/kiosk-…-before-restore.db` (byte for
    byte when it cannot be opened). When it cannot be read, nothing can be carried: the report lists the codes the
    code ledger says were handed out after the backup, for the officer to re-enter from the paper copies.
    """
    from kiosk.dossier.code_ledger import FILE_NAME, CodeLedger, codes_after, notices_after
    from kiosk.storage import restore_record
    from kiosk.storage.carry import Unreadable, carry, read_rows
    from kiosk.storage.context import open_kiosk
    from kiosk.storage.models import CodeSequence, CounterEvent, Dossier

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
    safety: Path | None = backups_dir(data) / f"kiosk-{stamp}-before-restore.db"
    safety.parent.mkdir(parents=True, exist_ok=True)
    current, reason = None, None
    if data.db_path.exists():
        try:
            _copy(data.db_path, safety, key)
        except Exception:  # noqa: BLE001 - it does not open: keep its bytes (and its WAL) as they are
            _keep_raw(data.db_path, safety)
        try:
            current = read_rows(safety, key)
        except Unreadable as exc:
            reason = str(exc)
            for path in _database_files(data.db_path):
                path.unlink(missing_ok=True)  # the backup API cannot write into a file it cannot open
    else:
        safety, reason = None, "không có cơ sở dữ liệu hiện tại"
    _copy(source, data.db_path, key)  # the online backup API writes the pages into the live file
    ctx = open_kiosk(data.root)  # migrates an older schema
    try:
        with ctx.transaction() as session:
            audit.reset_head(session, data.audit_head_path)
        with ctx.transaction() as session:
            counters = {row.key: row.last for row in session.query(CodeSequence)}
            audit.record(session, actor, "backup.restored", file=source.name, safety_copy=safety.name if safety else None)
            carried = carry(session, current) if current is not None else None
            known = {code for code in session.scalars(select(Dossier.code).where(Dossier.code.is_not(None)))}
            ledger = CodeLedger(data.root / FILE_NAME).read_or_none()
            possibly = codes_after(ledger, counters, ctx.settings.unit_id, known) if ledger is not None else None
            numbers = {(kind, number) for kind, number in session.execute(
                select(CounterEvent.kind, CounterEvent.notice_number).where(CounterEvent.notice_number.is_not(None)))}
            notices = notices_after(ledger, counters, numbers) if ledger is not None else None
            audit.record(
                session, actor, "backup.carried", current_readable=current is not None,
                dossiers=len(carried.dossiers) if carried else 0, codes=carried.dossiers if carried else [],
                updated=carried.updated if carried else [], drafts=carried.drafts if carried else 0,
                events=carried.events if carried else 0, possibly_issued=possibly, possibly_issued_notices=notices,
            )
            reapplied = _reapply_purges(session, data, actor)
        checkpoint(ctx.engine)  # the backup's pages from before the purges leave the WAL
    finally:
        ctx.close()
    log.warning("database restored from %s (previous kept as %s; carried %s)", source.name, safety and safety.name,
                carried and len(carried.dossiers))
    report = RestoreReport(source, safety, current is not None, reason, carried, possibly, notices, *reapplied)
    restore_record.save(data.root, report, utcnow())  # the window shows it after the next login
    return report


def _reapply_purges(session: Any, data: DataDir, actor: str) -> tuple[list[str] | None, list[str]]:
    """Purge again, in the restored database, every dossier and notice purged since the backup (the purge ledger).

    After the carry: carried rows come from the current database, already purged; this clears what the backup itself
    still held. The codes (no personal data) go into the audit trail and the report.
    """
    ledger = purge_ledger.read_or_none(data.root)
    if ledger is None:
        audit.record(session, actor, "purge.reapplied", ledger_readable=False, codes=[], notices=[])
        return None, []
    codes, notices = erase_listed(session, ledger.dossiers, ledger.notices, utcnow())
    if codes or notices:
        audit.record(session, actor, "purge.reapplied", ledger_readable=True, codes=codes, notices=notices)
    return codes, notices


def _database_files(db_path: Path) -> list[Path]:
    return [db_path, db_path.with_name(db_path.name + "-wal"), db_path.with_name(db_path.name + "-shm")]


def _keep_raw(db_path: Path, safety: Path) -> None:
    """A byte copy of a database that does not open (and of its WAL), so nothing is thrown away."""
    import shutil

    for path, target in zip(_database_files(db_path)[:2], (safety, safety.with_name(safety.name + "-wal"))):
        if path.exists():
            shutil.copyfile(path, target)
