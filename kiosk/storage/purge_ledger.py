"""Every purge ever done on this kiosk, kept outside the database, so no copy of the database brings purged data back.

`<data>/purge-ledger.json` lists the codes of purged dossiers and the (kind, number) of purged standalone notices,
each with the day it was purged: no personal data. Retention adds to it *before* a purge commits (a crash leaves an
entry for a dossier the next run purges anyway, never a purged dossier the ledger lacks). The backup scrub
(kiosk/storage/scrub.py) cleans every kept backup of what it lists, and a restore re-applies it to the restored
database (kiosk/storage/backup.py), so an older backup never brings a purged dossier back.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.storage.files import fsync_dir, write_atomic

FILE_NAME = "purge-ledger.json"


@dataclass
class PurgeLedger:
    dossiers: dict[str, str] = field(default_factory=dict)  # code → ISO time of the purge
    notices: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, notice number) → ISO time

    def __bool__(self) -> bool:
        return bool(self.dossiers or self.notices)


def path_of(root: Path) -> Path:
    return Path(root) / FILE_NAME


def read_or_none(root: Path) -> PurgeLedger | None:
    """The ledger (empty when there is none yet), or None when the file cannot be read (the caller says so)."""
    try:
        data = json.loads(path_of(root).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return PurgeLedger()
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    dossiers = {str(k): str(v) for k, v in (data.get("dossiers") or {}).items()}
    notices = {(str(n[0]), str(n[1])): str(n[2]) for n in data.get("notices") or [] if isinstance(n, list) and len(n) == 3}
    return PurgeLedger(dossiers, notices)


def record(root: Path, at: datetime, *, codes: Sequence[str] = (), notices: Sequence[tuple[str, str]] = ()) -> None:
    """Add purges to the ledger, durably (fsynced file, renamed, folder fsynced), before the purge commits.

    An unreadable ledger is not overwritten with a partial one: the purge stops with the error instead.
    """
    ledger = read_or_none(root)
    if ledger is None:
        raise KioskError(f"Không đọc được sổ các lần xóa dữ liệu cá nhân ({FILE_NAME}); chưa xóa gì. Hãy báo quản trị viên.")
    stamp = at.isoformat()
    added = False
    for code in codes:
        if code and code not in ledger.dossiers:
            ledger.dossiers[code] = stamp
            added = True
    for notice in notices:
        if notice[1] and notice not in ledger.notices:
            ledger.notices[notice] = stamp
            added = True
    if not added:
        return
    body = {"dossiers": dict(sorted(ledger.dossiers.items())),
            "notices": [[kind, number, when] for (kind, number), when in sorted(ledger.notices.items())]}
    write_atomic(path_of(root), json.dumps(body, ensure_ascii=False, indent=0).encode("utf-8"))
    fsync_dir(Path(root))
