"""Administrative units since 1 July 2025 (34 provinces, 3,321 communes) from the offline vietnam-provinces data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import vietnam_provinces

from forms.text import nfc, sort_key

# Sorting ignores the unit-type word, so "Thành phố Hà Nội" sorts under H and
# "Phường Ba Đình" under B: that is where an officer scrolling a list looks for them.
_TYPE_PREFIX = re.compile(r"^(thành phố|tỉnh|xã|phường|đặc khu)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Province:
    """A province-level unit; `code` is the 2-digit zero-padded code ("01" Hà Nội)."""

    code: str
    name: str


@dataclass(frozen=True)
class Commune:
    """A commune-level unit (xã, phường, đặc khu); `code` is 5 digits, zero-padded."""

    code: str
    name: str
    province_code: str


def _sort_key(name: str) -> tuple[object, ...]:
    text = nfc(name)
    return sort_key(_TYPE_PREFIX.sub("", text)), sort_key(text)


def _clean(name: str) -> str:
    # The package data has a few names with doubled spaces ("Xã  Phú Hữu").
    return " ".join(name.split())


def _code(value: Any, width: int) -> str | None:
    """A code as a zero-padded string; accepts "1", "01", 1. None when it cannot be a code."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        text = str(value) if 0 <= value < 10**width else ""
    elif isinstance(value, str):
        text = value.strip()
    else:
        return None
    if not text or len(text) > width or not text.isascii() or not text.isdigit():
        return None
    return text.zfill(width)


@cache
def _data() -> tuple[dict[str, Province], dict[str, Commune], dict[str, list[Commune]]]:
    """Load and index the package data once; later lookups are dictionary hits. Unsorted: checking one code
    (a setting, an address) should not pay for sorting 3,321 names by their Vietnamese collation keys."""
    provinces = {
        f"{int(p.code):02d}": Province(f"{int(p.code):02d}", _clean(p.name))
        for p in vietnam_provinces.Province.iter_all()
    }
    communes = {}
    by_province: dict[str, list[Commune]] = {code: [] for code in provinces}
    for ward in vietnam_provinces.Ward.iter_all():
        item = Commune(f"{int(ward.code):05d}", _clean(ward.name), f"{int(ward.province_code):02d}")
        communes[item.code] = item
        by_province[item.province_code].append(item)
    return provinces, communes, by_province


@cache
def _sorted_communes(province_code: str) -> tuple[Commune, ...]:
    return tuple(sorted(_data()[2].get(province_code, ()), key=lambda c: _sort_key(c.name)))


@cache
def _sorted_provinces() -> tuple[Province, ...]:
    return tuple(sorted(_data()[0].values(), key=lambda p: _sort_key(p.name)))


def provinces() -> list[Province]:
    """All 34 provinces, sorted by name ignoring accents and the "Thành phố" prefix."""
    return list(_sorted_provinces())


def communes(province_code: Any) -> list[Commune]:
    """The communes of one province, sorted by name; [] for an unknown province."""
    code = _code(province_code, 2)
    return list(_sorted_communes(code)) if code else []


def commune(code: Any) -> Commune | None:
    """The commune with this 5-digit code, or None."""
    key = _code(code, 5)
    return _data()[1].get(key) if key else None


def province(code: Any) -> Province | None:
    """The province with this 2-digit code, or None."""
    key = _code(code, 2)
    return _data()[0].get(key) if key else None


def format_address(value: Any) -> str:
    """ "line, commune, province" for an address answer; unknown or missing parts are left out."""
    if not isinstance(value, dict):
        return ""
    line = value.get("line")
    parts = [" ".join(line.split())] if isinstance(line, str) and line.strip() else []
    if (c := commune(value.get("commune_code"))) is not None:
        parts.append(c.name)
    if (p := province(value.get("province_code"))) is not None:
        parts.append(p.name)
    return ", ".join(parts)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_address(value: Any) -> str | None:
    """None when the address is empty or complete and coherent, else a Vietnamese message.

    An address must name a known commune inside the chosen province: since 2025 the
    commune and province are the whole administrative part of an address.
    """
    if value is None or value == {} or value == "":
        return None
    if not isinstance(value, dict):
        return "Địa chỉ không hợp lệ."
    raw = [value.get(key) for key in ("line", "commune_code", "province_code")]
    if all(_blank(v) for v in raw):
        return None
    line, commune_code, province_code = raw
    if _blank(line) or not isinstance(line, str):
        return "Vui lòng nhập số nhà, đường hoặc thôn, tổ dân phố."
    if _blank(province_code):
        return "Vui lòng chọn tỉnh, thành phố."
    p = province(province_code)
    if p is None:
        return "Tỉnh, thành phố không hợp lệ."
    if _blank(commune_code):
        return "Vui lòng chọn xã, phường."
    c = commune(commune_code)
    if c is None:
        return "Xã, phường không hợp lệ."
    if c.province_code != p.code:
        return f"{c.name} không thuộc {p.name}."
    return None
