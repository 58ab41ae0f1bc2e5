"""Helpers for the ID-card scan tests: a mother's card, its payload, and a keyboard-mode scanner typing it."""

from __future__ import annotations

import datetime as dt

from forms.idcard.payload import IdCard, format_payload

MOTHER = IdCard(
    number="025192621429",  # valid for a woman born in 1992 (forms.samples.id_number)
    old_number="285123456",
    full_name="Nguyễn Thị Mai",
    birth_date=dt.date(1992, 3, 14),
    sex="nu",
    residence="Ấp 3, Xã Tân Hưng, Huyện Bàu Bàng, Tỉnh Bình Dương",  # one 2025 successor: Phường Bến Cát
    issue_date=dt.date(2021, 6, 2),
)
PAYLOAD = format_payload(MOTHER)
MOTHER_FIELDS = ("mother_full_name", "mother_id_number", "mother_birth_date", "mother_residence", "mother_nationality",
                 "mother_id_paper_type", "mother_id_paper_issue_date")


class FakeClock:
    """A monotonic clock the test moves: the scanner's keys 5 ms apart, whatever the machine's speed."""

    def __init__(self, start: float = 10_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def scanner_types(text: str, clock: FakeClock, *, step_s: float = 0.005, enter: bool = True) -> None:
    """Send `text` as a keyboard-mode scanner does: one key press and release per character, then Enter."""
    from PySide6.QtCore import QCoreApplication, QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    def key_of(char: str) -> int:
        if char.isascii() and char.isalnum():
            return ord(char.upper())
        return {"|": Qt.Key.Key_Bar, " ": Qt.Key.Key_Space, ",": Qt.Key.Key_Comma}.get(char, Qt.Key.Key_unknown)

    presses = [(key_of(c), c) for c in text] + ([(Qt.Key.Key_Return, "\r")] if enter else [])
    for key, char in presses:
        clock.now += step_s
        target = QApplication.focusWidget()
        assert target is not None, "nothing has focus: the scanner's keys would go nowhere"
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QCoreApplication.sendEvent(target, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char))
