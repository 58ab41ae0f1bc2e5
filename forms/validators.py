"""Field checks for citizen data: each returns None when valid or a short Vietnamese message."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any

from forms.text import canonical_id_number, canonical_phone, fold, national_phone, nfc
from forms.timezone import VN_TZ

# The checks run on every keystroke and later under Hypothesis: none of them may raise,
# whatever the form engine hands them. Anything that is not text or a number is "garbage"
# and gets a plain message instead of an exception.

EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
# Longer inputs are rejected before any parsing: nobody types 1,000 characters into a
# number or date field, and int() refuses strings of more than 4,300 digits anyway.
_MAX_SCALAR_LENGTH = 200

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_VN_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
_TWO_DIGIT_YEAR = re.compile(r"\d{6}|\d{1,2}/\d{1,2}/\d{2}", re.ASCII)  # "050390", "5/3/90": which century?
_DECIMAL = re.compile(r"[+-]?\d+(?:\.\d+)?", re.ASCII)
_DIGITS = re.compile(r"[0-9]+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")

MSG_REQUIRED = "Vui lòng nhập thông tin này."
MSG_INVALID = "Giá trị không hợp lệ."
MSG_BAD_CHARACTER = "Nội dung có ký tự không hợp lệ (không phải chữ Unicode); vui lòng nhập lại."


@cache
def _data(name: str) -> Any:
    """Read a JSON file shipped in forms/data (prefix lists change more often than code)."""
    return json.loads(resources.files("forms").joinpath("data", name).read_text(encoding="utf-8"))


def id_province_prefixes() -> dict[str, str]:
    """Known 3-digit birth-registration province prefixes of the 12-digit ID, with province names."""
    return dict(_data("id_province_prefixes.json")["prefixes"])


def mobile_prefixes() -> tuple[str, ...]:
    """Two-digit prefixes of Vietnamese mobile numbers in national (0…) form."""
    return tuple(_data("phone_prefixes.json")["mobile_prefixes"])


def _is_empty(value: Any) -> bool:
    """None, blank text and empty collections mean "not filled in", so optional fields pass."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, dict, set, frozenset)):
        return len(value) == 0
    return False


def _text(value: Any) -> str | None:
    """Stripped NFC text of a str or int value; None for anything else (bool, float, objects)."""
    if isinstance(value, str):
        return nfc(value).strip()
    if isinstance(value, int) and not isinstance(value, bool):
        if abs(value) >= 10**_MAX_SCALAR_LENGTH:
            return None  # str() of a huge int raises ValueError
        return str(value)
    return None


def _today(today: dt.date | None) -> dt.date:
    """The given date, or today's date in Vietnam (the kiosk's legal time zone)."""
    if isinstance(today, dt.date):
        return today.date() if isinstance(today, dt.datetime) else today
    return dt.datetime.now(VN_TZ).date()


def _fmt_date(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y") if value.year >= 1000 else f"{value.day:02d}/{value.month:02d}/{value.year}"


def _fmt_number(value: int | float | Decimal) -> str:
    """Vietnamese number style: 200.000 and 1,5."""
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if number == number.to_integral_value():
        return f"{int(number):,}".replace(",", ".")
    whole, _, frac = f"{number:f}".partition(".")
    return f"{int(whole):,}".replace(",", ".") + "," + frac.rstrip("0")


_SURROGATE = re.compile(r"[\ud800-\udfff]")
_MAX_NESTING = 10  # an answer nests at most three levels (a group item, an address, an attachment)
_MAX_INT_BITS = 13_000  # about 3,900 digits: json refuses to write integers of more than 4,300


def check_storable(value: Any) -> str | None:
    """An answer the database and the portal can hold: JSON-like data, real Unicode text, sane nesting.

    A lone surrogate (from a "\\ud800" escape in a JSON file) is valid in a Python string but
    cannot be written as UTF-8, so it would fail at the commit instead of under the field.
    Dates and Decimals are accepted as whole answers only: cleaning turns them into text and numbers.
    """
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if item is None or isinstance(item, bool):
            continue
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return MSG_BAD_CHARACTER
        elif isinstance(item, int):
            if item.bit_length() > _MAX_INT_BITS:
                return MSG_INVALID
        elif isinstance(item, float):
            if depth and not math.isfinite(item):
                return MSG_INVALID  # a whole answer of NaN gets the number field's own message
        elif isinstance(item, (list, tuple, dict)):
            if depth >= _MAX_NESTING:
                return MSG_INVALID
            if isinstance(item, dict):
                if not all(isinstance(key, str) for key in item):
                    return MSG_INVALID
                item = [*item.keys(), *item.values()]
            stack.extend((child, depth + 1) for child in item)
        elif depth == 0 and isinstance(item, dt.date):
            continue
        elif depth == 0 and isinstance(item, Decimal):
            if item.is_finite() and item.adjusted() >= 4000:
                return MSG_INVALID
        else:
            return MSG_INVALID
    return None


def check_required(value: Any) -> str | None:
    """A required field must hold something other than blanks or an empty selection."""
    return MSG_REQUIRED if _is_empty(value) else None


def check_length(value: Any, min_length: int | None = None, max_length: int | None = None) -> str | None:
    """Check the number of characters (or of chosen items, for a multi-choice list).

    Text is counted in NFC so a name typed in decomposed form is not counted twice as long.
    """
    if _is_empty(value):
        return None
    if isinstance(value, (list, tuple, set, frozenset)):
        length = len(value)
        unit = "mục"
    else:
        text = _text(value)
        if text is None:
            return MSG_INVALID
        length = len(text)
        unit = "ký tự"
    try:
        if isinstance(min_length, int) and length < min_length:
            return f"Cần ít nhất {min_length} {unit} (hiện có {length})."
        if isinstance(max_length, int) and length > max_length:
            return f"Tối đa {max_length} {unit} (hiện có {length})."
    except ValueError:
        return MSG_INVALID  # a bound of 4,300+ digits from a broken form definition cannot even be printed
    return None


@cache
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except (re.error, TypeError, ValueError, OverflowError, RecursionError):
        return None


def check_pattern(value: Any, pattern: str, message: str | None = None) -> str | None:
    """The whole (stripped) value must match `pattern`; `message` explains the expected form."""
    if _is_empty(value):
        return None
    text = _text(value)
    compiled = _compiled(pattern) if isinstance(pattern, str) else None
    if compiled is None:
        # A broken pattern is a fault of the form definition; the officer cannot fix it,
        # but saying "invalid" beats letting bad data through silently.
        return "Không kiểm tra được định dạng (mẫu trong định nghĩa biểu mẫu bị lỗi)."
    if text is None or compiled.fullmatch(text) is None:
        return message or "Giá trị không đúng định dạng."
    return None


def _to_number(value: Any) -> int | Decimal | None:
    """int/float/numeric text as an exact number; None when it is not a finite number.

    A comma is accepted as the decimal separator (Vietnamese writes 1,5) when there is no dot.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if not isinstance(value, str):
        return None
    text = value.strip().replace(" ", "")
    if len(text) > _MAX_SCALAR_LENGTH:
        return None
    if "," in text and "." not in text and text.count(",") == 1:
        text = text.replace(",", ".")
    if not _DECIMAL.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):
        return None


def check_number(
    value: Any,
    minimum: int | float | None = None,
    maximum: int | float | None = None,
    integer: bool = False,
) -> str | None:
    """A number (int, float or numeric text), optionally whole and within [minimum, maximum]."""
    if _is_empty(value):
        return None
    number = _to_number(value)
    if number is None:
        return "Vui lòng nhập một số."
    if integer and isinstance(number, Decimal) and number != number.to_integral_value():
        return "Vui lòng nhập số nguyên."
    try:
        if minimum is not None and number < minimum:
            return f"Giá trị phải từ {_fmt_number(minimum)} trở lên."
        if maximum is not None and number > maximum:
            return f"Giá trị không được lớn hơn {_fmt_number(maximum)}."
    except (TypeError, ValueError, ArithmeticError):
        return MSG_INVALID  # a non-numeric bound from a broken form definition
    return None


def parse_date(value: Any) -> dt.date | None:
    """A date from a date object, "YYYY-MM-DD" or "dd/mm/yyyy"; None when it is not a real date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or len(value) > _MAX_SCALAR_LENGTH:
        return None
    text = value.strip()
    try:
        if m := _ISO_DATE.fullmatch(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _VN_DATE.fullmatch(text):
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        return None  # 31/02/2000 and friends
    return None


def check_date(
    value: Any,
    *,
    not_future: bool = False,
    min_date: dt.date | str | None = None,
    max_date: dt.date | str | None = None,
    today: dt.date | None = None,
) -> str | None:
    """A real date within a plausible range (1900–2100 unless given), optionally not after today."""
    if _is_empty(value):
        return None
    day = parse_date(value)
    if day is None and isinstance(value, str) and _TWO_DIGIT_YEAR.fullmatch(value.strip()):
        return "Năm phải đủ 4 chữ số (năm 2 chữ số không rõ thế kỷ): gõ 05031990 hoặc 05/03/1990."
    if day is None:
        return "Ngày không hợp lệ (nhập theo dạng ngày/tháng/năm, ví dụ 25/12/1990)."
    if not_future:
        now = _today(today)
        if day > now:
            return f"Ngày không được sau hôm nay ({_fmt_date(now)})."
    low = parse_date(min_date) or EARLIEST_DATE
    high = parse_date(max_date) or LATEST_DATE
    if day < low:
        return f"Ngày không được trước {_fmt_date(low)}."
    if day > high:
        return f"Ngày không được sau {_fmt_date(high)}."
    return None


def _sex_code(sex: Any) -> str | None:
    """'nam' or 'nu' from a choice value or its label (Nam/Nữ); None when unknown."""
    if not isinstance(sex, str) or len(sex) > 20:
        return None
    code = fold(sex)
    return code if code in ("nam", "nu") else None


def check_id_number(
    value: Any,
    *,
    birth_date: dt.date | str | None = None,
    sex: str | None = None,
    today: dt.date | None = None,
) -> str | None:
    """The 12-digit personal ID (PPP G YY NNNNNN), consistent with birth date and sex when given.

    There is no check digit, so the province prefix and the G/YY digits are all a form can
    check; they still catch most typing slips and a swapped person.
    """
    if _is_empty(value):
        return None
    text = _text(value)
    if text is None:
        return "Số định danh không hợp lệ."
    digits = canonical_id_number(text)  # what the cleaner stores: one function decides both (docs/canonical-forms.md)
    if not _DIGITS.fullmatch(digits):
        return "Số định danh chỉ gồm chữ số."
    if len(digits) == 9:
        return ("Chứng minh nhân dân (CMND) 9 số đã hết hạn từ cuối năm 2024; "
                "vui lòng nhập số định danh cá nhân 12 số (số căn cước).")
    if len(digits) != 12:
        return f"Số định danh phải có đúng 12 chữ số (đang có {len(digits)})."
    if digits[:3] not in id_province_prefixes():
        return f"Ba chữ số đầu ({digits[:3]}) không phải mã tỉnh nơi đăng ký khai sinh."
    g = int(digits[3])
    implied_year = 1900 + 100 * (g // 2) + int(digits[4:6])
    want_sex = _sex_code(sex)
    born = parse_date(birth_date)
    if born is not None and born.year != implied_year:
        year = born.year
        hints = []
        if not 1900 <= year <= 2399:
            return f"Số định danh không khớp với năm sinh {year}."
        century = (year - 1900) // 100
        if century != g // 2:
            if want_sex is not None:
                hints.append(f"chữ số thứ 4 phải là {2 * century + (want_sex == 'nu')}")
            else:
                hints.append(f"chữ số thứ 4 phải là {2 * century} hoặc {2 * century + 1}")
        if year % 100 != int(digits[4:6]):
            hints.append(f"chữ số thứ 5–6 phải là {year % 100:02d}")
        return f"Số định danh không khớp với năm sinh {year} ({', '.join(hints)})."
    if implied_year > _today(today).year:
        return (f"Số định danh không hợp lệ: chữ số thứ 4–6 ({digits[3:6]}) "
                f"cho năm sinh {implied_year}, sau năm hiện tại.")
    if want_sex is not None and (g % 2 == 1) != (want_sex == "nu"):
        label = "Nữ" if want_sex == "nu" else "Nam"
        expected = 2 * (g // 2) + (want_sex == "nu")
        return f"Số định danh không khớp với giới tính {label} (chữ số thứ 4 phải là {expected})."
    return None


def check_phone(value: Any) -> str | None:
    """A Vietnamese mobile number: 0 + 9 digits or +84 + 9 digits, on a known mobile prefix."""
    if _is_empty(value):
        return None
    text = _text(value)
    number = national_phone(text) if text is not None and len(text) <= _MAX_SCALAR_LENGTH else None
    if number is None:
        return "Số điện thoại di động phải có 10 chữ số, bắt đầu bằng 0 (hoặc +84 và 9 chữ số)."
    prefixes = mobile_prefixes()
    if not number.startswith(prefixes):
        listed = ", ".join(f"{p}x" for p in prefixes)
        return f"Đầu số {number[:3]} không phải đầu số di động Việt Nam ({listed})."
    return None


def normalise_phone(value: Any) -> str:
    """The number as "0xxxxxxxxx" for storage and the portal (`forms.text.canonical_phone`); unparseable input
    comes back stripped.

    Call it after check_phone passed; returning the input rather than raising keeps a
    half-typed field harmless.
    """
    text = _text(value)
    return canonical_phone(text) if text is not None else ""


def check_email(value: Any) -> str | None:
    """A plausible e-mail address (one @, a dotted domain, no spaces); delivery is not checked."""
    if _is_empty(value):
        return None
    text = _text(value)
    if text is None or len(text) > 254 or not _EMAIL.fullmatch(text):
        return "Địa chỉ email không hợp lệ (ví dụ: ten@example.com)."
    return None
