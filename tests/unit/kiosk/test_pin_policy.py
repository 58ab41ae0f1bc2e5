"""What a new PIN must be: six digits or more, none of the PINs tried first, not the birth date when it is known."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.security.pin_policy import pin_problem


@pytest.mark.parametrize("pin", ["739146", "246813", "24681357", "975318", "100293", "0123450"])
def test_a_pin_of_six_or_more_digits_that_is_not_trivial_is_accepted(pin: str) -> None:
    assert pin_problem(pin) is None


@pytest.mark.parametrize(("pin", "words"), [
    ("2468", "từ 6"), ("97531", "từ 6"), ("", "chữ số"), ("12a456", "chữ số"), (" 739146", "chữ số"), ("７３９１４６", "chữ số"),
    ("1" * 33, "đến 32"),
    ("000000", "lặp lại"), ("777777", "lặp lại"), ("121212", "lặp lại"), ("123123", "lặp lại"), ("20252025", "lặp lại"),
    ("123456", "liên tiếp"), ("987654", "liên tiếp"), ("012345", "liên tiếp"), ("890123", "liên tiếp"), ("3210987", "liên tiếp"),
])
def test_short_non_digit_repeated_and_running_pins_are_refused_with_the_reason(pin: str, words: str) -> None:
    problem = pin_problem(pin)
    assert problem is not None and words in problem


@pytest.mark.parametrize("pin", ["150390", "15031990", "19900315"])
def test_the_birth_date_is_refused_when_it_is_known(pin: str) -> None:
    born = date(1990, 3, 15)
    assert pin_problem(pin) is None  # no birth date on record (the officer model has none today): nothing to compare
    assert "ngày sinh" in (pin_problem(pin, born) or "")
