"""The one dossier-code grammar (forms/codes.py), for both unit-identifier shapes: QĐ 20/2020/QĐ-TTg (H26.105.12)
and QCVN 102:2016/BTTTT (000.00.07.H26)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from forms.codes import (
    CODE_PATTERN, UNIT_ID_MESSAGE, UNIT_ID_PATTERN, find_code, format_code, is_series, is_unit_id, parse_code, unit_id_shape,
)


@pytest.mark.parametrize(
    ("unit_id", "shape"),
    [("H26", "QĐ 20/2020/QĐ-TTg"), ("H26.105.12", "QĐ 20/2020/QĐ-TTg"), ("T01.01.001.99.10", "QĐ 20/2020/QĐ-TTg"),
     ("000.00.07.H26", "QCVN 102:2016/BTTTT"), ("000.31.05.H56", "QCVN 102:2016/BTTTT")],
)
def test_both_shapes_are_unit_identifiers_and_make_codes_that_parse_back(unit_id: str, shape: str) -> None:
    assert is_unit_id(unit_id) and unit_id_shape(unit_id) == shape
    assert re.fullmatch(UNIT_ID_PATTERN, unit_id)
    code = format_code(unit_id, date(2026, 12, 6), 2, 7)
    assert code == f"{unit_id}-261206-2007" and re.fullmatch(CODE_PATTERN, code)
    assert parse_code(code) == (unit_id, date(2026, 12, 6), 2, 7, "")
    assert find_code(f"https://dichvucong.example.vn/tra-cuu/{code.lower()}?t=2abc") == code  # a QR read, lower-cased
    assert find_code(f"  {code}\r\n") == code  # typed or scanned with a line end


@pytest.mark.parametrize(
    "unit_id",
    ["", "H2", "h26", "H26.", "H26.1", "H26.1234", "H26.10.10.10.10.10", "26.105.12", "HH26", "H26 .105", " H26",
     "000.00.07.H2", "000.0.07.H26", "000.00.07.h26", "000.00.07.H26.1", "H26-105", "H٢6", None, 26],
)
def test_a_shape_that_is_neither_is_refused(unit_id: object) -> None:
    assert not is_unit_id(unit_id)
    if isinstance(unit_id, str):
        assert unit_id_shape(unit_id) is None


def test_the_message_names_both_shapes_with_examples() -> None:
    assert "20/2020/QĐ-TTg" in UNIT_ID_MESSAGE and "H26.105.12" in UNIT_ID_MESSAGE
    assert "QCVN 102:2016" in UNIT_ID_MESSAGE and "000.00.07.H26" in UNIT_ID_MESSAGE


@pytest.mark.parametrize(
    "text",
    ["H26.105.12-261206-0001", "H26.105.12-261306-2001", "H26.105.12-261206-201", "H26.105.12-261206-20011",
     "XH26-261206-2001", "H26.105.12.-261206-2001", "H26.105.12-26120-62001"],
)
def test_what_is_not_a_code_is_not_read_as_one(text: str) -> None:
    assert parse_code(text) is None and find_code(text) is None


@pytest.mark.parametrize("unit_id", ["H26.105.12", "000.00.07.H26"])
def test_the_circular_04_2025_series_code_parses_with_its_series_and_kiosk_digit(unit_id: str) -> None:
    code = format_code(unit_id, date(2026, 12, 2), 3, 41, "AA")
    assert code == f"{unit_id}-261202-AA3041" and re.fullmatch(CODE_PATTERN, code)
    parsed = parse_code(code)
    assert parsed == (unit_id, date(2026, 12, 2), 3, 41, "AA") and parsed.series == "AA" and str(parsed) == code
    assert find_code(f"https://dichvucong.example.vn/tra-cuu/{code.lower()}") == code  # the QR look-up
    assert parse_code(f"{unit_id}-261202-3041").series == ""  # the ordinary code still has none


@pytest.mark.parametrize(
    "text",
    ["H26-261202-A3041", "H26-261202-AAA3041", "H26-261202-Aa3041", "H26-261202-AA0041", "H26-261202-AA304", "H26-261202-1A3041",
     "H26-261202-ĐA3041"],
)
def test_a_malformed_series_is_not_a_code(text: str) -> None:
    assert parse_code(text) is None and not re.fullmatch(CODE_PATTERN, text)


def test_a_series_is_two_capital_letters() -> None:
    assert is_series("AA") and is_series("ZB")
    assert not any(is_series(v) for v in ("", "A", "aa", "AAA", "A1", "ĐA", None))
