"""Vietnamese text helpers: Unicode normalisation, the canonical form of ID and phone numbers, and search keys.

docs/canonical-forms.md: one function per kind of value decides its canonical form (`nfc` for text,
`canonical_id_number`, `canonical_phone`), and the validator, the cleaner, the stored value, the dossier's
column, the search key and the sync payload all use it.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any


def nfc(s: str) -> str:
    """Return `s` in NFC.

    Vietnamese typed on different keyboards (Unikey, macOS, phones) arrives pre-composed or
    decomposed; storing one form keeps equal names equal in the database and on the receipt.
    """
    return unicodedata.normalize("NFC", s)


# What a pasted or typed number may carry between its digits: every Unicode white space (str.isspace and the
# Zs category: tab, U+00A0 no-break space, U+202F narrow no-break space, U+3000 ideographic space, …), the
# invisible joiners a word processor leaves (zero-width space, word joiner, BOM), and every dash (the Pd
# category: "-", U+2010–U+2015, the full-width hyphen-minus, …) plus U+2212 minus sign.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")


def _is_separator(ch: str) -> bool:
    return ch.isspace() or ch in _INVISIBLE or ch == "\u2212" or unicodedata.category(ch) in ("Zs", "Pd")


def _ascii_digit(ch: str) -> str:
    """A Unicode decimal digit (full-width ０–９, Arabic-Indic, …) as its ASCII digit; anything else as it is."""
    if ch.isascii():
        return ch
    value = unicodedata.decimal(ch, None)
    return str(value) if value is not None else ch


def compact_number(value: Any) -> str:
    """Text of an ID or phone number without white space or dashes, its digits ASCII ("" for non-text).

    Other characters are kept, so a letter typed by mistake still reaches the validator and is refused.
    A whole int (an ID typed into a spreadsheet) is its decimal text.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value) if abs(value) < 10**200 else ""
    if not isinstance(value, str):
        return ""
    return "".join(_ascii_digit(ch) for ch in nfc(value) if not _is_separator(ch))


def canonical_id_number(value: Any) -> str:
    """The one stored form of a personal ID number: its digits only, ASCII ("0010 9901 2345" -> "001099012345")."""
    return compact_number(value)


_PHONE_EXTRA = str.maketrans({".": None, "\uff0b": "+", "\uff0e": None})  # dots (0912.345.678), full-width + and .


def national_phone(value: Any) -> str | None:
    """A phone number in national form ("0" + 9 digits) from 0…, +84… or 84… (11 digits); None for another shape."""
    compact = compact_number(value).translate(_PHONE_EXTRA)
    if len(compact) > 200:
        return None
    if compact.startswith("+84"):
        rest = compact[3:]
    elif compact.startswith("84") and len(compact) == 11:
        rest = compact[2:]
    elif compact.startswith("0"):
        rest = compact[1:]
    else:
        return None
    if len(rest) != 9 or not (rest.isascii() and rest.isdigit()):
        return None
    return "0" + rest


def canonical_phone(value: Any) -> str:
    """The one stored form of a phone number: "0xxxxxxxxx"; a number of another shape comes back stripped NFC text."""
    number = national_phone(value)
    if number is not None:
        return number
    if isinstance(value, int) and not isinstance(value, bool):
        return compact_number(value)
    return nfc(value).strip() if isinstance(value, str) else ""


def well_formed_id_number(value: Any) -> bool:
    """Whether a stored ID number is in canonical form and whole: 12 ASCII digits (9 for an old CMND kept from before 2025)."""
    return isinstance(value, str) and value.isascii() and value.isdigit() and len(value) in (9, 12)


def well_formed_phone(value: Any) -> bool:
    """Whether a stored phone number is in canonical form: "0" and 9 ASCII digits."""
    return isinstance(value, str) and value.isascii() and value.isdigit() and len(value) == 10 and value[0] == "0"


# Form answers nest two or three levels (a group item, an address); a JSON file can nest thousands,
# and recursing into those would end in a RecursionError before any validator could refuse them.
_MAX_DEPTH = 50


def normalise(obj: Any, _depth: int = 0) -> Any:
    """Return a copy of `obj` with every string value NFC-normalised and stripped.

    Walks dicts, lists and tuples. Dict keys are left alone: they are field ids from the form
    definition, and rewriting them could silently merge two keys. Non-string leaves are
    returned as they are, and so is anything nested deeper than any form answer (the
    validators refuse it).
    """
    if isinstance(obj, str):
        return nfc(obj).strip()
    if _depth >= _MAX_DEPTH:
        return obj
    if isinstance(obj, dict):
        return {key: normalise(value, _depth + 1) for key, value in obj.items()}
    if isinstance(obj, list):
        return [normalise(item, _depth + 1) for item in obj]
    if isinstance(obj, tuple):
        return tuple(normalise(item, _depth + 1) for item in obj)
    return obj


# Apostrophe-like characters in names of the Central Highlands peoples (H’Bia, Ksor H'Hen, Y-Ngông): typed
# as ' on one keyboard, ’ by a word processor, ʼ or ` elsewhere. fold() leaves them all out, so the key
# "hbia bya" is found by "h'bia bya", "h’bia bya" and "hbia bya" alike.
APOSTROPHES = frozenset("'\u2019\u2018\u201b\u02bc\u02bb\u02bd\u02b9\u0060\u00b4\u2032\u2035\uff07\ua78c\u055a")


def fold(s: str) -> str:
    """Return an accent-free, lowercase, single-spaced search key for `s`.

    Officers type names without diacritics (or with a different tone-mark placement, "hoà"
    vs "hòa"); folding both sides makes "nguyen van anh" find "NGUYỄN Văn  Ánh".
    đ is not a combining mark in Unicode, so it is mapped to d by hand. Apostrophe-like
    characters are left out (`APOSTROPHES`) and Unicode digits read as ASCII ones.
    """
    text = nfc(s).lower().replace("đ", "d")
    stripped = "".join(_ascii_digit(ch) for ch in unicodedata.normalize("NFD", text)
                       if not unicodedata.combining(ch) and ch not in APOSTROPHES)
    return " ".join(stripped.split())


# Vietnamese alphabetical order: ă, â, đ, ê, ô, ơ, ư are letters of their own, placed after
# their base letter; tone marks only break ties (dictionary order: none, huyền, hỏi, ngã,
# sắc, nặng). f, j, w, z are kept for foreign names.
_ALPHABET = {letter: rank for rank, letter in enumerate("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz", start=1)}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def sort_key(s: str) -> tuple[tuple[int, ...], tuple[int, ...], str]:
    """A key that sorts Vietnamese words as a dictionary does ("Cà Mau" < "Cao Bằng" < "Cần Thơ").

    Plain str sorting puts every accented letter after z, and fold() merges a/ă/â and d/đ,
    which Vietnamese readers treat as different letters.
    """
    letters: list[int] = []
    tones: list[int] = []
    for word_index, word in enumerate(nfc(s).lower().split()):
        if word_index:
            letters.append(0)  # a space sorts before any letter: "Ca Mau" < "Cao"
        for ch in word:
            decomposed = unicodedata.normalize("NFD", ch)
            tone = next((_TONES[m] for m in decomposed[1:] if m in _TONES), 0)
            base = unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in _TONES))
            letters.append(_ALPHABET.get(base, 100 + ord(base[0]) if base else 0))
            tones.append(tone)
    return tuple(letters), tuple(tones), s


def matches(query: str, *haystacks: str) -> bool:
    """True when every word of `query` occurs (accent-insensitively) somewhere in the haystacks.

    Word order is free and partial words match, so "anh nguy" finds "Nguyễn Văn Ánh".
    An empty query matches everything, which is what a search box shows before typing.
    """
    target = fold(" ".join(haystacks))
    return all(token in target for token in fold(query).split())


def format_vnd(amount: int | Decimal) -> str:
    """``8.000 đồng``: Vietnamese thousands separator, whole đồng only (receipts and fee computations)."""
    if isinstance(amount, bool) or not isinstance(amount, (int, Decimal)):
        raise TypeError(f"amount must be int or Decimal, got {type(amount).__name__}")
    if amount != int(amount):
        raise ValueError(f"the đồng has no fractional unit: {amount}")
    value = int(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value):,}".replace(",", ".") + " đồng"
