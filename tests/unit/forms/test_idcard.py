"""forms.idcard.payload: real card payload shapes parse to a checked person; anything else is "not a card", never a raise."""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forms.idcard.payload import (
    MSG_RECEIPT_QR,
    IdCard,
    NotACard,
    describe,
    format_payload,
    name_lacks_diacritics,
    parse_payload,
)
from forms.samples import GIVEN_FEMALE, GIVEN_MALE, HAMLETS, MIDDLE_FEMALE, MIDDLE_MALE, SURNAMES
from forms.validators import check_id_number, id_province_prefixes
from kiosk.printed.token import tracking_url
from property_strategies import HOSTILE

TODAY = dt.date(2026, 6, 1)
OLD_ADDRESS = "Thôn Đông, xã Vũ Hòa, huyện Kiến Xương, tỉnh Thái Bình"  # before July 2025: three levels


def parse(text: object) -> IdCard | NotACard:
    return parse_payload(text, today=TODAY)


def payload(*fields: str) -> str:
    return "|".join(fields)


MOTHER = ("034190001234", "151234567", "Nguyễn Thị Ánh Tuyết", "05031990", "Nữ", OLD_ADDRESS, "20042021")
MOTHER_CARD = IdCard("034190001234", "151234567", "Nguyễn Thị Ánh Tuyết", dt.date(1990, 3, 5), "nu", OLD_ADDRESS, dt.date(2021, 4, 20))


# --- real shapes --------------------------------------------------------------------------------


def test_seven_fields_give_the_whole_person_with_the_old_address_as_printed() -> None:
    card = parse(payload(*MOTHER))
    assert card == MOTHER_CARD
    assert card.sex_label == "Nữ" and "huyện Kiến Xương" in card.residence


def test_six_fields_have_no_issue_date() -> None:
    card = parse(payload(*MOTHER[:6]))
    assert isinstance(card, IdCard)
    assert card.issue_date is None and card.full_name == "Nguyễn Thị Ánh Tuyết"


def test_eight_fields_ignore_the_extra() -> None:
    assert parse(payload(*MOTHER, "anything the card adds")) == MOTHER_CARD
    assert parse(payload(*MOTHER, "")) == MOTHER_CARD  # a trailing separator


def test_empty_old_number_is_an_empty_string() -> None:
    card = parse(payload(MOTHER[0], "", *MOTHER[2:]))
    assert isinstance(card, IdCard) and card.old_number == ""


def test_layout_without_the_old_number_slot_is_recognised() -> None:
    card = parse(payload(MOTHER[0], *MOTHER[2:]))  # number|name|birth|sex|residence|issue
    assert isinstance(card, IdCard)
    assert (card.old_number, card.full_name, card.issue_date) == ("", "Nguyễn Thị Ánh Tuyết", dt.date(2021, 4, 20))


@pytest.mark.parametrize("around", ["{}\r\n", "{}\n", "{}\r", "  {}\t\r\n", "\ufeff{}\r\n"])
def test_scanner_line_endings_and_surrounding_whitespace_are_dropped(around: str) -> None:
    assert parse(around.format(payload(*MOTHER))) == MOTHER_CARD


def test_nfd_name_is_stored_in_nfc() -> None:
    nfd = unicodedata.normalize("NFD", payload(*MOTHER))
    assert nfd != payload(*MOTHER)
    card = parse(nfd)
    assert card == MOTHER_CARD
    assert unicodedata.is_normalized("NFC", card.full_name) and unicodedata.is_normalized("NFC", card.residence)


def test_bytes_from_a_serial_port_are_read_as_utf8() -> None:
    assert parse((payload(*MOTHER) + "\r\n").encode("utf-8")) == MOTHER_CARD


@pytest.mark.parametrize(
    "birth, sex, expected",
    [
        ("05032000", "Nữ", "chữ số thứ 4 phải là 3"),  # born in 2000 but the number says the 1900s
        ("05031991", "Nữ", "chữ số thứ 5–6 phải là 91"),
        ("05031990", "Nam", "giới tính Nam"),  # the sex digit says female
    ],
)
def test_birth_date_or_sex_contradicting_the_number_is_not_a_card(birth: str, sex: str, expected: str) -> None:
    result = parse(payload(MOTHER[0], MOTHER[1], MOTHER[2], birth, sex, *MOTHER[5:]))
    assert isinstance(result, NotACard) and result.looks_like_a_card
    problems = dict(result.problems)
    assert list(problems) == ["number"] and expected in problems["number"]


@pytest.mark.parametrize(
    "index, value, field",
    [
        (0, "999190001234", "number"),  # unknown province prefix
        (0, "03419000123", "number"),
        (1, "12345", "old_number"),
        (2, "Nguyễn Thị 4nh", "full_name"),
        (2, "", "full_name"),
        (3, "31022000", "birth_date"),
        (3, "1990-03-05", "birth_date"),
        (3, "05032030", "birth_date"),  # in the future
        (4, "Khác", "sex"),
        (5, "", "residence"),
        (6, "01011980", "issue_date"),  # issued before birth
        (6, "2021", "issue_date"),
    ],
)
def test_a_field_failing_its_check_rejects_the_whole_card(index: int, value: str, field: str) -> None:
    fields = list(MOTHER)
    fields[index] = value
    result = parse(payload(*fields))
    assert isinstance(result, NotACard)
    assert field in dict(result.problems)
    assert describe(result)["ok"] is False and field in describe(result)["problems"]


def test_receipt_tracking_qr_is_named_as_such() -> None:
    url = tracking_url("https://dichvucong.thaibinh.gov.vn", "000.00.07.H26-260601-1001", "AbC-dEf_123")
    result = parse(url)
    assert isinstance(result, NotACard) and result.message == MSG_RECEIPT_QR and not result.problems


@pytest.mark.parametrize(
    "text",
    [*HOSTILE, "", "|", "||||||", "a|b|c", "hello world", "001090123456", None, 42, 3.5, b"\xff\xfe|", ["a"] * 7, "x|" * 5000],
)
def test_garbage_is_not_a_card(text: object) -> None:
    result = parse(text)
    assert isinstance(result, NotACard) and result.message


def test_keyboard_mode_scanner_without_diacritics_still_parses_and_flags_the_name() -> None:
    card = parse("034190001234||Nguyen Thi Anh Tuyet|05031990|Nu|Thon Dong, xa Vu Hoa, tinh Thai Binh|20042021\r\n")
    assert isinstance(card, IdCard) and card.sex == "nu"
    assert name_lacks_diacritics(card.full_name) and describe(card)["name_lacks_diacritics"] is True


@pytest.mark.parametrize(
    "name, flagged",
    [("Nguyen Van An", True), ("NGUYEN VAN AN", True), ("Nguyễn Văn An", False), ("Đinh La Thang", False), ("", False), ("H'Hen Nie", True)],
)
def test_name_lacks_diacritics(name: str, flagged: bool) -> None:
    assert name_lacks_diacritics(name) is flagged


def test_the_payload_is_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="forms.idcard.payload")
    for text in (payload(*MOTHER), payload(MOTHER[0], "", MOTHER[2], "05032000", *MOTHER[4:])):
        parse(text)
    for secret in (MOTHER[0], MOTHER[1], "Tuyết", "Kiến Xương"):
        assert secret not in caplog.text


# --- properties ---------------------------------------------------------------------------------

_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
_ADDRESS_TEXT = st.text(alphabet=_LETTERS + _LETTERS.upper() + "0123456789 ,./-", min_size=1, max_size=120)


@st.composite
def cards(draw: st.DrawFn) -> IdCard:
    """A valid card: the number's province prefix, century/sex digit and year agree with the person."""
    sex = draw(st.sampled_from(["nam", "nu"]))
    birth = draw(st.dates(dt.date(1900, 1, 1), TODAY))
    prefix = draw(st.sampled_from(sorted(id_province_prefixes())))
    century_digit = 2 * (birth.year // 100 - 19) + (sex == "nu")
    number = f"{prefix}{century_digit}{birth.year % 100:02d}{draw(st.integers(0, 999_999)):06d}"
    female = sex == "nu"
    words = [draw(st.sampled_from(SURNAMES)), draw(st.sampled_from(MIDDLE_FEMALE if female else MIDDLE_MALE))]
    words += draw(st.lists(st.sampled_from(GIVEN_FEMALE if female else GIVEN_MALE), min_size=1, max_size=2))
    residence = " ".join(f"{draw(st.sampled_from(HAMLETS))}, {draw(_ADDRESS_TEXT)}".split())
    old_number = draw(st.sampled_from(["", "9", "12"]))
    old_number = "".join(draw(st.sampled_from("0123456789")) for _ in range(int(old_number))) if old_number else ""
    issue = draw(st.none() | st.dates(birth, TODAY))
    return IdCard(number, old_number, " ".join(words), birth, sex, residence, issue)


@settings(max_examples=300, deadline=None)
@given(cards())
def test_round_trip_any_valid_card(card: IdCard) -> None:
    assert check_id_number(card.number, birth_date=card.birth_date, sex=card.sex, today=TODAY) is None
    text = format_payload(card)
    assert parse(text) == card
    assert parse(text + "\r\n") == card


def _is_whole(card: IdCard) -> None:
    """A returned person has every field, each passing the checks a typed one would."""
    assert check_id_number(card.number, birth_date=card.birth_date, sex=card.sex, today=TODAY) is None
    assert card.full_name and card.residence and card.sex in ("nam", "nu")
    assert isinstance(card.birth_date, dt.date) and card.birth_date <= TODAY
    assert card.issue_date is None or card.birth_date <= card.issue_date <= TODAY
    assert card.old_number == "" or (card.old_number.isdigit() and len(card.old_number) in (9, 12))


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=400), st.binary(max_size=200), st.lists(st.text(max_size=30), max_size=10).map("|".join)))
def test_random_text_never_raises_nor_returns_half_a_person(text: object) -> None:
    result = parse(text)
    assert isinstance(result, (IdCard, NotACard))
    if isinstance(result, IdCard):
        _is_whole(result)
    else:
        assert result.message


@settings(max_examples=300, deadline=None)
@given(cards(), st.integers(0, 7), st.text(max_size=40))
def test_one_field_replaced_by_noise_gives_a_whole_card_or_none(card: IdCard, index: int, noise: str) -> None:
    fields = format_payload(card).split("|")
    fields[index % len(fields)] = noise
    result = parse("|".join(fields))
    assert isinstance(result, (IdCard, NotACard))
    if isinstance(result, IdCard):
        _is_whole(result)
