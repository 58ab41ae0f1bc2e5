"""What a print of the receipt holds (docs/printing.md): the site's number of copies and their "Liên" labels, two
copies to a sheet, the short tracking address and the result-collection place naming the unit in full."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kiosk.errors import InputError
from kiosk.printed.receipt import (
    DEFAULT_COPIES,
    LAYOUT_2018,
    print_labels,
    result_collection_in_full,
    sample_receipt_2025,
    sheet_pairs,
    short_tracking_address,
)
from kiosk.storage.settings import SiteSettings, settings_from_dict


def test_unmarked_copies_are_the_site_count_and_marked_ones_are_labelled() -> None:
    unmarked = sample_receipt_2025()
    assert print_labels(unmarked, 3) == ("", "", "")
    marked = replace(unmarked, copy_marker=True)
    assert print_labels(marked, 2) == DEFAULT_COPIES
    assert print_labels(marked, 1) == ("Liên 2: Giao người nộp",)  # the one handed over
    assert print_labels(marked, 3) == (*DEFAULT_COPIES, "Liên 3")
    assert print_labels(replace(unmarked, layout_version=LAYOUT_2018), 2) == DEFAULT_COPIES
    with pytest.raises(ValueError):
        print_labels(unmarked, 0)


def test_a_sheet_holds_two_copies_and_a_lone_one_is_doubled() -> None:
    assert sheet_pairs(DEFAULT_COPIES) == (DEFAULT_COPIES,)
    assert sheet_pairs(("",)) == (("", ""),)
    assert sheet_pairs(("a", "b", "c")) == (("a", "b"), ("c", "c"))


def test_the_printed_tracking_address_has_no_token() -> None:
    url = "https://dichvucong.example.gov.vn/tra-cuu/000.31.05.H56-261123-0007?t=2abc"
    assert short_tracking_address(url) == "dichvucong.example.gov.vn/tra-cuu/000.31.05.H56-261123-0007"


@pytest.mark.parametrize(("setting", "printed"), [
    ("Bộ phận tiếp nhận và trả kết quả của UBND xã", "Bộ phận Tiếp nhận và Trả kết quả, UBND xã Tân Hưng"),
    ("Bộ phận Tiếp nhận và Trả kết quả, UBND xã Tân Hưng", "Bộ phận Tiếp nhận và Trả kết quả, UBND xã Tân Hưng"),
    ("Quầy số 2", "Quầy số 2, UBND xã Tân Hưng"),
])
def test_the_result_collection_line_names_the_unit_in_full(setting: str, printed: str) -> None:
    data = replace(sample_receipt_2025(), agency_name="UBND xã Tân Hưng", result_collection=setting)
    assert result_collection_in_full(data) == printed


def test_copies_and_two_up_are_checked_settings() -> None:
    base = {"unit_id": "000.00.07.H26", "unit_name": "UBND xã Bát Tràng", "commune_code": "00583"}
    defaults = SiteSettings()
    assert (defaults.receipt_copies, defaults.receipt_two_up) == (2, False)
    assert settings_from_dict({**base, "receipt_copies": 4, "receipt_two_up": True}).receipt_copies == 4
    with pytest.raises(InputError, match="receipt_copies"):
        settings_from_dict({**base, "receipt_copies": 0})
