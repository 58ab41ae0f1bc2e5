"""Working-day calendar for legal deadlines: holidays.VN plus a site override file, and the appointment date.

The national calendar is read from holidays_vn.json beside this module, a table written from holidays.VN
(`python -m kiosk.dossier.appointment --write-table`; tests/unit/kiosk/test_holiday_table.py keeps it equal to
the installed package). Importing the package loads every country it knows (≈ 25 MB and 0.2 s, issue 17), so it
is imported only for a year the table does not cover.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from forms.timezone import VN_TZ
from kiosk.errors import InputError


CUTOFF = dt.time(15, 0, 0)
"""Dossiers received strictly after this local time count as received the next working day."""

# A run of non-working days longer than this means the override file is nonsense
# (e.g. a whole year of days off); stop rather than loop for ever.
_MAX_GAP_DAYS = 366

_KEYS = ("days_off", "working_days", "note")

log = logging.getLogger(__name__)

TABLE_PATH = Path(__file__).with_name("holidays_vn.json")
TABLE_YEARS = (2020, 2050)  # the years holidays_vn.json covers; others ask the package itself
_WEEKEND = (5, 6)  # Saturday, Sunday (holidays.VN's weekend)


class CalendarError(InputError):
    """The site's calendar override file is unreadable or malformed (message names file and entry)."""


@dataclass(frozen=True)
class Overrides:
    """Site-declared changes to the national calendar: extra days off and make-up working days."""

    days_off: frozenset[dt.date] = frozenset()
    working_days: frozenset[dt.date] = frozenset()
    note: str = ""
    source: Path | None = field(default=None, compare=False)


def _dates(path: Path, data: dict[str, Any], key: str) -> frozenset[dt.date]:
    entries = data.get(key, [])
    if not isinstance(entries, list):
        raise CalendarError(f"Tệp {path}: «{key}» phải là danh sách ngày dạng YYYY-MM-DD.")
    days = set()
    for entry in entries:
        try:
            if not isinstance(entry, str) or len(entry) != 10:
                raise ValueError
            days.add(dt.date.fromisoformat(entry))
        except ValueError:
            raise CalendarError(
                f"Tệp {path}: mục {entry!r} trong «{key}» không phải ngày hợp lệ dạng YYYY-MM-DD."
            ) from None
    return frozenset(days)


def load_overrides(path: Path) -> Overrides:
    """Read the override file; a missing file means no overrides, a malformed one raises CalendarError.

    Refusing a malformed file (instead of ignoring it) matters: a silently dropped day off
    would print wrong appointment dates on every receipt.
    """
    path = Path(path)
    try:
        # utf-8-sig: the file is often edited in Windows Notepad, which may add a BOM.
        raw = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return Overrides()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "không phải văn bản UTF-8"
        raise CalendarError(f"Không đọc được tệp lịch ngày nghỉ {path}: {reason}.") from exc
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CalendarError(
            f"Tệp {path} không phải JSON hợp lệ (dòng {exc.lineno}, cột {exc.colno})."
        ) from exc
    if not isinstance(data, dict):
        raise CalendarError(f"Tệp {path} phải chứa một đối tượng JSON {{\"days_off\": [...], \"working_days\": [...]}}.")
    for key in data:
        if key not in _KEYS:
            raise CalendarError(
                f"Tệp {path}: khóa «{key}» không được hỗ trợ (chỉ dùng days_off, working_days, note)."
            )
    note = data.get("note", "")
    if not isinstance(note, str):
        raise CalendarError(f"Tệp {path}: «note» phải là một chuỗi văn bản.")
    days_off = _dates(path, data, "days_off")
    working_days = _dates(path, data, "working_days")
    if both := sorted(days_off & working_days):
        raise CalendarError(
            f"Tệp {path}: ngày {both[0].isoformat()} vừa là ngày nghỉ vừa là ngày làm việc bù."
        )
    return Overrides(days_off=days_off, working_days=working_days, note=note, source=path)


class WorkCalendar:
    """Which days count for legal deadlines: Mon–Fri minus holidays and days off, plus make-up days.

    holidays.VN supplies the statutory holidays and the swaps the government had announced
    when the package was released (its weekend_workdays are the make-up Saturdays); the
    site's override file covers everything announced later and wins over both.
    """

    def __init__(self, overrides: Overrides | None = None) -> None:
        self.overrides = overrides or Overrides()

    def is_working_day(self, d: dt.date) -> bool:
        """True when `d` counts as a working day for deadlines."""
        if d in self.overrides.working_days:
            return True
        if d in self.overrides.days_off:
            return False
        return _national_working_day(d)

    def holiday_name(self, d: dt.date) -> str | None:
        """The (Vietnamese) name of the holiday on `d`, for explaining a date to the officer."""
        if d in self.overrides.working_days:
            return None
        if d in self.overrides.days_off:
            return self.overrides.note or "Ngày nghỉ theo lịch của đơn vị"
        return _national_holiday(d)

    def next_working_day(self, d: dt.date) -> dt.date:
        """The first working day strictly after `d`."""
        return self._step(d, 1)

    def previous_working_day(self, d: dt.date) -> dt.date:
        """The last working day strictly before `d`."""
        return self._step(d, -1)

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (start itself not counted); n == 0 gives `start`.

        A negative n counts backwards, which is what a "remind N days before" needs.
        """
        day = start
        for _ in range(abs(n)):
            day = self._step(day, 1 if n > 0 else -1)
        return day

    def _step(self, d: dt.date, direction: int) -> dt.date:
        day = d
        for _ in range(_MAX_GAP_DAYS):
            day += dt.timedelta(days=direction)
            if self.is_working_day(day):
                return day
        raise CalendarError(
            f"Không tìm thấy ngày làm việc nào trong {_MAX_GAP_DAYS} ngày kể từ {d.isoformat()}: "
            "hãy kiểm tra tệp lịch ngày nghỉ."
        )


@dataclass(frozen=True)
class _Table:
    first: int
    last: int
    holidays: dict[dt.date, str]
    weekend_workdays: frozenset[dt.date]


@cache
def _table() -> _Table:
    try:
        data = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # a build that left the table out: every year asks the package, as before the table
        log.warning("national holiday table %s unreadable; using the holidays package", TABLE_PATH)
        return _Table(1, 0, {}, frozenset())
    return _Table(
        data["years"][0], data["years"][1],
        {dt.date.fromisoformat(day): name for day, name in data["holidays"].items()},
        frozenset(dt.date.fromisoformat(day) for day in data["weekend_workdays"]),
    )


@cache
def _package() -> Any:
    """holidays.VN itself, for a year outside the table (imported on first need: it loads every country)."""
    import holidays

    return holidays.VN(language="vi")


def _national_working_day(d: dt.date) -> bool:
    table = _table()
    if not table.first <= d.year <= table.last:
        return bool(_package().is_working_day(d))
    return d in table.weekend_workdays if d.weekday() in _WEEKEND else d not in table.holidays


def _national_holiday(d: dt.date) -> str | None:
    table = _table()
    if not table.first <= d.year <= table.last:
        return _package().get(d)
    return table.holidays.get(d)


def national_table(first: int, last: int) -> dict[str, Any]:
    """holidays.VN's statutory holidays (Vietnamese names) and make-up Saturdays of the years first..last, as stored."""
    import holidays

    national = holidays.VN(language="vi", years=range(first, last + 1))
    return {
        "source": f"holidays {holidays.__version__}: holidays.VN(language='vi'), written by python -m kiosk.dossier.appointment --write-table",
        "years": [first, last],
        "holidays": {day.isoformat(): name for day, name in sorted(national.items()) if first <= day.year <= last},
        "weekend_workdays": sorted(day.isoformat() for day in national.weekend_workdays if first <= day.year <= last),
    }


def local_time(moment: dt.datetime) -> dt.datetime:
    """`moment` in Vietnam time; naive datetimes are refused because their zone is a guess."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("received must be timezone-aware")
    return moment.astimezone(VN_TZ)


def now() -> dt.datetime:
    """The current time in Vietnam, aware: what a receipt records."""
    return dt.datetime.now(VN_TZ)


def counted_receipt_date(received: dt.datetime, cal: WorkCalendar) -> dt.date:
    """The date a dossier counts as received: the 15:00 rule and non-working days applied.

    A dossier taken after 15:00:00 (15:00:00 itself is still in time) or on a day that is
    not a working day, such as a Saturday-morning opening, counts from the next working day.
    """
    local = local_time(received)
    day = local.date()
    if not cal.is_working_day(day) or local.time() > CUTOFF:
        return cal.next_working_day(day)
    return day


def appointment_date(received: dt.datetime, processing_days: int, cal: WorkCalendar) -> dt.date:
    """The date the result is due back to the citizen.

    The day received is not counted (Civil Code 2015, art. 147): a 3-working-day procedure
    received on a Monday is due Thursday; a same-day procedure (0 days) is due on the day
    it counts as received.
    """
    if processing_days < 0:
        raise ValueError("processing_days must be >= 0")
    return cal.add_working_days(counted_receipt_date(received, cal), processing_days)


if __name__ == "__main__" and sys.argv[1:] == ["--write-table"]:
    TABLE_PATH.write_text(json.dumps(national_table(*TABLE_YEARS), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
