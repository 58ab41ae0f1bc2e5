"""Fee tables and the fee computation; amounts below are computed by hand from the rules, not with the code."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from forms.fees import NO_TABLE, FeeInputError, check_table, compute_fee, load_fee_tables

RECEIVED = date(2027, 1, 4)


@pytest.fixture(scope="module")
def tables():
    found = load_fee_tables()
    assert found.errors == ()
    return found


def originals(*items: tuple[int, int]) -> dict:
    return {"originals": [{"original_document_name": "Bằng", "original_page_count": p, "original_copy_count": c} for p, c in items]}


@pytest.mark.parametrize(("pages", "copies", "expected"), [
    (1, 3, 6_000),  # 2,000 × 1 page, × 3 copies
    (3, 1, 5_000),  # 2,000 × 2 + 1,000 × 1
    (300, 1, 200_000),  # 4,000 + 298,000 = 302,000, capped at 200,000 a copy
    (300, 2, 400_000),  # the cap is per copy: 2 × 200,000
])
def test_certified_copy_fee(tables, pages, copies, expected) -> None:
    result = compute_fee(tables, "2.000815", originals((pages, copies)), RECEIVED, "01")
    assert result.amount_vnd == expected
    assert result.table == "national" and result.legal_source == "Thông tư 226/2016/TT-BTC"


def test_certified_copy_lines_and_brief(tables) -> None:
    result = compute_fee(tables, "2.000815", originals((1, 3), (3, 1)), RECEIVED, "01")
    assert result.amount_vnd == 11_000
    assert result.detail == "3 bản × 2.000 đồng + 1 bản × 5.000 đồng"
    assert result.lines[0] == "Bản chính 1: 1 trang × 2.000 đồng = 2.000 đồng; 3 bản × 2.000 đồng = 6.000 đồng"
    assert result.lines[-1] == "Tổng: 11.000 đồng (Thông tư 226/2016/TT-BTC)"


def test_extract_copy_is_per_copy(tables) -> None:
    result = compute_fee(tables, "2.000635", {"copies_count": 3}, RECEIVED, "01")
    assert result.amount_vnd == 24_000 and result.detail == "3 bản × 8.000 đồng"


def test_on_time_birth_registration_is_free_and_late_has_no_amount_in_ha_noi(tables) -> None:
    on_time = compute_fee(tables, "1.001193", {"child_birth_date": "2026-12-01"}, RECEIVED, "01")  # 34 days
    assert on_time.amount_vnd == 0 and on_time.exemption.id == "khai_sinh_dung_han" and on_time.summary.startswith("Miễn (")
    late = compute_fee(tables, "1.001193", {"child_birth_date": "2026-09-01"}, RECEIVED, "01")  # 125 days
    assert late.amount_vnd is None and late.exemption is None and late.summary == NO_TABLE == "Chưa có biểu phí"


def test_a_ticked_exemption_is_free_and_brings_its_proof(tables) -> None:
    result = compute_fee(tables, "1.004873", {}, RECEIVED, "01", ["ho_ngheo"])
    assert result.amount_vnd == 0 and result.exemption.id == "ho_ngheo"
    assert result.proof_items == ("Giấy chứng nhận hộ nghèo",)
    assert result.exemption.legal_source == "Luật Hộ tịch 2014, Điều 11 khoản 1 điểm a"
    assert {e.id for e in result.offered} == {"ho_ngheo", "nguoi_khuyet_tat", "gia_dinh_co_cong"}
    with pytest.raises(FeeInputError, match="khong_co"):
        compute_fee(tables, "1.004873", {}, RECEIVED, "01", ["khong_co"])
    with pytest.raises(FeeInputError):  # an automatic exemption is never ticked
        compute_fee(tables, "1.001193", {}, RECEIVED, "01", ["khai_sinh_dung_han"])


def test_a_province_without_an_amount_says_so(tables) -> None:
    result = compute_fee(tables, "1.004873", {}, RECEIVED, "01")
    assert result.amount_vnd is None and result.summary == "Chưa có biểu phí" and result.table is None
    assert "Chưa có biểu phí" in result.lines[0]


def _table(tmp_path: Path, doc: dict, name: str = "t.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _reduced(first: int, until: str) -> list[dict]:
    common = {"kind": "certified_copy_pages", "group": "originals", "pages": "original_page_count", "copies": "original_copy_count",
              "first_pages": 2, "next_page_vnd": 1000, "max_per_copy_vnd": 200000, "legal_source": "TT"}
    return [dict(common, **{"from": "2025-07-01", "until": until, "first_page_vnd": first}),
            dict(common, **{"from": "2027-01-01", "first_page_vnd": 2000})]


def test_a_temporary_reduction_is_a_window_and_a_province_table_comes_first(tmp_path) -> None:
    province = {"table": "46", "version": "1", "name": "Thử", "procedures": {"2.000815": {"rules": _reduced(1500, "2026-12-31")}}}
    tables = load_fee_tables(_table(tmp_path, province).parent)
    assert tables.errors == ()
    assert compute_fee(tables, "2.000815", originals((1, 1)), date(2026, 12, 31), "46").amount_vnd == 1_500
    assert compute_fee(tables, "2.000815", originals((1, 1)), RECEIVED, "46").amount_vnd == 2_000
    assert compute_fee(tables, "2.000815", originals((1, 1)), date(2025, 6, 30), "46").amount_vnd is None  # before any window


def test_table_errors_name_the_file_and_path_in_vietnamese(tmp_path) -> None:
    overlap = {"table": "46", "version": "1", "name": "Thử", "procedures": {"2.000815": {"rules": _reduced(1500, "2027-02-01")}}}
    _, errors = check_table(overlap, "forms/fees/46.json")
    assert [str(e) for e in errors] == ["forms/fees/46.json: procedures.2.000815.rules[1].from: khoảng hiệu lực chồng lên quy tắc từ 2025-07-01"]
    bad = {"table": "46", "version": "1", "name": "Thử", "procedures": {"2.000635": {"rules": [{"from": "2026-01-01", "kind": "per_copy", "legal_source": "x"}]}},
           "exemptions": [{"id": "a", "label": "A", "legal_source": "x", "procedures": ["1.001193"], "condition": "days(child_birth_date,"}]}
    _, errors = check_table(bad, "46.json")
    assert any(e.field == "procedures.2.000635.rules[0].amount_vnd" and e.message == "thiếu khóa bắt buộc" for e in errors)
    bad["procedures"] = {}
    _, errors = check_table(bad, "46.json")
    assert errors[0].field == "exemptions[0].condition" and errors[0].message.startswith("biểu thức lỗi")
    bad["exemptions"][0]["proof"] = "Giấy"
    _, errors = check_table(bad, "46.json")
    assert errors[0].field == "exemptions[0]" and "đúng một trong hai" in errors[0].message
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "x.json").write_text("{", encoding="utf-8")
    assert "JSON không hợp lệ" in str(load_fee_tables(broken).errors[0])
