"""Vietnam's time zone, in one place: receipts are dated and pages show times in local time."""

from __future__ import annotations

from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
