"""Dates typed as 8 digits without slashes: "05031990" is 05/03/1990 (used by ui.pages.fields.DateField).

Officers type dates from paper at speed; the slashes are three extra keystrokes each. "05031990" is
unambiguous: day, month, 4-digit year. Six digits ("050390") are refused with a message
(forms.validators.check_date says it): the century would be a guess, and a wrong century on a birth date is a
wrong civil record.
"""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtWidgets import QLineEdit

from forms.validators import parse_date

EIGHT_DIGITS = re.compile(r"(\d{2})(\d{2})(\d{4})", re.ASCII)


def typed_date(text: str) -> date | None:
    """The date the officer typed: dd/mm/yyyy, or ddmmyyyy as 8 digits; None when it is neither (or not a real day)."""
    text = text.strip()
    if m := EIGHT_DIGITS.fullmatch(text):
        return parse_date(f"{m[1]}/{m[2]}/{m[3]}")
    if text.count("/") == 2 and len(text.split("/")[-1]) == 4:
        return parse_date(text)
    return None


def show_with_slashes(edit: QLineEdit) -> None:
    """On leaving the box, 8 digits that make a real date are shown as dd/mm/yyyy (the value does not change)."""
    text = edit.text().strip()
    parsed = typed_date(text)
    if parsed is not None and EIGHT_DIGITS.fullmatch(text):
        edit.setText(parsed.strftime("%d/%m/%Y"))
