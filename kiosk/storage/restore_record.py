"""What the last restore did, kept in the data folder so the window can show it at the next start (docs/restore.md).

`kiosk-admin restore` runs with the kiosk closed and prints its summary to a console the officer may never see. So
`restore` also writes `<data>/restore-report.json` (atomically, 0600): the report as `--json` gives it, plus, for each
"code that may have been issued", whether it has since been re-entered under its own code or dismissed ("không có
bản giấy"), and whether an officer has acknowledged the summary. It holds codes, notice numbers, counts, file names and
officer user names only: no citizen's data. A later restore replaces it.

The file is the list of codes a dossier may be re-entered under (kiosk/dossier/codes.py `reentered_code`): a code
not listed there is never issued a second time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from forms.codes import parse_code
from kiosk.storage.files import write_atomic

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kiosk.storage.backup import RestoreReport
    from kiosk.storage.context import KioskContext
    from kiosk.storage.settings import SiteSettings

FILE_NAME = "restore-report.json"
RE_ENTERED, DISMISSED = "re_entered", "dismissed"


@dataclass(frozen=True)
class RestoreRecord:
    """The persisted report and what officers have done with its codes since."""

    restored_at: str  # ISO time of the restore
    report: dict[str, Any]  # RestoreReport.as_dict()
    resolved: dict[str, dict[str, str]] = field(default_factory=dict)  # code -> {"state", "by", "at"}
    acknowledged: dict[str, str] | None = None  # {"by", "at"}: an officer pressed "Đã xem"

    @property
    def possibly_issued(self) -> list[str]:
        return list(self.report.get("possibly_issued") or [])

    @property
    def notices(self) -> list[dict[str, str]]:
        return list(self.report.get("possibly_issued_notices") or [])

    def open_codes(self, held: set[str]) -> list[str]:
        """Codes still to look for: listed, neither re-entered nor dismissed, and held by no dossier in the database."""
        return [code for code in self.possibly_issued if code not in self.resolved and code not in held]

    def as_dict(self) -> dict[str, Any]:
        return {"format": 1, "restored_at": self.restored_at, "report": self.report, "resolved": self.resolved,
                "acknowledged": self.acknowledged}


def _path(root: Path) -> Path:
    return Path(root) / FILE_NAME


def _write(root: Path, record: RestoreRecord) -> None:
    write_atomic(_path(root), json.dumps(record.as_dict(), ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8"))


def save(root: Path, report: RestoreReport, at: datetime) -> RestoreRecord:
    """Write the report of the restore just done (replacing an older one: its codes were listed then)."""
    data = dict(report.as_dict())
    data.pop("ok", None)
    record = RestoreRecord(at.isoformat(), data)
    _write(root, record)
    return record


def load(root: Path) -> RestoreRecord | None:
    """The last restore's record; None when there was none (or the file is unreadable: nothing can be re-entered)."""
    try:
        data = json.loads(_path(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("report"), dict):
        return None
    resolved = data.get("resolved") if isinstance(data.get("resolved"), dict) else {}
    acknowledged = data.get("acknowledged") if isinstance(data.get("acknowledged"), dict) else None
    return RestoreRecord(str(data.get("restored_at", "")), data["report"], dict(resolved), acknowledged)


def resolve(root: Path, code: str, state: str, by: str, at: datetime) -> None:
    """Mark a listed code re-entered or dismissed (the caller audits it); an unlisted code changes nothing."""
    record = load(root)
    if record is None or code not in record.possibly_issued:
        return
    resolved = dict(record.resolved, **{code: {"state": state, "by": by, "at": at.isoformat()}})
    _write(root, RestoreRecord(record.restored_at, record.report, resolved, record.acknowledged))


def acknowledge(root: Path, by: str, at: datetime) -> None:
    """An officer has read the summary ("Đã xem"): it is no longer shown after each login."""
    record = load(root)
    if record is not None:
        _write(root, RestoreRecord(record.restored_at, record.report, record.resolved, {"by": by, "at": at.isoformat()}))


def reentry_refusal(session: Session, root: Path, settings: SiteSettings, code: str, series: str) -> str | None:
    """Why `code` may not be given to a dossier re-entered from its paper copy (Vietnamese), or None when it may.

    Only a code the last restore listed as possibly issued and not yet resolved, of this unit and this kiosk, in the
    procedure's series, that no dossier holds: anything else would issue a code twice.
    """
    from sqlalchemy import select

    from kiosk.storage.models import Dossier

    record = load(root)
    if record is None or code not in record.possibly_issued:
        return f"Mã {code} không nằm trong danh sách mã có thể đã cấp của lần khôi phục gần nhất; không tiếp nhận lại theo mã này được."
    parsed = parse_code(code)
    if parsed is None or parsed.unit_id != settings.unit_id or parsed.kiosk_number != settings.kiosk_number:
        return f"Mã {code} không phải mã do máy số {settings.kiosk_number} của đơn vị {settings.unit_id} cấp."
    if session.scalar(select(Dossier.id).where(Dossier.code == code)) is not None:
        return f"Đã có hồ sơ mang mã {code} trên máy; không tiếp nhận lại theo mã này."
    state = record.resolved.get(code, {}).get("state")
    if state == DISMISSED:
        return f"Mã {code} đã được đánh dấu \"không có bản giấy\"; không tiếp nhận lại theo mã này."
    if state == RE_ENTERED:
        return f"Mã {code} đã được tiếp nhận lại."
    if parsed.series != series:
        return (f"Mã {code} thuộc nhóm mã {parsed.series or 'thông thường'}, khác thủ tục đã chọn "
                f"({series or 'thông thường'}); hãy chọn đúng thủ tục ghi trên bản giấy.")
    return None


def held_codes(session: Session, codes: list[str]) -> set[str]:
    """Which of `codes` a dossier in the database holds (re-entered since, perhaps by a crash before the file said so)."""
    from sqlalchemy import select

    from kiosk.storage.models import Dossier

    return set(session.scalars(select(Dossier.code).where(Dossier.code.in_(codes)))) if codes else set()


def dismiss(ctx: KioskContext, actor: str, code: str) -> None:
    """The officer's "Không có bản giấy": no paper copy of `code` was found; it leaves the open list, audited (who, which code)."""
    from kiosk.errors import InputError
    from kiosk.security import audit

    root = ctx.data.root
    with ctx.transaction() as session:
        record = load(root)
        if record is None or code not in record.open_codes(held_codes(session, [code])):
            raise InputError(f"Mã {code} không còn trong danh sách mã cần đối chiếu.")
        audit.record(session, actor, "restore.code_dismissed", code=code)
    resolve(root, code, DISMISSED, actor, ctx.now())


def acknowledge_as(ctx: KioskContext, actor: str) -> None:
    """The officer's "Đã xem": the summary has been read (audited); the open codes stay reachable from the home screen."""
    from kiosk.security import audit

    with ctx.transaction() as session:
        audit.record(session, actor, "restore.report_seen")
    acknowledge(ctx.data.root, actor, ctx.now())
