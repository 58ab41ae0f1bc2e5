"""Vietnamese text helpers: Unicode normalisation and accent-insensitive search keys."""

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


def fold(s: str) -> str:
    """Return an accent-free, lowercase, single-spaced search key for `s`.

    Officers type names without diacritics (or with a different tone-mark placement, "hoà"
    vs "hòa"); folding both sides makes "nguyen van anh" find "NGUYỄN Văn  Ánh".
    đ is not a combining mark in Unicode, so it is mapped to d by hand.
    """
    text = nfc(s).lower().replace("đ", "d")
    stripped = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
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
