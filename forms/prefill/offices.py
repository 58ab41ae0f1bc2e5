"""Where an earlier event was registered: the site's office now, and the pre-2025 offices it took over.

Why: "Nơi đăng ký kết hôn" of the parents, "Nơi đăng ký" of a birth being corrected or copied are written as the
office was named on that day (the field's help says so), and at a commune counter that is most often this
commune, or one of the old communes merged into it on 1 July 2025 ("UBND xã Tân Hưng, huyện Bàu Bàng, tỉnh
Bình Dương"). Typing such a name costs ~50 keystrokes; a suggestion list found by a few letters costs ~5.
The list only suggests: the officer may type any other office.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from forms import geo
from forms.idcard.address import old_units
from forms.model import Field
from forms.text import fold

OFFICE_SUFFIX = "_office"
# Unit type words as the data writes them, longest first; lower-cased after "UBND" ("UBND xã …, huyện …").
_TYPE_WORDS = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Huyện", "Quận", "Tỉnh", "Xã")


def is_office_field(field: Field) -> bool:
    """A text field naming the office where an earlier event was registered: its id ends in "_office"
    (parents_marriage_office of 1.001193, original_registration_office of 1.004859 and 2.000635)."""
    return field.type == "text" and field.id.endswith(OFFICE_SUFFIX)


def _lower_type(name: str) -> str:
    """"Xã Tân Hưng" → "xã Tân Hưng": the type word lower-case, as written after "UBND"."""
    for word in _TYPE_WORDS:
        if name.startswith(word + " "):
            return word.lower() + name[len(word) :]
    return name


@cache
def _predecessors() -> dict[str, tuple[tuple[str, str, str], ...]]:
    """2025 commune code → the old (commune, district, province) names that merged into it, in table order."""
    found: dict[str, list[tuple[str, str, str]]] = {}
    for province in old_units().values():
        for district, communes in province["districts"].items():
            for name, _old_code, new_codes in communes:
                if not name:
                    continue  # a district without communes (islands)
                for code in new_codes:
                    found.setdefault(code, []).append((name, district, province["name"]))
    return {code: tuple(names) for code, names in found.items()}


def old_office_names(commune_code: Any) -> list[str]:
    """"UBND xã Tân Hưng, huyện Bàu Bàng, tỉnh Bình Dương" for each pre-2025 commune merged (wholly or in part)
    into this 2025 commune; [] for an unknown code."""
    found = geo.commune(commune_code)
    if found is None:
        return []
    return [
        "UBND " + ", ".join(_lower_type(part) for part in parts if part)
        for parts in _predecessors().get(found.code, ())
    ]


def office_suggestions(commune_code: Any, unit_name: str) -> list[str]:
    """The site's office now (`unit_name`, else "UBND <its 2025 commune>"), then the old offices it took over;
    no duplicates (compared without accents or case)."""
    current = unit_name.strip() if isinstance(unit_name, str) else ""
    if not current and (commune := geo.commune(commune_code)) is not None:
        current = "UBND " + _lower_type(commune.name)
    seen: set[str] = set()
    names = []
    for name in ([current] if current else []) + old_office_names(commune_code):
        if fold(name) not in seen:
            seen.add(fold(name))
            names.append(name)
    return names
