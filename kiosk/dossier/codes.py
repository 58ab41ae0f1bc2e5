"""Allocating dossier codes (grammar in forms/codes.py): unique per unit even offline, never reused (docs/dossier-code.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forms.codes import code_prefix, format_code, parse_code
from forms.timezone import VN_TZ
from kiosk.errors import InputError, KioskError
from forms.counter import NUMBERED_KINDS
from kiosk.storage.models import CodeSequence, CounterEvent, Dossier

if TYPE_CHECKING:
    from kiosk.storage.settings import SiteSettings

PER_KIOSK_DAILY_LIMIT = 999


@dataclass(frozen=True)
class AllocatedCode:
    code: str
    logbook_volume: str
    logbook_number: int


LEDGER_INFO = "code_ledger"  # session.info key: the CodeLedger of the data folder (kiosk/code_ledger.py)


def _next(session: Session, key: str, floor: int = 0) -> int:
    """The next number for `key`, above the stored counter, `floor` and the ledger; recorded in the ledger first."""
    return _next_numbers(session, [(key, floor)])[0]


def _next_numbers(session: Session, wanted: list[tuple[str, int]], limit: Callable[[int], None] | None = None) -> list[int]:
    """The next number of each (key, floor), recorded in the ledger in one durable write before the caller commits
    (a dossier takes two: its day's code and its logbook line; one file write, not two, on the officer's path).
    `limit(first)` may refuse the first number before anything is recorded."""
    ledger = session.info.get(LEDGER_INFO)
    held = ledger.read() if ledger is not None else {}
    numbers = []
    for key, floor in wanted:
        row = session.get(CodeSequence, key)
        if row is None:
            row = CodeSequence(key=key, last=0)
            session.add(row)
        row.last = max(row.last, floor, held.get(key, 0)) + 1
        numbers.append(row.last)
        if limit is not None and len(numbers) == 1:
            limit(row.last)
    if ledger is not None:
        ledger.advance_all({key: number for (key, _floor), number in zip(wanted, numbers)}, held)
    return numbers


def allocate_code(session: Session, unit_id: str, kiosk_number: int, received_at: datetime, series: str = "") -> AllocatedCode:
    """Advance this kiosk's sequence for the local day, inside the caller's (dossier's) transaction.

    XXXX = kiosk number (1 digit) + the kiosk's own daily number (3 digits), so kiosks of one unit never
    collide while offline. Counters are kept for every day and never reset, so a clock that jumps back
    to an earlier day continues that day's numbering; the highest code already stored for the prefix is
    a floor too, so even a lost counter row cannot make a code come back.

    `series` is the Circular 04/2025 "AA" of a nationally centralised service (the procedure's `code_series`):
    its codes read `…-YYMMDD-AA<kiosk><number>` and have their own daily counter, so each series starts at 001.
    """
    local_day = received_at.astimezone(VN_TZ).date()
    yymmdd = local_day.strftime("%y%m%d")
    prefix = code_prefix(unit_id, local_day, kiosk_number, series)
    highest = session.scalar(select(func.max(Dossier.code)).where(Dossier.code.like(f"{prefix}___")))
    parsed = parse_code(highest) if highest else None
    floor = parsed.daily_number if parsed else 0

    def within_limit(number: int) -> None:
        if number > PER_KIOSK_DAILY_LIMIT:
            raise KioskError(
                f"Máy tiếp nhận số {kiosk_number} đã cấp {PER_KIOSK_DAILY_LIMIT} mã hồ sơ trong ngày {local_day:%d/%m/%Y}; "
                "hãy tiếp nhận trên máy khác của đơn vị."
            )

    day_key = f"day:{yymmdd}:{series}:{kiosk_number}" if series else f"day:{yymmdd}:{kiosk_number}"
    number, book_number = _next_numbers(session, [(day_key, floor), (f"book:{local_day.year}:{kiosk_number}", 0)], within_limit)
    return AllocatedCode(
        code=format_code(unit_id, local_day, kiosk_number, number, series),
        logbook_volume=f"{kiosk_number:02d}/{local_day.year}",
        logbook_number=book_number,
    )


def reentered_code(session: Session, root: Path, settings: SiteSettings, code: str, series: str, received_at: datetime,
                   actor: str) -> AllocatedCode:
    """`code` for a dossier re-entered from the paper copy of its receipt, after a restore that listed it as possibly
    issued (docs/restore.md); InputError with the reason otherwise (kiosk/storage/restore_record.py `reentry_refusal`).

    No day counter moves and the code ledger is not touched (the code is already below its high-water mark): only a
    new logbook line is numbered. The re-entry is audited in the dossier's transaction.
    """
    from kiosk.security import audit
    from kiosk.storage.restore_record import reentry_refusal

    refusal = reentry_refusal(session, root, settings, code, series)
    if refusal is not None:
        raise InputError(refusal)
    local_day = received_at.astimezone(VN_TZ).date()
    book_number = _next(session, f"book:{local_day.year}:{settings.kiosk_number}")
    audit.record(session, actor, "dossier.reentered", code=code)
    return AllocatedCode(code=code, logbook_volume=f"{settings.kiosk_number:02d}/{local_day.year}", logbook_number=book_number)


def allocate_notice_number(session: Session, kind: str, kiosk_number: int, at: datetime) -> str:
    """The next notice number `<kiosk>/<sequence>/<year>` of a printed kind (guidance, refusal, stop, hand_back).

    Numbered like dossier codes, in the caller's transaction: one counter per kind, kiosk and local year
    ("guidance:2026:1"), recorded in the code ledger before the commit, with the highest number stored for
    that kind and year as a floor, so a crash skips a number at most and a restore never reissues one.
    """
    if kind not in NUMBERED_KINDS:
        raise ValueError(f"{kind} notices are not numbered")
    year = at.astimezone(VN_TZ).year
    stored = session.scalars(
        select(CounterEvent.notice_number).where(CounterEvent.kind == kind, CounterEvent.notice_number.like(f"{kiosk_number}/%/{year}"))
    )
    floor = max((int(n.split("/")[1]) for n in stored if n and n.split("/")[1].isdigit()), default=0)
    number = _next(session, f"{kind}:{year}:{kiosk_number}", floor)
    return f"{kiosk_number}/{number}/{year}"


def clock_warning(session: Session, now: datetime, *, confirmed: bool = False) -> str | None:
    """A Vietnamese warning when the PC clock reads earlier than the newest dossier received. `confirmed`: the
    portal found this clock right within the last day (kiosk.clock.floor.confirmed_recently), so the newest
    dossier was dated by a clock that ran ahead before it was put right: no warning (docs/clock.md)."""
    if confirmed:
        return None
    newest = session.scalar(
        select(Dossier.received_at).where(Dossier.received_at.is_not(None)).order_by(Dossier.received_at.desc()).limit(1)
    )
    if newest is None or now >= newest:
        return None
    shown = newest.astimezone(VN_TZ)
    return (
        f"Đồng hồ máy tính đang chậm hơn hồ sơ mới nhất (tiếp nhận lúc {shown:%H:%M ngày %d/%m/%Y}). "
        "Hãy chỉnh lại ngày giờ của máy trước khi tiếp nhận: ngày giờ sai sẽ in sai trên giấy hẹn."
    )

