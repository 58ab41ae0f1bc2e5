"""Tests for forms.geo over the 2025 administrative units (34 provinces, 3,321 communes)."""

import dataclasses
import time

import pytest

from forms import geo
from forms.text import sort_key


def test_counts_match_the_2025_reform():
    provinces = geo.provinces()
    assert len(provinces) == 34
    assert sum(len(geo.communes(p.code)) for p in provinces) == 3321


def test_codes_are_zero_padded_strings():
    for p in geo.provinces():
        assert isinstance(p.code, str) and len(p.code) == 2 and p.code.isdigit()
        for c in geo.communes(p.code):
            assert len(c.code) == 5 and c.code.isdigit() and c.province_code == p.code


def test_known_units():
    assert geo.province("01") == geo.Province("01", "Thành phố Hà Nội")
    assert geo.province("79").name == "Thành phố Hồ Chí Minh"
    assert geo.commune("00070") == geo.Commune("00070", "Phường Hoàn Kiếm", "01")


@pytest.mark.parametrize("code", ["70", 70, " 00070 "])
def test_commune_lookup_accepts_unpadded_codes(code):
    assert geo.commune(code).name == "Phường Hoàn Kiếm"


@pytest.mark.parametrize("code", ["1", 1, "01"])
def test_province_lookup_accepts_unpadded_codes(code):
    assert geo.province(code).code == "01"


@pytest.mark.parametrize("code", [None, "", "99", "abc", "001", -1, 1.0, True, [], "٠١"])
def test_unknown_codes_give_none_or_empty(code):
    assert geo.province(code) is None
    assert geo.communes(code) == []
    assert geo.commune(code) is None


def test_dataclasses_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        geo.province("01").name = "x"


def test_provinces_sorted_in_vietnamese_order_ignoring_thanh_pho():
    names = [p.name for p in geo.provinces()]
    assert names[0] == "An Giang"
    assert names.index("Thành phố Hà Nội") < names.index("Hà Tĩnh") < names.index("Hưng Yên")
    assert names.index("Cao Bằng") < names.index("Thành phố Cần Thơ") < names.index("Thành phố Đà Nẵng")
    assert names[-1] == "Vĩnh Long"


def test_communes_sorted_by_name_without_unit_type():
    names = [c.name for c in geo.communes("01")]
    bare = [n.split(" ", 1)[1] for n in names]
    assert bare == sorted(bare, key=sort_key)


def test_names_have_no_doubled_spaces():
    # The package spells a few names "Xã  Phú Hữu"; receipts must not inherit that.
    for p in geo.provinces():
        for c in geo.communes(p.code):
            assert "  " not in c.name and c.name == c.name.strip()


def test_lookups_are_fast_after_first_call():
    geo.provinces()
    start = time.perf_counter()
    for _ in range(1000):
        geo.commune("00070")
        geo.province("01")
    geo.communes("79")
    assert time.perf_counter() - start < 0.5


def test_returned_lists_are_copies():
    geo.provinces().clear()
    geo.communes("01").clear()
    assert len(geo.provinces()) == 34 and geo.communes("01")


def test_format_address():
    address = {"line": " Số 1  Tràng Tiền ", "commune_code": "00070", "province_code": "01"}
    assert geo.format_address(address) == "Số 1 Tràng Tiền, Phường Hoàn Kiếm, Thành phố Hà Nội"


@pytest.mark.parametrize(
    "value, expected",
    [
        ({"line": "Thôn 3", "province_code": "01"}, "Thôn 3, Thành phố Hà Nội"),
        ({"line": "", "commune_code": "00070", "province_code": "01"}, "Phường Hoàn Kiếm, Thành phố Hà Nội"),
        ({"line": "Thôn 3", "commune_code": "99999"}, "Thôn 3"),
        ({}, ""),
        ("not a dict", ""),
        (None, ""),
    ],
)
def test_format_address_skips_missing_parts(value, expected):
    assert geo.format_address(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, None),
        ({}, None),
        ({"line": " ", "commune_code": "", "province_code": None}, None),
        ({"line": "Số 1", "commune_code": "00070", "province_code": "01"}, None),
        ({"line": "Số 1", "commune_code": 70, "province_code": 1}, None),
        ({"line": "", "commune_code": "00070", "province_code": "01"}, "Vui lòng nhập số nhà"),
        ({"line": "Số 1", "commune_code": "00070"}, "Vui lòng chọn tỉnh"),
        ({"line": "Số 1", "province_code": "01"}, "Vui lòng chọn xã"),
        ({"line": "Số 1", "commune_code": "00070", "province_code": "99"}, "Tỉnh, thành phố không hợp lệ"),
        ({"line": "Số 1", "commune_code": "99999", "province_code": "01"}, "Xã, phường không hợp lệ"),
        ({"line": "Số 1", "commune_code": "00070", "province_code": "79"},
         "Phường Hoàn Kiếm không thuộc Thành phố Hồ Chí Minh"),
        ({"line": 5, "commune_code": "00070", "province_code": "01"}, "Vui lòng nhập số nhà"),
        ("Hà Nội", "Địa chỉ không hợp lệ"),
        ([1], "Địa chỉ không hợp lệ"),
    ],
)
def test_check_address(value, expected):
    message = geo.check_address(value)
    assert message == expected if expected is None else expected in message
