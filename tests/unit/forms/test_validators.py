"""Tests for forms.validators: ID numbers, phones, dates, numbers, and that no check ever raises."""

import datetime as dt
import json
import math
import unicodedata
from decimal import Decimal
from importlib import resources

import pytest

from forms import validators as v

TODAY = dt.date(2026, 6, 1)


# --- ID numbers -------------------------------------------------------------------------

@pytest.mark.parametrize(
    "number, birth_date, sex",
    [
        ("001090123456", "1990-05-01", "nam"),
        ("079195000123", dt.date(1995, 12, 31), "nu"),
        ("036303001234", "2003-01-15", "nu"),
        ("096201000001", "15/03/2001", "nam"),
        ("001 090 123 456", None, None),
        (" 001090123456 ", "1990-05-01", "Nam"),  # labels as well as choice values
        ("079195000123", None, "Nữ"),
        ("001000000000", "1900-01-01", "nam"),
        ("001326000000", "2026-05-31", "nu"),  # born this year
        ("001090123456", "not a date", None),  # a bad birth date is the date field's problem
        ("001-090-123456", None, None),  # dashes and full-width digits: the canonical form is 001090123456
        ("００１０９０１２３４５６", None, None),
    ],
)
def test_valid_id_numbers(number, birth_date, sex):
    assert v.check_id_number(number, birth_date=birth_date, sex=sex, today=TODAY) is None


@pytest.mark.parametrize(
    "number, birth_date, sex, expected",
    [
        ("00109012345", None, None, "đúng 12 chữ số (đang có 11)"),
        ("0010901234567", None, None, "đúng 12 chữ số (đang có 13)"),
        (1090123456, None, None, "đúng 12 chữ số"),  # an int has lost the leading zeros
        ("00109012345A", None, None, "chỉ gồm chữ số"),
        ("001_090_123456", None, None, "chỉ gồm chữ số"),
        ("001.090.123456", None, None, "chỉ gồm chữ số"),  # a dot is not a separator of an ID number
        ("003090123456", None, None, "Ba chữ số đầu (003)"),
        ("000090123456", None, None, "Ba chữ số đầu (000)"),
        ("097090123456", None, None, "Ba chữ số đầu (097)"),
        ("001090123456", "1991-05-01", None, "năm sinh 1991 (chữ số thứ 5–6 phải là 91)"),
        ("001290123456", "1990-05-01", None, "năm sinh 1990 (chữ số thứ 4 phải là 0 hoặc 1)"),
        ("001290123456", "1990-05-01", "nu", "năm sinh 1990 (chữ số thứ 4 phải là 1)"),
        ("001005123456", dt.date(2005, 1, 1), None, "năm sinh 2005 (chữ số thứ 4 phải là 2 hoặc 3)"),
        ("001091123456", "2005-01-01", None, "chữ số thứ 4 phải là 2 hoặc 3, chữ số thứ 5–6 phải là 05"),
        ("001090123456", None, "nu", "giới tính Nữ (chữ số thứ 4 phải là 1)"),
        ("001190123456", "1990-01-01", "nam", "giới tính Nam (chữ số thứ 4 phải là 0)"),
        ("001303123456", "2003-01-01", "nam", "giới tính Nam (chữ số thứ 4 phải là 2)"),
        ("001230123456", None, None, "năm sinh 2030, sau năm hiện tại"),
        ("001227123456", None, None, "năm sinh 2027, sau năm hiện tại"),
        ("001426000000", None, None, "năm sinh 2126, sau năm hiện tại"),
        ("001990000000", None, None, "năm sinh 2390, sau năm hiện tại"),
    ],
)
def test_invalid_id_numbers(number, birth_date, sex, expected):
    message = v.check_id_number(number, birth_date=birth_date, sex=sex, today=TODAY)
    assert message is not None and expected in message, message


@pytest.mark.parametrize("number", ["123456789", "123 456 789", 123456789])
def test_old_nine_digit_cmnd_is_refused_with_advice(number):
    message = v.check_id_number(number)
    assert "CMND" in message and "hết hạn" in message and "12 số" in message


def test_id_prefixes_are_data_with_63_pre_2025_provinces():
    prefixes = v.id_province_prefixes()
    assert len(prefixes) == 63
    assert prefixes["001"] == "Hà Nội" and prefixes["096"] == "Cà Mau"
    assert all(len(code) == 3 and code.isdigit() for code in prefixes)


# --- phones -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "phone, national",
    [
        ("0912345678", "0912345678"),
        ("091 234 5678", "0912345678"),
        ("091.234.5678", "0912345678"),
        ("091-234-5678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0321234567", "0321234567"),
        ("0561234567", "0561234567"),
        ("0701234567", "0701234567"),
        ("0861234567", "0861234567"),
        (" 0981234567 ", "0981234567"),
    ],
)
def test_valid_phones(phone, national):
    assert v.check_phone(phone) is None
    assert v.normalise_phone(phone) == national


@pytest.mark.parametrize(
    "phone, expected",
    [
        ("0123456789", "Đầu số 012"),
        ("0162345678", "Đầu số 016"),
        ("0212345678", "Đầu số 021"),
        ("0241234567", "Đầu số 024"),
        ("0412345678", "Đầu số 041"),
        ("+84212345678", "Đầu số 021"),
        ("091234567", "10 chữ số"),
        ("09123456789", "10 chữ số"),
        ("01234567890", "10 chữ số"),  # pre-2018 11-digit mobile numbers
        ("+8491234567", "10 chữ số"),
        ("+840912345678", "10 chữ số"),
        ("912345678", "10 chữ số"),
        ("0912345678x", "10 chữ số"),
        ("(091) 234 5678", "10 chữ số"),
        ("không có", "10 chữ số"),
    ],
)
def test_invalid_phones(phone, expected):
    message = v.check_phone(phone)
    assert message is not None and expected in message, message


def test_phone_prefixes_come_from_the_data_file():
    text = resources.files("forms").joinpath("data", "phone_prefixes.json").read_text(encoding="utf-8")
    assert v.mobile_prefixes() == tuple(json.loads(text)["mobile_prefixes"]) == ("03", "05", "07", "08", "09")


@pytest.mark.parametrize("value, expected", [("garbage ", "garbage"), (None, ""), ([1], ""), ("", "")])
def test_normalise_phone_returns_unparseable_input_stripped(value, expected):
    assert v.normalise_phone(value) == expected


# --- dates ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "value, expected",
    [
        (dt.date(2024, 2, 29), dt.date(2024, 2, 29)),
        (dt.datetime(2024, 2, 29, 10, 30), dt.date(2024, 2, 29)),
        ("2024-02-29", dt.date(2024, 2, 29)),
        (" 29/02/2024 ", dt.date(2024, 2, 29)),
        ("1/2/2024", dt.date(2024, 2, 1)),
        ("2023-02-29", None),
        ("31/04/2024", None),
        ("2024-2-1", None),
        ("20240101", None),
        ("2024-W01-1", None),
        ("12/2024", None),
        ("", None),
        (None, None),
        (20240101, None),
    ],
)
def test_parse_date(value, expected):
    assert v.parse_date(value) == expected


@pytest.mark.parametrize(
    "value, kwargs, expected",
    [
        ("2026-06-01", {"not_future": True}, None),  # today itself is fine
        ("2026-06-02", {"not_future": True}, "không được sau hôm nay (01/06/2026)"),
        ("02/06/2026", {"not_future": True}, "không được sau hôm nay"),
        ("2030-01-01", {}, None),  # the future is fine unless asked
        ("1899-12-31", {}, "không được trước 01/01/1900"),
        ("2101-01-01", {}, "không được sau 31/12/2100"),
        ("2100-12-31", {}, None),
        ("2020-01-01", {"min_date": dt.date(2021, 1, 1)}, "không được trước 01/01/2021"),
        ("2020-01-01", {"max_date": "2019-12-31"}, "không được sau 31/12/2019"),
        ("30/02/2020", {}, "Ngày không hợp lệ"),
        ("hôm qua", {}, "Ngày không hợp lệ"),
        ("", {"not_future": True}, None),
        (None, {}, None),
    ],
)
def test_check_date(value, kwargs, expected):
    message = v.check_date(value, today=TODAY, **kwargs)
    if expected is None:
        assert message is None
    else:
        assert message is not None and expected in message, message


def test_check_date_not_future_uses_vietnam_today_by_default():
    assert v.check_date("2999-01-01", not_future=True, max_date="3000-01-01") is not None
    assert v.check_date("2000-01-01", not_future=True) is None


# --- required, length, pattern, number, e-mail ------------------------------------------

@pytest.mark.parametrize("value", [None, "", "   ", "\t\n", [], {}, ()])
def test_required_rejects_empty(value):
    assert v.check_required(value) == v.MSG_REQUIRED


@pytest.mark.parametrize("value", ["a", 0, 0.0, ["x"], {"line": "x"}])
def test_required_accepts_values(value):
    assert v.check_required(value) is None


@pytest.mark.parametrize(
    "value, low, high, expected",
    [
        ("abc", 5, None, "Cần ít nhất 5 ký tự (hiện có 3)"),
        ("abcdef", None, 5, "Tối đa 5 ký tự (hiện có 6)"),
        ("  abc  ", 3, 3, None),
        (unicodedata.normalize("NFD", "Nguyễn"), None, 6, None),  # counted in NFC, not 8 code points
        (["a", "b", "c"], None, 2, "Tối đa 2 mục"),
        (12345, 5, 5, None),
        ("", 5, None, None),
    ],
)
def test_check_length(value, low, high, expected):
    message = v.check_length(value, low, high)
    assert message == expected if expected is None else expected in message


@pytest.mark.parametrize(
    "value, pattern, message, expected",
    [
        ("1234", r"\d{4}", None, None),
        ("12345", r"\d{4}", None, "Giá trị không đúng định dạng."),
        ("a1234", r"\d{4}", "Nhập 4 chữ số.", "Nhập 4 chữ số."),
        (" 1234 ", r"\d{4}", None, None),
        ("", r"\d{4}", None, None),
        ("x", r"(", None, "mẫu trong định nghĩa biểu mẫu bị lỗi"),
    ],
)
def test_check_pattern(value, pattern, message, expected):
    result = v.check_pattern(value, pattern, message)
    assert result == expected if expected is None else expected in result


@pytest.mark.parametrize(
    "value, kwargs, expected",
    [
        ("12", {}, None),
        (12, {"integer": True}, None),
        (1.5, {}, None),
        ("1,5", {}, None),
        ("-3.25", {"minimum": -4}, None),
        ("1.5", {"integer": True}, "số nguyên"),
        ("1,5", {"integer": True}, "số nguyên"),
        ("250000", {"maximum": 200000}, "không được lớn hơn 200.000"),
        ("0", {"minimum": 1}, "phải từ 1 trở lên"),
        (0.5, {"minimum": 1.5}, "phải từ 1,5 trở lên"),
        ("abc", {}, "Vui lòng nhập một số."),
        ("1e5", {}, "Vui lòng nhập một số."),
        ("1.000.000", {}, "Vui lòng nhập một số."),
        (True, {}, "Vui lòng nhập một số."),
        (math.nan, {}, "Vui lòng nhập một số."),
        (math.inf, {}, "Vui lòng nhập một số."),
        ("", {"minimum": 1}, None),
    ],
)
def test_check_number(value, kwargs, expected):
    message = v.check_number(value, **kwargs)
    assert message == expected if expected is None else expected in message


@pytest.mark.parametrize(
    "value, valid",
    [("ten@example.com", True), ("nguyen.van.a@ubnd.hanoi.gov.vn", True), ("a@b", False),
     ("a b@c.vn", False), ("@c.vn", False), ("a@@c.vn", False), ("a@c..vn", False), ("", True)],
)
def test_check_email(value, valid):
    assert (v.check_email(value) is None) is valid


# --- never raise ------------------------------------------------------------------------

class Hostile:
    """An object whose str() and comparisons explode."""

    def __str__(self):
        raise RuntimeError("boom")

    def __eq__(self, other):
        raise RuntimeError("boom")

    __hash__ = object.__hash__


GARBAGE = [
    None, 0, -1, 10**5000, -(10**5000), 1.5, math.nan, math.inf, -math.inf, True, False,
    Decimal("NaN"), b"0912345678", bytearray(b"x"), object(), Hostile(), [1, 2], {"a": 1}, (None,), {1},
    dt.date(2020, 1, 1), dt.datetime(2020, 1, 1), "x" * 100_000, "9" * 10_000, "0" * 5000 + "1",
    "\x00", "\ud800", "١٢٣٤٥٦٧٨٩٠١٢", "٠٩١٢٣٤٥٦٧٨", "+84", "84", "-", ".", "1,", ",5", "9999-99-99",
    "99/99/9999", "0000-01-01", "  \u200b ", "Đ" * 1000, unicodedata.normalize("NFD", "ế" * 500),
]


def _calls(value):
    yield v.check_required, (value,), {}
    yield v.check_length, (value, 1, 10), {}
    yield v.check_pattern, (value, r"\d+", None), {}
    yield v.check_number, (value,), {"minimum": 0, "maximum": 100, "integer": True}
    yield v.parse_date, (value,), {}
    yield v.check_date, (value,), {"not_future": True, "min_date": value, "max_date": value, "today": value}
    yield v.check_id_number, (value,), {"birth_date": value, "sex": value, "today": value}
    yield v.check_id_number, ("001090123456",), {"birth_date": value, "sex": value, "today": value}
    yield v.check_phone, (value,), {}
    yield v.check_email, (value,), {}
    yield v.normalise_phone, (value,), {}


@pytest.mark.parametrize("value", GARBAGE, ids=lambda g: type(g).__name__)
def test_garbage_never_raises(value):
    for func, args, kwargs in _calls(value):
        result = func(*args, **kwargs)
        assert result is None or isinstance(result, (str, dt.date)), (func.__name__, result)
