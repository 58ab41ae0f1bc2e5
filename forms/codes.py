"""Unit identifiers and the dossier-code grammar, written once: the one parser the kiosk, the receipt
look-up, the portal's API schema and the citizen's tracking page all use (docs/dossier-code.md).

A dossier code is `<unit identifier>-YYMMDD-<kiosk digit><daily number>`:
- the unit identifier in either shape a commune may hold (shared/DOMAIN.md, "Since 2025"):
  - QĐ 20/2020/QĐ-TTg, re-issued by the provinces after the 2025 mergers: the level-1 code (a letter and two
    digits) then up to four dot-separated groups of 2 or 3 digits, e.g. `H26`, `H26.105.12`;
  - QCVN 102:2016/BTTTT, carried by older sites: `V1V2V3.Z1Z2.Y1Y2.MX1X2`, e.g. `000.00.07.H26`;
- `YYMMDD`, the day received in Vietnam's time zone;
- the receiving kiosk's number (1–9) then its own 3-digit daily number, so kiosks never collide offline.

Circular 04/2025/TT-VPCP's variant for nationally centralised services, `<identifier>-YYMMDD-AAXXXX`, is the same
code with a two-letter series before the kiosk digit (`H26.105.12-261202-AA1001`): a per-procedure catalogue option
(`dossier_code` in the definition), so the kiosk digit and the daily number keep their places and meaning.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import NamedTuple

UNIT_ID_2020 = r"[A-Z][0-9]{2}(?:\.[0-9]{2,3}){0,4}"  # QĐ 20/2020/QĐ-TTg: at most 19 characters, within its 35
UNIT_ID_2016 = r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}"  # QCVN 102:2016/BTTTT
UNIT_ID = rf"(?:{UNIT_ID_2016}|{UNIT_ID_2020})"
UNIT_ID_MAX_LENGTH = 35
UNIT_ID_MESSAGE = (
    "Mã định danh đơn vị phải có dạng theo Quyết định 20/2020/QĐ-TTg (ví dụ H26 hoặc H26.105.12: chữ cái in hoa, "
    "hai chữ số, rồi tối đa bốn nhóm 2–3 chữ số cách nhau bởi dấu chấm) hoặc theo QCVN 102:2016/BTTTT "
    "(V1V2V3.Z1Z2.Y1Y2.MX1X2, ví dụ 000.00.07.H26)."
)
# Digits are ASCII ([0-9]; \d would take any script's digits). The look-arounds keep a search from reading a
# code out of a longer token (the tail of a longer identifier, a longer number).
SERIES = r"[A-Z]{2}"  # Circular 04/2025/TT-VPCP "AA": two capital letters, set per procedure in the catalogue
_CODE = rf"(?<![\w.])(?P<unit>{UNIT_ID})-(?P<day>[0-9]{{6}})-(?P<series>{SERIES})?(?P<kiosk>[1-9])(?P<number>[0-9]{{3}})(?![0-9])"

UNIT_ID_PATTERN = rf"^{UNIT_ID}$"  # for schema validators (pydantic, JSON Schema): anchored
CODE_PATTERN = rf"^{UNIT_ID}-[0-9]{{6}}-(?:{SERIES})?[1-9][0-9]{{3}}$"
_CODE_RE = re.compile(_CODE)
_UNIT_RE = re.compile(UNIT_ID)
_SERIES_RE = re.compile(SERIES)


class DossierCode(NamedTuple):
    """A code split into its parts; `day` is the local (Vietnam) day the dossier was received; `series` is the
    Circular 04/2025 "AA" of a nationally centralised service, "" for the ordinary code."""

    unit_id: str
    day: date
    kiosk_number: int
    daily_number: int
    series: str = ""

    def __str__(self) -> str:
        return format_code(self.unit_id, self.day, self.kiosk_number, self.daily_number, self.series)


def is_unit_id(value: object) -> bool:
    """Either shape of unit identifier, exactly (upper-case letters, no spaces)."""
    return isinstance(value, str) and len(value) <= UNIT_ID_MAX_LENGTH and _UNIT_RE.fullmatch(value) is not None


def unit_id_shape(value: str) -> str | None:
    """Which rule an identifier follows: "QĐ 20/2020/QĐ-TTg", "QCVN 102:2016/BTTTT", or None."""
    if not is_unit_id(value):
        return None
    return "QCVN 102:2016/BTTTT" if re.fullmatch(UNIT_ID_2016, value) else "QĐ 20/2020/QĐ-TTg"


def is_series(value: object) -> bool:
    """A Circular 04/2025 series: exactly two capital letters A–Z."""
    return isinstance(value, str) and _SERIES_RE.fullmatch(value) is not None


def format_code(unit_id: str, day: date, kiosk_number: int, daily_number: int, series: str = "") -> str:
    return f"{code_prefix(unit_id, day, kiosk_number, series)}{daily_number:03d}"


def code_prefix(unit_id: str, day: date, kiosk_number: int, series: str = "") -> str:
    """The part of a code fixed for one kiosk on one day in one series (the daily number follows it)."""
    return f"{unit_id}-{day:%y%m%d}-{series}{kiosk_number}"


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
    return DossierCode(match["unit"], day, int(match["kiosk"]), int(match["number"]), match["series"] or "")
