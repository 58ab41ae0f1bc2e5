"""forms.idcard.people: every shipped procedure's people are found, and a card's answers pass the form's own checks."""

from __future__ import annotations

from datetime import date

import pytest

from forms import formengine
from forms.catalogue import load_catalogue
from forms.idcard.address import map_old_address
from forms.idcard.payload import IdCard
from forms.idcard.people import card_answers, card_people, conflicts

CATALOGUE = load_catalogue()
MOTHER = IdCard(
    number="034190001234", old_number="151234567", full_name="Nguyễn Thị Ánh Tuyết", birth_date=date(1990, 3, 5),
    sex="nu", residence="Thôn 3, Xã Ea Tu, Thành phố Buôn Ma Thuột, Đắk Lắk", issue_date=date(2021, 4, 20),
)
PEOPLE = {
    "1.001193": ["Người nộp hồ sơ", "Cách nộp hồ sơ", "Thông tin người mẹ", "Thông tin người cha"],
    "1.000656": ["Người nộp hồ sơ", "Cách nộp hồ sơ", "Người đã chết"],
    "1.000894": ["Người nộp hồ sơ", "Cách nộp hồ sơ", "Bên nữ", "Bên nam"],
}


@pytest.mark.parametrize("procedure", CATALOGUE.latest(), ids=lambda p: p.code)
def test_every_person_of_every_procedure_has_a_name_and_a_number(procedure) -> None:
    people = card_people(procedure)
    assert people and people[0].prefix == "submitter"
    for person in people:
        assert {"name", "id_number"} <= set(person.fields)
        assert all(procedure.field(f) is not None for f in person.field_ids)
    if procedure.code in PEOPLE:
        assert [p.label for p in people] == PEOPLE[procedure.code]


def test_a_card_fills_the_mother_with_answers_the_form_accepts() -> None:
    procedure = CATALOGUE.get("1.001193")
    mother = next(p for p in card_people(procedure) if p.prefix == "mother")
    residence = map_old_address(MOTHER.residence).answer()
    answers = card_answers(mother, MOTHER, residence)
    assert answers == {
        "mother_full_name": "Nguyễn Thị Ánh Tuyết", "mother_id_number": "034190001234", "mother_birth_date": "1990-03-05",
        "mother_residence": residence, "mother_id_paper_type": "can_cuoc", "mother_nationality": "VN",
        "mother_id_paper_issue_date": "2021-04-20",  # the form asks for the paper's date of issue: kept
    }  # no sex field for the mother; the old number is not asked: dropped
    for field_id in answers:
        assert formengine.field_error(procedure, field_id, answers, today=date(2026, 12, 6)) is None, field_id


def test_an_unsettled_address_is_left_for_the_officer() -> None:
    submitter = card_people(CATALOGUE.get("1.004873"))[0]
    answers = card_answers(submitter, MOTHER, None)
    assert "submitter_address" not in answers and answers["submitter_sex"] == "nu"
    assert not any("issue" in f or "old" in f for f in answers)  # the submitter's block asks for neither


def test_conflicts_are_only_different_answers_already_typed() -> None:
    card = {"a_full_name": "Nguyễn Thị Ánh Tuyết", "a_id_number": "034190001234", "a_birth_date": "1990-03-05"}
    typed = {"a_full_name": "nguyễn  thị ánh tuyết", "a_id_number": "034190009999", "a_birth_date": ""}
    assert conflicts(typed, card) == {"a_id_number": ("034190009999", "034190001234")}
