"""The chip ID card's QR payload: parse it into a checked person, or say in Vietnamese why it is not a card.

The QR on a căn cước card is `|`-separated text (docs/id-card.md, ../shared/DOMAIN.md "ID-card QR"):
`number|old number|full name|DDMMYYYY birth|Nam/Nữ|residence|DDMMYYYY issue`. It is not signed, so a parsed
card only pre-fills a form; every field still goes through the same validators as a typed one. Parsing
never raises and never returns a half-parsed person: the result is a whole `IdCard` or a `NotACard`.
Nothing here logs the payload (at most its field count): it is a person's identity in one string.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from forms.codes import find_code
from forms.text import fold, nfc
from forms.validators import (
    check_date,
    check_id_number,
    check_length,
    check_pattern,
    check_required,
    check_storable,
    parse_date,
)

log = logging.getLogger(__name__)

SEPARATOR = "|"
MIN_FIELDS = 6
# A card's payload is about 150 characters; a residence line is at most a few hundred. Anything far longer is
# not a card, and refusing it before splitting keeps a pasted file from costing anything.
MAX_PAYLOAD_LENGTH = 2000
MAX_RESIDENCE_LENGTH = 500

SEX_LABELS = {"nam": "Nam", "nu": "Nữ"}  # the forms' choice values (forms/common/contact.json) and the card's words
FIELD_LABELS = {
    "number": "Số định danh cá nhân",
    "old_number": "Số CMND cũ",
    "full_name": "Họ, chữ đệm và tên",
    "birth_date": "Ngày sinh",
    "sex": "Giới tính",
    "residence": "Nơi thường trú",
    "issue_date": "Ngày cấp",
}

MSG_NOT_A_CARD = "Đây không phải mã QR trên thẻ căn cước (cần các trường cách nhau bởi dấu |)."
MSG_RECEIPT_QR = "Đây là mã QR tra cứu hồ sơ trên giấy hẹn, không phải mã QR trên thẻ căn cước."
MSG_TOO_FEW = "Mã QR thẻ căn cước phải có ít nhất 6 trường cách nhau bởi dấu | (đọc được {count}); hãy quét lại."
MSG_TOO_LONG = "Nội dung quá dài, không phải mã QR trên thẻ căn cước."
MSG_CONTROL = "Mã QR có ký tự điều khiển giữa các trường; hãy quét lại (máy quét có thể đang gửi sai)."
MSG_FIELDS = "Mã QR thẻ căn cước có trường không hợp lệ; hãy quét lại hoặc nhập tay và đối chiếu với thẻ."

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_EIGHT_DIGITS = re.compile(r"[0-9]{8}", re.ASCII)
_OLD_NUMBER = re.compile(r"(?:[0-9]{9}|[0-9]{12})", re.ASCII)
# What scanners put around the payload: CR/LF (the keyboard-mode "Enter"), tabs, spaces and a UTF-8 BOM.
_SURROUNDING = " \t\r\n\ufeff\x00"


@dataclass(frozen=True)
class IdCard:
    """A person as the card's QR states them, every field checked; only pre-fills, the officer compares."""

    number: str  # 12 digits
    old_number: str  # the old CMND number (9 or 12 digits) or ""; dropped unless a form asks for it
    full_name: str  # NFC, single-spaced
    birth_date: dt.date
    sex: str  # the forms' choice value: "nam" or "nu"
    residence: str  # as printed: cards before July 2025 carry the old commune, district, province
    issue_date: dt.date | None  # None on the six-field variant; dropped unless a form asks for it

    @property
    def sex_label(self) -> str:
        return SEX_LABELS[self.sex]


@dataclass(frozen=True)
class NotACard:
    """Why a text is not a usable card: a Vietnamese message, and per field what is wrong (never a person)."""

    message: str
    field_count: int = 0
    problems: tuple[tuple[str, str], ...] = ()  # (IdCard attribute, Vietnamese message)

    @property
    def looks_like_a_card(self) -> bool:
        """The text has a card's shape but a field failed its check: "scan again", not "wrong code"."""
        return bool(self.problems)


def format_payload(card: IdCard) -> str:
    """The payload a card of the common seven-field layout carries for `card` (tests, the demo, the round trip)."""
    issue = card.issue_date.strftime("%d%m%Y") if card.issue_date else ""
    fields = [card.number, card.old_number, card.full_name, _ddmmyyyy(card.birth_date), card.sex_label, card.residence, issue]
    return SEPARATOR.join(fields)


def _ddmmyyyy(day: dt.date) -> str:
    return f"{day.day:02d}{day.month:02d}{day.year:04d}"


def parse_payload(text: Any, *, today: dt.date | None = None) -> IdCard | NotACard:
    """An `IdCard` when `text` is a card's QR payload whose every field passes its check, else a `NotACard`.

    Tolerant where real cards and scanners differ: surrounding whitespace, CR/LF and BOM are dropped, text is
    NFC-normalised, 6 to 8 (or more) fields are accepted with extras ignored, and a layout without the
    old-number slot (`number|name|birth|sex|residence|issue`) is recognised. Strict on content: a field that
    fails its validator rejects the whole card, since a pre-fill with one wrong field is worse than a rescan.
    """
    try:
        return _parse(text, today)
    except Exception as exc:  # noqa: BLE001 - the promise is "never raises"; a bug here must not take the counter down
        # No traceback and no exception text: either could quote the payload.
        log.error("id card payload could not be parsed: a bug (%s); the payload is not logged", type(exc).__name__)
        return NotACard(MSG_NOT_A_CARD)


def _parse(text: Any, today: dt.date | None) -> IdCard | NotACard:
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError:
            return NotACard(MSG_NOT_A_CARD)
    if not isinstance(text, str):
        return NotACard(MSG_NOT_A_CARD)
    if len(text) > MAX_PAYLOAD_LENGTH:
        return NotACard(MSG_TOO_LONG)
    if check_storable(text) is not None:  # lone surrogates: not text a scanner sends
        return NotACard(MSG_NOT_A_CARD)
    body = nfc(text).strip(_SURROUNDING)
    if SEPARATOR not in body:
        return NotACard(MSG_RECEIPT_QR if find_code(body) else MSG_NOT_A_CARD)
    fields = [field.strip() for field in body.split(SEPARATOR)]
    count = len(fields)
    log.debug("id card payload with %d fields", count)
    if count < MIN_FIELDS:
        return NotACard(MSG_TOO_FEW.format(count=count), count)
    if any(_CONTROL.search(field) for field in fields):
        return NotACard(MSG_CONTROL, count)
    if fields[1] and not fields[1].isdigit() and _EIGHT_DIGITS.fullmatch(fields[2]):
        # The layout without the old-number slot: the name sits where the old number would be.
        fields.insert(1, "")
    return _checked(fields, count, today)


def _checked(fields: list[str], count: int, today: dt.date | None) -> IdCard | NotACard:
    number, old_number, name, birth_text, sex_text, residence = fields[:6]
    issue_text = fields[6] if len(fields) > 6 else ""
    name = " ".join(name.split())
    residence = " ".join(residence.split())
    problems: dict[str, str] = {}

    birth = _card_date(birth_text)
    if birth is None:
        problems["birth_date"] = _date_problem(birth_text)
    elif message := check_date(birth, not_future=True, today=today):
        problems["birth_date"] = message
    sex = _sex(sex_text)
    if sex is None:
        problems["sex"] = f"Giới tính phải là Nam hoặc Nữ (đọc được {sex_text[:20]!r})." if sex_text else "Thiếu giới tính."
    number = "".join(number.split())
    id_message = check_required(number) or check_id_number(
        number, birth_date=birth if "birth_date" not in problems else None, sex=sex, today=today
    )
    if id_message:
        problems["number"] = id_message
    if old_number and not _OLD_NUMBER.fullmatch(old_number):
        problems["old_number"] = "Số CMND cũ phải có 9 hoặc 12 chữ số (hoặc để trống)."
    if message := _name_problem(name):
        problems["full_name"] = message
    if message := check_required(residence) or check_length(residence, max_length=MAX_RESIDENCE_LENGTH):
        problems["residence"] = message
    issue: dt.date | None = None
    if issue_text:
        issue = _card_date(issue_text)
        if issue is None:
            problems["issue_date"] = _date_problem(issue_text)
        elif message := check_date(issue, not_future=True, min_date=birth, today=today):
            problems["issue_date"] = message
    if problems:
        ordered = tuple((key, problems[key]) for key in FIELD_LABELS if key in problems)
        return NotACard(MSG_FIELDS, count, ordered)
    assert birth is not None and sex is not None  # no problem recorded means both parsed
    return IdCard(number, old_number, name, birth, sex, residence, issue)


def _card_date(text: str) -> dt.date | None:
    """DDMMYYYY as printed in the QR; the validators' parser does the calendar (31/02 is no date)."""
    if not _EIGHT_DIGITS.fullmatch(text):
        return None
    return parse_date(f"{text[:2]}/{text[2:4]}/{text[4:]}")


def _date_problem(text: str) -> str:
    if not text:
        return "Thiếu ngày."
    return "Ngày trong mã QR phải có dạng ngàythángnăm 8 chữ số (ví dụ 25121990) và là ngày có thật."


def _sex(text: str) -> str | None:
    """'nam' or 'nu' from Nam/Nữ, in any case and also without the diacritic a keyboard-mode scanner drops."""
    code = fold(text) if len(text) <= 20 else ""
    return code if code in SEX_LABELS else None


@cache
def _name_rule() -> tuple[str, str, int]:
    """The name pattern, its message and the maximum length, read from the submitter's field of the shared
    contact block, so a name from a card passes exactly the check a typed name does."""
    doc = json.loads(resources.files("forms").joinpath("common", "contact.json").read_text(encoding="utf-8"))
    for page in doc["pages"]:
        for field in page["fields"]:
            if field["id"] == "submitter_name":
                return field["pattern"], field["pattern_message"], int(field["max_length"])
    raise LookupError("forms/common/contact.json has no submitter_name field")


def _name_problem(name: str) -> str | None:
    pattern, message, max_length = _name_rule()
    return check_required(name) or check_length(name, max_length=max_length) or check_pattern(name, pattern, message)


def name_lacks_diacritics(name: str) -> bool:
    """True when a name that should plausibly carry Vietnamese marks arrived without any (pure ASCII letters).

    A scanner in keyboard mode cannot type "ễ" (Windows needs Alt+numpad, and Unikey/IBus rewrite what it types),
    so "Nguyen Van An" is what arrives for "Nguyễn Văn An". Almost every Vietnamese full name carries a mark
    (Văn, Thị and most surnames do), so an all-ASCII name is flagged for the officer to retype from the card;
    the rare real unmarked name costs one confirmation. "Đ" is not ASCII, so a name with it is never flagged.
    """
    if not isinstance(name, str):
        return False
    letters = [ch for ch in name if ch.isalpha()]
    return bool(letters) and all(ch.isascii() for ch in letters)


def describe(result: IdCard | NotACard) -> dict[str, Any]:
    """A JSON-ready description (the CLI's --json, tests): the card's fields, or the reason and field problems."""
    if isinstance(result, IdCard):
        return {
            "ok": True,
            "number": result.number,
            "old_number": result.old_number,
            "full_name": result.full_name,
            "birth_date": result.birth_date.isoformat(),
            "sex": result.sex,
            "sex_label": result.sex_label,
            "residence": result.residence,
            "issue_date": result.issue_date.isoformat() if result.issue_date else None,
            "name_lacks_diacritics": name_lacks_diacritics(result.full_name),
        }
    return {
        "ok": False,
        "error": result.message,
        "field_count": result.field_count,
        "problems": {key: message for key, message in result.problems},
    }
