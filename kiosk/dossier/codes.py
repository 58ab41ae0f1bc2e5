"""Dossier codes `<unit id>-YYMMDD-KNNN`: unique per unit even offline, never reused (see docs/dossier-code.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.errors import KioskError
from kiosk.storage.models import CodeSequence, Dossier

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PER_KIOSK_DAILY_LIMIT = 999


@dataclass(frozen=True)
class AllocatedCode:
    code: str
    logbook_volume: str
    logbook_number: int


LEDGER_INFO = "code_ledger"  # session.info key: the CodeLedger of the data folder (kiosk/code_ledger.py)


def _next(session: Session, key: str, floor: int = 0) -> int:
    """The next number for `key`, above the stored counter, `floor` and the ledger; recorded in the ledger first."""
    ledger = session.info.get(LEDGER_INFO)
    row = session.get(CodeSequence, key)
    if row is None:
        row = CodeSequence(key=key, last=0)
        session.add(row)
    row.last = max(row.last, floor, ledger.floor(key) if ledger is not None else 0) + 1
    if ledger is not None:
        ledger.advance(key, row.last)
    return row.last


def allocate_code(session: Session, unit_id: str, kiosk_number: int, received_at: datetime) -> AllocatedCode:
    """Advance this kiosk's sequence for the local day, inside the caller's (dossier's) transaction.

    XXXX = kiosk number (1 digit) + the kiosk's own daily number (3 digits), so kiosks of one unit never
    collide while offline. Counters are kept for every day and never reset, so a clock that jumps back
    to an earlier day continues that day's numbering; the highest code already stored for the prefix is
    a floor too, so even a lost counter row cannot make a code come back.
    """
    local_day = received_at.astimezone(LOCAL_TZ).date()
    yymmdd = local_day.strftime("%y%m%d")
    prefix = f"{unit_id}-{yymmdd}-{kiosk_number}"
    highest = session.scalar(select(func.max(Dossier.code)).where(Dossier.code.like(f"{prefix}___")))
    floor = int(highest[-3:]) if highest else 0
    number = _next(session, f"day:{yymmdd}:{kiosk_number}", floor)
    if number > PER_KIOSK_DAILY_LIMIT:
        raise KioskError(
            f"Máy tiếp nhận số {kiosk_number} đã cấp {PER_KIOSK_DAILY_LIMIT} mã hồ sơ trong ngày {local_day:%d/%m/%Y}; "
            "hãy tiếp nhận trên máy khác của đơn vị."
        )
    book_number = _next(session, f"book:{local_day.year}:{kiosk_number}")
    return AllocatedCode(
        code=f"{prefix}{number:03d}",
        logbook_volume=f"{kiosk_number:02d}/{local_day.year}",
        logbook_number=book_number,
    )


def clock_warning(session: Session, now: datetime) -> str | None:
    """A Vietnamese warning when the PC clock reads earlier than the newest dossier received."""
    newest = session.scalar(
        select(Dossier.received_at).where(Dossier.received_at.is_not(None)).order_by(Dossier.received_at.desc()).limit(1)
    )
    if newest is None or now >= newest:
        return None
    shown = newest.astimezone(LOCAL_TZ)
    return (
        f"Đồng hồ máy tính đang chậm hơn hồ sơ mới nhất (tiếp nhận lúc {shown:%H:%M ngày %d/%m/%Y}). "
        "Hãy chỉnh lại ngày giờ của máy trước khi tiếp nhận: ngày giờ sai sẽ in sai trên giấy hẹn."
    )


def parse_code(code: str) -> tuple[str, date, int, int] | None:
    """Split a code into (unit id, day, kiosk number, daily number); None when it is not ours."""
    try:
        unit_id, yymmdd, tail = code.rsplit("-", 2)
        day = datetime.strptime(yymmdd, "%y%m%d").date()
        if len(tail) != 4 or not tail.isdigit():
            return None
        return unit_id, day, int(tail[0]), int(tail[1:])
    except ValueError:
        return None
