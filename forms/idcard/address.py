"""Map an address printed before July 2025 (commune, district, province) to the 2025 units, offline.

ID cards issued before 1 July 2025 print the old three-level address; since then there are 34
provinces, no districts, and merged communes. The table forms/data/address_map_2025.json (see
docs/address-mapping.md for its source and licence) gives, for each of the 10,035 old communes,
the 2025 commune(s) that took it over, with the codes of forms.geo, so a result fills the
form's commune and province fields directly. Where an old commune was split, every successor
is offered and the officer picks: only the citizen knows which side of the new line they live.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from forms import geo
from forms.text import fold, nfc

_TABLE = Path(__file__).parent.parent / "data" / "address_map_2025.json"

# Unit-type words, longest first, as (folded spelling, canonical type). Abbreviations are the
# ones printed on cards and typed at counters ("TP.", "Q.", "P.", "H.", "TX.", "TT.", "X.").
_TYPES: tuple[tuple[str, str], ...] = (
    ("thanh pho", "thành phố"),
    ("thi tran", "thị trấn"),
    ("dac khu", "đặc khu"),
    ("thi xa", "thị xã"),
    ("phuong", "phường"),
    ("huyen", "huyện"),
    ("tinh", "tỉnh"),
    ("quan", "quận"),
    ("xa", "xã"),
    ("tp", "thành phố"),
    ("tx", "thị xã"),
    ("tt", "thị trấn"),
    ("q", "quận"),
    ("h", "huyện"),
    ("p", "phường"),
    ("x", "xã"),
)

# Short forms of province names seen on forms and typed at counters.
_PROVINCE_ALIASES = {
    "hcm": "ho chi minh",
    "tphcm": "ho chi minh",
    "sai gon": "ho chi minh",
    "hn": "ha noi",
    "brvt": "ba ria vung tau",
    "tt hue": "thua thien hue",
}


@dataclass(frozen=True)
class Candidate:
    """One 2025 commune an address may now belong to, with the codes the form fields take."""

    commune_code: str
    commune_name: str
    province_code: str
    province_name: str


@dataclass(frozen=True)
class AddressMapping:
    """What a printed address becomes in 2025 units.

    `line` is the house number / street / hamlet part, as printed. `candidates` holds one
    entry when the answer is certain, several when the old commune was split (the officer
    picks), none when the address could not be read, and then `reason` says why in Vietnamese.
    `old_units` names the old commune, district and province matched, for the officer to see;
    it is empty when the address was already in 2025 form.
    """

    line: str
    candidates: tuple[Candidate, ...]
    old_units: str = ""
    reason: str | None = None

    @property
    def unique(self) -> Candidate | None:
        """The single candidate, or None when there are none or several."""
        return self.candidates[0] if len(self.candidates) == 1 else None

    def answer(self, candidate: Candidate | None = None) -> dict[str, str] | None:
        """The form's address answer ({line, commune_code, province_code}) for a candidate.

        Without an argument, the unique candidate; None while the officer still has to pick.
        """
        chosen = candidate or self.unique
        if chosen is None:
            return None
        return {"line": self.line, "commune_code": chosen.commune_code, "province_code": chosen.province_code}


@dataclass(frozen=True)
class _Part:
    """One comma-separated piece of an address: its unit type (if written) and name key."""

    text: str
    kind: str | None
    key: str
    whole: str  # the key of the whole text, type word included ("Quan Hoa" is a ward, not a district)


def _key(name: str) -> str:
    """Accent-, case- and punctuation-free key; numbered units lose leading zeros ("05" = "5")."""
    words = re.sub(r"[^0-9a-z ]+", " ", fold(name).replace("'", "").replace("’", "")).split()
    return " ".join(w.lstrip("0") or "0" if w.isdigit() else w for w in words)


def _split_type(text: str) -> tuple[str | None, str]:
    """("quận", "cau giay") from "Q. Cầu Giấy", "Q.Cầu Giấy", "quan cau giay"; "Q1" gives ("quận", "1")."""
    folded = fold(text)
    for spelling, kind in _TYPES:
        if not folded.startswith(spelling):
            continue
        rest = folded[len(spelling) :]
        if rest.startswith("."):
            return kind, _key(rest[1:])
        if rest.startswith(" ") and rest.strip():
            return kind, _key(rest)
        if rest[:1].isdigit() and kind in ("phường", "quận"):
            return kind, _key(rest)
    return None, _key(text)


def _part(text: str) -> _Part:
    kind, key = _split_type(text)
    return _Part(text, kind, key, _key(text))


@cache
def _unit(name: str) -> tuple[str | None, str]:
    """The type and key of a name from the data ("Thị xã Buôn Hồ" -> ("thị xã", "buon ho"))."""
    return _split_type(name)


def _matches(part: _Part, name: str) -> bool:
    kind, key = _unit(name)
    if part.key == key and (part.kind is None or part.kind == kind):
        return True
    # A name written without its type word that itself starts like one ("Xuân Phương").
    return part.kind is not None and part.whole == key


@cache
def _table() -> dict[str, dict]:
    return json.loads(_TABLE.read_text(encoding="utf-8"))["provinces"]


def old_units() -> dict[str, dict]:
    """The old→2025 table, read once: provinces[old code] = {name, districts: {district name: [[commune name,
    old code, [2025 codes]]]}} (the file's "format" key). For readers other than map_old_address
    (forms.prefill.offices builds the reverse: a 2025 commune's predecessors)."""
    return _table()


@cache
def _new_communes() -> dict[str, tuple[geo.Commune, ...]]:
    return {p.code: tuple(geo.communes(p.code)) for p in geo.provinces()}


def _candidate(code: str) -> Candidate:
    commune = geo.commune(code)
    assert commune is not None  # the coverage test holds every code in the table to this
    province = geo.province(commune.province_code)
    assert province is not None
    return Candidate(commune.code, commune.name, province.code, province.name)


def _unknown(line: str, reason: str) -> AddressMapping:
    return AddressMapping(line=line, candidates=(), reason=reason)


def _as_2025(parts: list[_Part]) -> AddressMapping | None:
    """The address read as "…, commune, province" in 2025 units, or None."""
    if len(parts) < 2:
        return None
    provinces = [p for p in geo.provinces() if _matches(parts[-1], p.name)]
    for province in provinces:
        found = [c for c in _new_communes()[province.code] if _matches(parts[-2], c.name)]
        if len(found) == 1:
            line = ", ".join(p.text for p in parts[:-2])
            return AddressMapping(line=line, candidates=(_candidate(found[0].code),))
    return None


_Hit = tuple[str, str, str, list]  # old province name, district name, commune name, table row


def _old_provinces(part: _Part) -> list[dict]:
    return [p for p in _table().values() if _matches(part, p["name"])]


def _old_with_district(parts: list[_Part]) -> tuple[list[_Hit], int] | None:
    """Matches for "…, commune, district, province", or an island district with no commune."""
    provinces = _old_provinces(parts[-1])
    for width in (3, 2):
        if len(parts) < width:
            continue
        commune_part = parts[-3] if width == 3 else None
        hits = [
            (province["name"], district, row[0], row)
            for province in provinces
            for district, rows in province["districts"].items()
            if _matches(parts[-2], district)
            for row in rows
            if (row[0] == "" if commune_part is None else row[0] != "" and _matches(commune_part, row[0]))
        ]
        if hits:
            return hits, width
    return None


def _old_without_district(parts: list[_Part]) -> tuple[list[_Hit], int] | None:
    """Matches for "…, commune, province" in old units: a card never omits the district, a clerk might."""
    if len(parts) < 2:
        return None
    hits = [
        (province["name"], district, row[0], row)
        for province in _old_provinces(parts[-1])
        for district, rows in province["districts"].items()
        for row in rows
        if row[0] and _matches(parts[-2], row[0])
    ]
    return (hits, 2) if hits else None


def _from_old(parts: list[_Part], hits: list[_Hit], width: int) -> AddressMapping:
    codes = list(dict.fromkeys(code for *_, row in hits for code in row[2]))
    names = sorted({", ".join(n for n in (commune, district, province) if n) for province, district, commune, _ in hits})
    return AddressMapping(
        line=", ".join(p.text for p in parts[:-width]),
        candidates=tuple(_candidate(c) for c in codes),
        old_units="; ".join(names),
    )


def _why_not(parts: list[_Part]) -> str:
    if len(parts) < 2:
        return "Địa chỉ thiếu xã, phường hoặc tỉnh, thành phố."
    if not _old_provinces(parts[-1]) and not any(_matches(parts[-1], p.name) for p in geo.provinces()):
        return f"Không nhận ra tỉnh, thành phố “{parts[-1].text}”."
    return (
        f"Không tìm thấy “{parts[-2].text}” trong danh mục xã, phường của {parts[-1].text} "
        "(trước hoặc sau ngày 01/7/2025); vui lòng chọn xã, phường mới."
    )


def map_old_address(text: str) -> AddressMapping:
    """Read a residence as printed on an ID card and give its 2025 commune and province.

    Accepts the old form ("Thôn 3, Xã Ea Tu, Thành phố Buôn Ma Thuột, Đắk Lắk") and the 2025
    form ("Số 1, Phường Ba Đình, Hà Nội", returned unchanged); any case, NFC or NFD, with or
    without the type words, abbreviated or not. Never raises: what cannot be read comes back
    with no candidate and a Vietnamese reason.
    """
    if not isinstance(text, str) or not text.strip():
        return _unknown("", "Địa chỉ trống.")
    pieces = [" ".join(nfc(p).split()) for p in re.split(r"[,;\n]", text)]
    parts = [_part(p) for p in pieces if p]
    if not parts:
        return _unknown("", "Địa chỉ trống.")
    last = parts[-1]
    if last.key in _PROVINCE_ALIASES:
        parts[-1] = _Part(last.text, last.kind, _PROVINCE_ALIASES[last.key], last.whole)
    # The old form first: its district part never names a 2025 commune, while an old commune
    # and district written without type words ("Dịch Vọng, Cầu Giấy, Hà Nội") could pass for
    # a street and a 2025 commune.
    old = _old_with_district(parts)
    if old is not None:
        return _from_old(parts, *old)
    already = _as_2025(parts)
    if already is not None:
        return already
    old = _old_without_district(parts)
    if old is not None:
        return _from_old(parts, *old)
    return _unknown(", ".join(p.text for p in parts), _why_not(parts))
