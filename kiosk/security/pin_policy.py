"""What a new PIN must be (issue 16 item 4): the one rule for `officer add`, a PIN change and the first-login change.

A counter PIN guards personal data of citizens and is typed in front of them, so it is at least MIN_DIGITS digits
and not one of the PINs tried first: the same digit repeated, a short block repeated (121212, 123123), a run up or
down (123456, 987654, 890123) or the officer's birth date (ddmmyy, ddmmyyyy, yyyymmdd). The officer model holds no
birth date today, so callers pass none and that part only runs when one is known (tests cover it).

A PIN set before this rule (4 or 5 digits, a run) still logs in: `officers.login` sees that the PIN typed does
not pass `pin_problem` and asks the window to have it changed before anything else (docs/security.md).
"""

from __future__ import annotations

from datetime import date

MIN_DIGITS = 6
MAX_DIGITS = 32


def pin_problem(pin: str, birth_date: date | None = None) -> str | None:
    """None if `pin` may be set as a new PIN; otherwise why not, in Vietnamese (one sentence the officer can act on)."""
    if not isinstance(pin, str) or not pin.isascii() or not pin.isdigit():
        return "Mã PIN chỉ gồm chữ số (0–9)."
    if not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        return f"Mã PIN phải có từ {MIN_DIGITS} đến {MAX_DIGITS} chữ số."
    if _repeats(pin):
        return "Mã PIN không được là một chữ số hay một nhóm số lặp lại (như 111111, 121212)."
    if _run(pin):
        return "Mã PIN không được là dãy số liên tiếp tăng hoặc giảm (như 123456, 987654)."
    if birth_date is not None and pin in birth_date_forms(birth_date):
        return "Mã PIN không được là ngày sinh."
    return None


def birth_date_forms(day: date) -> frozenset[str]:
    """How a birth date is typed as digits: ddmmyy, ddmmyyyy, yyyymmdd."""
    return frozenset({f"{day:%d%m%y}", f"{day:%d%m%Y}", f"{day:%Y%m%d}"})


def _repeats(pin: str) -> bool:
    """The PIN is a shorter block written out again and again (a single digit being the shortest block)."""
    return any(len(pin) % size == 0 and pin == pin[:size] * (len(pin) // size) for size in range(1, len(pin) // 2 + 1))


def _run(pin: str) -> bool:
    """Each digit is the one before plus one, or each is minus one (9 → 0 and 0 → 9 continue the run)."""
    steps = {(int(b) - int(a)) % 10 for a, b in zip(pin, pin[1:])}
    return steps in ({1}, {9})
