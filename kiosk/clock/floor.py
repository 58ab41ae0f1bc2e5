"""The clock floor (docs/clock.md): the latest trustworthy time the kiosk has seen, kept in `<data>/clock.json`.

Sources, newest wins: the release (`RELEASE_AT`, or `release_stamp.json` the packaging build writes beside this
module), the portal's time in an answer a captive portal cannot give (sync/clock_check.py), and the newest
dossier's receive time once a portal answer has confirmed the clock it was made with. Receiving with the clock
more than `TOLERANCE` behind the floor is refused (`ClockBehind`) unless an administrator allowed it for a while.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from forms.timezone import VN_TZ
from kiosk.errors import InputError
from kiosk.storage.files import write_atomic

log = logging.getLogger(__name__)

# The release's own time when no build stamp is shipped (a source checkout, the tests): the newest `effective_from`
# of the shipped procedure versions (2026-01 rules), a day this code cannot predate; tests/unit/kiosk/test_clock_floor.py
# checks it stays at or after them. The packaging build writes the real build time to release_stamp.json.
RELEASE_AT = datetime(2026, 1, 1, tzinfo=VN_TZ).astimezone(timezone.utc)
STAMP_FILE = Path(__file__).with_name("release_stamp.json")
STATE_FILE = "clock.json"
TOLERANCE = timedelta(days=1)  # a clock this far behind the floor is wrong, not a time zone or a slow battery
SKEW_SHOWN_S = 15 * 60  # a skew against the portal above this shows on the status bar and in doctor
CONFIRM_S = SKEW_SHOWN_S  # within this of the portal, the clock counts as confirmed

SOURCE_LABELS = {
    "release": "thời điểm phát hành phần mềm",
    "portal": "giờ của cổng dịch vụ công",
    "record": "hồ sơ mới nhất (đồng hồ đã được cổng xác nhận)",
}


@dataclass(frozen=True)
class PortalCheck:
    """One comparison with the portal's clock: both clocks at the same moment (the middle of the round trip)."""

    portal_time: datetime
    kiosk_time: datetime

    @property
    def skew_s(self) -> float:
        """Positive: the kiosk's clock is ahead of the portal's."""
        return (self.kiosk_time - self.portal_time).total_seconds()

    @property
    def confirmed(self) -> bool:
        return abs(self.skew_s) <= CONFIRM_S


@dataclass(frozen=True)
class ClockState:
    floor: datetime
    source: str  # a key of SOURCE_LABELS
    last_check: PortalCheck | None = None  # the latest portal comparison, trusted answers only
    override_until: datetime | None = None  # on the kiosk's own clock: it is the clock in doubt
    override_by: str | None = None


class ClockBehind(InputError):
    """Receiving refused: the clock reads more than a day before the floor (codes and receipts would be dated wrong)."""


def release_floor() -> datetime:
    """The build time written by the packaging build, else `RELEASE_AT`."""
    try:
        stamp = json.loads(STAMP_FILE.read_text(encoding="utf-8"))
        return max(RELEASE_AT, _time(stamp["built_at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return RELEASE_AT


def _time(value: Any) -> datetime:
    parsed = datetime.fromisoformat(str(value))
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


def _path(root: Path) -> Path:
    return Path(root) / STATE_FILE


def load(root: Path) -> ClockState:
    """The stored state, never below the release floor; a missing or damaged file means the release floor alone."""
    release = release_floor()
    try:
        raw = json.loads(_path(root).read_text(encoding="utf-8"))
        check = raw.get("last_check")
        state = ClockState(
            floor=_time(raw["floor"]),
            source=str(raw.get("source") or "release"),
            last_check=PortalCheck(_time(check["portal_time"]), _time(check["kiosk_time"])) if check else None,
            override_until=_time(raw["override_until"]) if raw.get("override_until") else None,
            override_by=raw.get("override_by"),
        )
    except FileNotFoundError:
        return ClockState(release, "release")
    except (OSError, ValueError, KeyError, TypeError):
        log.warning("%s unreadable; the release floor applies", STATE_FILE)
        return ClockState(release, "release")
    return state if state.floor >= release else replace(state, floor=release, source="release")


def save(root: Path, state: ClockState) -> None:
    data = asdict(state)
    write_atomic(_path(root), json.dumps(data, default=lambda v: v.isoformat(), ensure_ascii=False, indent=1).encode("utf-8"))


def confirm(root: Path, check: PortalCheck, newest_record: datetime | None = None) -> ClockState:
    """Record a trusted portal comparison: the floor rises to the portal's time and, when the comparison confirms
    the kiosk's clock, to the newest record made with it (never past the portal's time plus the tolerance)."""
    state = load(root)
    floor, source = state.floor, state.source
    if check.portal_time > floor:
        floor, source = check.portal_time, "portal"
    if check.confirmed and newest_record is not None and floor < newest_record <= check.portal_time + timedelta(seconds=CONFIRM_S):
        floor, source = newest_record, "record"
    state = replace(state, floor=floor, source=source, last_check=check)
    save(root, state)
    return state


def allow(root: Path, hours: float, actor: str, now: datetime) -> ClockState:
    """The administrator's override: receiving goes on for `hours` on this (wrong) clock. The caller audits it."""
    state = replace(load(root), override_until=now + timedelta(hours=hours), override_by=actor)
    save(root, state)
    return state


def check_receiving(root: Path, now: datetime) -> None:
    """Raise ClockBehind when `now` is more than a day before the floor and no override covers it."""
    state = load(root)
    if now >= state.floor - TOLERANCE:
        return
    if state.override_until is not None and now <= state.override_until:
        return
    raise ClockBehind(refusal_message(state, now))


def refusal_message(state: ClockState, now: datetime) -> str:
    floor = state.floor.astimezone(VN_TZ)
    shown = now.astimezone(VN_TZ)
    return (
        f"Đồng hồ máy tính đang sai: máy đang chỉ ngày {shown:%d/%m/%Y}, trong khi máy đã biết chắc thời gian "
        f"từ ngày {floor:%d/%m/%Y} ({SOURCE_LABELS.get(state.source, state.source)}). Chưa tiếp nhận hồ sơ để mã hồ sơ "
        "và giấy hẹn không mang ngày sai. Cách sửa: chỉnh ngày giờ trong phần Cài đặt ngày giờ của Windows/Linux "
        "(bật đồng bộ giờ tự động nếu có mạng), hoặc báo quản trị viên."
    )


def describe(state: ClockState) -> str:
    """The floor and where it came from, for doctor."""
    return f"{state.floor.astimezone(VN_TZ):%H:%M %d/%m/%Y} ({SOURCE_LABELS.get(state.source, state.source)})"


def skew_text(skew_s: float) -> str:
    """"Đồng hồ máy lệch 3 năm so với cổng": the biggest unit that says it."""
    seconds = abs(skew_s)
    for size, unit in ((365 * 86400, "năm"), (30 * 86400, "tháng"), (86400, "ngày"), (3600, "giờ"), (60, "phút")):
        if seconds >= size:
            amount = round(seconds / size)
            direction = "nhanh" if skew_s > 0 else "chậm"
            return f"Đồng hồ máy lệch {amount} {unit} so với cổng (máy {direction} hơn): hãy chỉnh ngày giờ của máy."
    return f"Đồng hồ máy lệch {seconds:.0f} giây so với cổng."


CONFIRMATION_FRESH = timedelta(hours=24)


def confirmed_recently(state: ClockState, now: datetime) -> bool:
    """The latest trusted comparison found the clock right, within the last day, and the clock has not gone back since."""
    check = state.last_check
    return check is not None and check.confirmed and check.kiosk_time <= now <= check.kiosk_time + CONFIRMATION_FRESH
