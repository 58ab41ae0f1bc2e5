"""Vietnam's time zone, written once: every local date and time the kiosk or the portal shows is in it."""

from __future__ import annotations

import datetime as dt

try:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    VN_TZ: dt.tzinfo = ZoneInfo("Asia/Ho_Chi_Minh")
except (ImportError, ZoneInfoNotFoundError):  # pragma: no cover - Windows without the tzdata package
    # Vietnam has kept UTC+7 without daylight saving since 1975, so a fixed offset is exact
    # for every date a kiosk will ever see.
    VN_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")


def local_today(now: dt.datetime | None = None) -> dt.date:
    """The calendar day in Việt Nam at `now` (an aware datetime; the computer's clock when None)."""
    return (now or dt.datetime.now(dt.timezone.utc)).astimezone(VN_TZ).date()
