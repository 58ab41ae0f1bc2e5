"""Unit identifiers and the dossier-code grammar, written once: the one parser the kiosk, the receipt
look-up, the portal's API schema and the citizen's tracking page all use (docs/dossier-code.md).

A dossier code is `<unit identifier>-YYMMDD-<kiosk digit><daily number>`:
- the unit identifier in the QCVN 102:2016 shape `V1V2V3.Z1Z2.Y1Y2.MX1X2` (e.g. `000.00.07.H26`);
- `YYMMDD`, the day received in Vietnam's time zone;
- the receiving kiosk's number (1–9) then its own 3-digit daily number, so kiosks never collide offline.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import NamedTuple

UNIT_ID = r"\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}"
UNIT_ID_EXAMPLE = "000.00.01.H22"
UNIT_ID_MESSAGE = f"Mã định danh đơn vị phải có dạng V1V2V3.Z1Z2.Y1Y2.MX1X2, ví dụ {UNIT_ID_EXAMPLE} (QCVN 102:2016/BTTTT)."
_CODE = rf"(?P<unit>{UNIT_ID})-(?P<day>\d{{6}})-(?P<kiosk>[1-9])(?P<number>\d{{3}})"

UNIT_ID_PATTERN = rf"^{UNIT_ID}$"  # for schema validators (pydantic, JSON Schema): anchored
CODE_PATTERN = rf"^{UNIT_ID}-\d{{6}}-[1-9]\d{{3}}$"
_CODE_RE = re.compile(_CODE)
_UNIT_RE = re.compile(UNIT_ID)


class DossierCode(NamedTuple):
    """A code split into its parts; `day` is the local (Vietnam) day the dossier was received."""

    unit_id: str
    day: date
    kiosk_number: int
    daily_number: int

    def __str__(self) -> str:
        return format_code(self.unit_id, self.day, self.kiosk_number, self.daily_number)


def is_unit_id(value: object) -> bool:
    return isinstance(value, str) and _UNIT_RE.fullmatch(value) is not None


def format_code(unit_id: str, day: date, kiosk_number: int, daily_number: int) -> str:
    return f"{code_prefix(unit_id, day, kiosk_number)}{daily_number:03d}"


def code_prefix(unit_id: str, day: date, kiosk_number: int) -> str:
    """The part of a code fixed for one kiosk on one day (the daily number follows it)."""
    return f"{unit_id}-{day:%y%m%d}-{kiosk_number}"


def parse_code(code: str) -> DossierCode | None:
    """The parts of a code; None when it is not a dossier code (or its date does not exist)."""
    match = _CODE_RE.fullmatch(code) if isinstance(code, str) else None
    return _parts(match) if match else None


def find_code(text: str) -> str | None:
    """The first dossier code inside a text (a typed code, a tracking URL, a scanned QR), upper-cased."""
    match = _CODE_RE.search((text or "").upper())
    return match.group(0) if match and _parts(match) else None


def _parts(match: re.Match[str]) -> DossierCode | None:
    try:
        day = datetime.strptime(match["day"], "%y%m%d").date()
    except ValueError:
        return None
    return DossierCode(match["unit"], day, int(match["kiosk"]), int(match["number"]))
