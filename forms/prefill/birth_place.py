"""The child's place of birth read from the name of the health facility (docs/retyping.md).

Why: a commune's health station or hospital is named after its commune ("Trạm y tế phường Bến Cát"), and
the place of birth ("Nơi sinh (địa danh hành chính)") is that commune and its province in full. The officer
typed the facility a moment earlier; typing its commune again is ~20 keystrokes for nothing new.

When: only a 2025 commune named with its type word ("xã", "phường", "đặc khu") counts; a district
("Bệnh viện huyện …"), an old town or a bare name gives nothing, and so does a name several 2025 communes share
when none of them is in the province the facility names or the site's own province. A birth before
1 July 2025 gives nothing either: its place of birth is written in the units of that day (the field's help
says so), which the facility's current name does not tell. The screen fills the birth place only while it
is empty or still holds what this rule filled (`may_replace`): never over what the officer typed.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Any

from forms import geo
from forms.text import fold
from forms.validators import parse_date

FACILITY_SUFFIX = "_birth_facility"
PLACE_SUFFIX = "_birth_place"
UNITS_SINCE = date(2025, 7, 1)  # the 2025 communes; earlier births keep the units of their day


def _words(text: str) -> str:
    """Folded text with punctuation as spaces, padded so " name " finds whole words only."""
    return " " + " ".join(re.sub(r"[^0-9a-z]+", " ", fold(text)).split()) + " "


@cache
def _commune_keys() -> tuple[tuple[str, geo.Commune], ...]:
    """Every 2025 commune with its folded "type name" key, longest key first (so "xã tân phước 1" wins
    over a "xã tân phước" inside it)."""
    keys = [(_words(c.name), c) for p in geo.provinces() for c in geo.communes(p.code)]
    return tuple(sorted(keys, key=lambda kc: -len(kc[0])))


@cache
def _province_keys() -> tuple[tuple[str, str], ...]:
    """(folded name without its type word, code) of every 2025 province."""
    plain = re.compile(r"^ (thanh pho|tinh) ")
    return tuple((plain.sub(" ", _words(p.name)), p.code) for p in geo.provinces())


def communes_named_in(facility: str) -> list[geo.Commune]:
    """The 2025 communes whose type word and name appear in `facility` (the longest name found; every commune
    of that name, in any province). Diacritics and case do not matter."""
    text = _words(facility)
    found: list[geo.Commune] = []
    for key, commune in _commune_keys():
        if found and len(key) < len(_words(found[0].name)):
            break
        if key in text:
            found.append(commune)
    return found


def _provinces_named_in(text: str) -> set[str]:
    words = _words(text)
    return {code for key, code in _province_keys() if key in words}


def birth_place_from_facility(facility: Any, site_province: str | None, birth_date: Any = None) -> str | None:
    """"Phường Bến Cát, Thành phố Hồ Chí Minh" for "Trạm y tế phường Bến Cát" (site in province 79); None when
    the facility names no 2025 commune, names one several provinces have and neither the facility nor the site
    says which, or the child was born before 1 July 2025."""
    if not isinstance(facility, str) or not facility.strip():
        return None
    born = parse_date(birth_date) if birth_date else None
    if isinstance(born, date) and born < UNITS_SINCE:
        return None
    candidates = communes_named_in(facility)
    if len(candidates) > 1:
        named = _provinces_named_in(facility)
        preferred = [c for c in candidates if c.province_code in named] or [c for c in candidates if c.province_code == site_province]
        candidates = preferred
    if len(candidates) != 1:
        return None
    province = geo.province(candidates[0].province_code)
    return f"{candidates[0].name}, {province_in_full(province)}" if province is not None else None


def province_in_full(province: geo.Province) -> str:
    """The province's name with its type word: the data writes "Thành phố Hồ Chí Minh" but only "Lai Châu"
    for a tỉnh, and a civil record names the unit in full ("Tỉnh Lai Châu")."""
    return province.name if fold(province.name).startswith("thanh pho ") else f"Tỉnh {province.name}"


def may_replace(current: Any, filled_before: str | None) -> bool:
    """True when the birth place may be (re)filled: it is empty, or still exactly what the rule put there."""
    if current is None or (isinstance(current, str) and not current.strip()):
        return True
    return filled_before is not None and current == filled_before


def facility_pairs(field_ids: list[str]) -> list[tuple[str, str]]:
    """(facility field, birth place field) pairs among these field ids: "child_birth_facility" with
    "child_birth_place", and any other `<who>_birth_facility` with its `<who>_birth_place`."""
    ids = set(field_ids)
    pairs = []
    for field_id in field_ids:
        if field_id.endswith(FACILITY_SUFFIX):
            place = field_id[: -len(FACILITY_SUFFIX)] + PLACE_SUFFIX
            if place in ids:
                pairs.append((field_id, place))
    return pairs
