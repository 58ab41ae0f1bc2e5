"""Answers derived from other answers (docs/retyping.md, "Derived from what was typed"): the child's birth place
from the facility's name, the offices an earlier event may have been registered at, and the requester's
relationship from the submitter's sex."""

from __future__ import annotations

import pytest

from forms.catalogue import load_catalogue
from forms.prefill.birth_place import birth_place_from_facility, communes_named_in, facility_pairs, may_replace
from forms.prefill.offices import is_office_field, old_office_names, office_suggestions
from forms.prefill.requester import guessed_relationship

CATALOGUE = load_catalogue()
BEN_CAT = "25813"  # Phường Bến Cát, Thành phố Hồ Chí Minh (79)


@pytest.mark.parametrize(
    ("facility", "site_province", "expected"),
    [
        ("Trạm y tế phường Bến Cát", "79", "Phường Bến Cát, Thành phố Hồ Chí Minh"),
        ("Trạm y tế phường Bến Cát", "01", "Phường Bến Cát, Thành phố Hồ Chí Minh"),  # one commune of that name
        ("TRAM Y TE PHUONG BEN CAT", None, "Phường Bến Cát, Thành phố Hồ Chí Minh"),  # no accents, any case
        ("Bệnh viện đa khoa xã Tân Uyên", None, "Xã Tân Uyên, Tỉnh Lai Châu"),  # a tỉnh is named in full
        ("Trạm y tế xã Tân Phước 1", None, "Xã Tân Phước 1, Tỉnh Đồng Tháp"),  # the longest name, not "Tân Phước"
        ("Trạm y tế xã Tân Hưng, tỉnh Đồng Nai", "79", "Xã Tân Hưng, Tỉnh Đồng Nai"),  # the facility names its province
    ],
)
def test_a_facility_named_after_a_2025_commune_gives_the_birth_place(facility: str, site_province: str | None, expected: str) -> None:
    assert birth_place_from_facility(facility, site_province) == expected


def test_a_name_several_communes_share_needs_the_sites_province() -> None:
    assert len(communes_named_in("Trạm y tế xã Tân Hưng")) == 4  # four provinces have a Xã Tân Hưng
    assert birth_place_from_facility("Trạm y tế xã Tân Hưng", None) is None
    assert birth_place_from_facility("Trạm y tế xã Tân Hưng", "79") is None  # none of them in Hồ Chí Minh
    assert birth_place_from_facility("Trạm y tế xã Tân Hưng", "80") == "Xã Tân Hưng, Tỉnh Tây Ninh"


@pytest.mark.parametrize(
    "facility",
    [
        "Bệnh viện huyện Bàu Bàng",  # a district: no 2025 unit
        "Bệnh viện Từ Dũ",  # no unit named
        "Bệnh viện Bến Cát",  # a name without its type word is not recognised
        "Trạm y tế thị trấn Lai Uyên",  # an old town
        "",
        None,
    ],
)
def test_no_commune_no_birth_place(facility: str | None) -> None:
    assert birth_place_from_facility(facility, "79") is None


def test_a_birth_before_the_2025_units_keeps_the_units_of_its_day() -> None:
    assert birth_place_from_facility("Trạm y tế phường Bến Cát", "79", "2025-06-30") is None
    assert birth_place_from_facility("Trạm y tế phường Bến Cát", "79", "2025-07-01") == "Phường Bến Cát, Thành phố Hồ Chí Minh"
    assert birth_place_from_facility("Trạm y tế phường Bến Cát", "79", "not a date") is not None


def test_the_birth_place_is_refilled_only_when_empty_or_still_ours() -> None:
    ours = "Phường Bến Cát, Thành phố Hồ Chí Minh"
    assert may_replace(None, None) and may_replace("  ", ours)
    assert may_replace(ours, ours)
    assert not may_replace("Phường Bến Cát", ours)  # the officer edited it
    assert not may_replace(ours, None)  # typed by the officer, even if equal to what the rule would give


def test_facility_and_place_pairs_in_the_procedures() -> None:
    birth = CATALOGUE.in_force("1.001193")
    ids = [f.id for f in birth.top_fields()]
    assert facility_pairs(ids) == [("child_birth_facility", "child_birth_place")]
    assert facility_pairs(["x_birth_facility", "y_birth_place"]) == []


def test_office_suggestions_are_the_site_and_the_communes_merged_into_it() -> None:
    assert office_suggestions(BEN_CAT, "UBND phường Bến Cát") == [
        "UBND phường Bến Cát",
        "UBND xã Tân Hưng, huyện Bàu Bàng, tỉnh Bình Dương",
        "UBND xã Lai Hưng, huyện Bàu Bàng, tỉnh Bình Dương",
        "UBND phường Mỹ Phước, thành phố Bến Cát, tỉnh Bình Dương",
    ]
    assert office_suggestions(BEN_CAT, "")[0] == "UBND phường Bến Cát"  # no unit name: the commune's
    assert "UBND thị trấn Trâu Quỳ, huyện Gia Lâm, thành phố Hà Nội" in old_office_names("00583")
    assert office_suggestions("99999", "") == [] and old_office_names(None) == []


def test_the_office_fields_are_the_text_fields_ending_in_office() -> None:
    found = {f.id for p in CATALOGUE.all_versions() for f in p.top_fields() if is_office_field(f)}
    assert found == {"parents_marriage_office", "original_registration_office"}


def test_the_requester_is_guessed_from_the_submitters_sex_in_a_birth_only() -> None:
    birth = CATALOGUE.in_force("1.001193")
    field = next(f for f in birth.top_fields() if f.id == "requester_relationship")
    assert guessed_relationship(birth, field, {"submitter_sex": "nu"}) == "me"
    assert guessed_relationship(birth, field, {"submitter_sex": "nam"}) == "cha"
    assert guessed_relationship(birth, field, {}) is None  # sex unknown
    assert guessed_relationship(birth, field, {"submitter_sex": "nu", "requester_relationship": "ba"}) is None  # answered
    death = CATALOGUE.in_force("1.000656")  # has "me" too, but a woman filing a death is rarely the mother
    death_field = next(f for f in death.top_fields() if f.id == "requester_relationship")
    assert guessed_relationship(death, death_field, {"submitter_sex": "nu"}) is None
