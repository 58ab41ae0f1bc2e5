"""The rules behind "stop retyping" (docs/retyping.md): site defaults fill only empty fields; "same as the
submitter" copies the parts both people have; "same address as" lists the addresses already answered; a date
with a 2-digit year is refused with its reason; the new site settings are checked."""

from __future__ import annotations

from datetime import date

import pytest

from forms.catalogue import load_catalogue
from forms.idcard.people import CARD_PAPER
from forms.prefill.defaults import check_ethnicity, ethnicities, site_defaults
from forms.prefill.same_as import address_sources, copied_from_submitter, person_on_page, submitter
from forms.samples import sample_values
from forms.validators import check_date

CATALOGUE = load_catalogue()
ADDRESS = {"line": "Số 3, thôn Giang Cao", "commune_code": "00583", "province_code": "01"}


def test_defaults_fill_every_empty_ethnicity_and_the_registration_place_only() -> None:
    birth = CATALOGUE.in_force("1.001193")
    filled = site_defaults(birth, {"father_ethnicity": "02"}, registration_place="UBND xã Bát Tràng", ethnicity="08")
    assert filled["child_ethnicity"] == "08" and filled["mother_ethnicity"] == "08"
    assert filled["father_ethnicity"] == "02"  # answered: kept
    copy = CATALOGUE.in_force("2.000635")
    assert site_defaults(copy, {}, registration_place="UBND xã Bát Tràng", ethnicity="01")["original_registration_office"] == "UBND xã Bát Tràng"
    typed = {"original_registration_office": "UBND xã Kim Lan"}
    assert site_defaults(copy, typed, registration_place="UBND xã Bát Tràng", ethnicity="01")["original_registration_office"] == "UBND xã Kim Lan"
    assert "original_registration_office" not in site_defaults(copy, {}, registration_place=" ", ethnicity="01")


def test_the_ethnicity_setting_is_a_value_of_the_list() -> None:
    assert ethnicities()["01"] == "Kinh" and ethnicities()["08"] == "Mông"
    assert check_ethnicity("08") is None
    assert "01 = Kinh" in (check_ethnicity("Kinh") or "")


@pytest.mark.parametrize("code", ["1.001193", "1.000656", "1.000894", "1.004859", "1.004873", "2.000635"])
def test_same_as_the_submitter_copies_what_both_people_have(code: str) -> None:
    procedure = CATALOGUE.in_force(code)
    values = sample_values(procedure, seed=1, today=date(2026, 1, 5))
    source = submitter(procedure)
    assert source is not None
    people = [person_on_page(procedure, page.id) for page in procedure.pages]
    others = [p for p in people if p is not None and p.prefix not in ("submitter", "authorised")]
    assert others, code
    for person in others:
        copied = copied_from_submitter(procedure, person, values)
        assert copied[person.fields["name"]] == values[source.fields["name"]]
        assert copied[person.fields["id_number"]] == values[source.fields["id_number"]]
        assert copied[person.fields["residence"]] == values[source.fields["residence"]]
        if "paper_type" in person.fields:
            assert next(iter(copied)) == person.fields["paper_type"] and copied[person.fields["paper_type"]] == CARD_PAPER
        assert ("sex" in person.fields) == (person.fields.get("sex") in copied)
        assert set(copied) <= set(person.fields.values())


def test_nothing_to_copy_from_a_submitter_not_yet_answered() -> None:
    procedure = CATALOGUE.in_force("1.001193")
    mother = person_on_page(procedure, "me")
    assert mother is not None and copied_from_submitter(procedure, mother, {}) == {}
    assert person_on_page(procedure, "nguoi_nop") is None  # the submitter's own page has no button


def test_same_address_lists_the_other_answered_addresses_in_page_order() -> None:
    procedure = CATALOGUE.in_force("1.001193")
    values = {"submitter_address": ADDRESS, "mother_residence": ADDRESS, "father_residence": None}
    sources = address_sources(procedure, "father_residence", values)
    assert [field_id for field_id, _label in sources] == ["submitter_address", "mother_residence"]
    assert sources[1][1].startswith("Thông tin người mẹ")
    assert address_sources(procedure, "mother_residence", {"mother_residence": ADDRESS}) == []


def test_a_two_digit_year_is_refused_with_its_reason() -> None:
    for typed in ("050390", "5/3/90"):
        message = check_date(typed) or ""
        assert "4 chữ số" in message and "05031990" in message
    assert check_date("31/02/2000") == "Ngày không hợp lệ (nhập theo dạng ngày/tháng/năm, ví dụ 25/12/1990)."
