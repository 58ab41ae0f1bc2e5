"""The wizard logic without widgets: visibility, validation paths, cleaning, documents, page flow."""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from forms import formengine
from forms.model import Procedure
from forms.catalogue import load_catalogue
from forms.formengine import (
    MSG_UNKNOWN,
    clean,
    document_errors,
    field_error,
    is_visible,
    page_errors,
    required_documents,
    validate,
    visible_pages,
)
from forms.wizard import Wizard, screen_groups

TODAY = date(2026, 3, 15)
MALE_1990 = "001090123456"  # prefix 001, G=0 (male, 1900s), YY=90
FEMALE_2001 = "001301123456"  # G=3 (female, 2000s), YY=01

CONTACT = {"format": 1, "id": "contact", "pages": [{"id": "nguoi_nop", "title": "Người nộp", "fields": [
    {"id": "submitter_name", "label": "Họ tên", "type": "text", "required": True, "max_length": 50},
    {"id": "submitter_birth_date", "label": "Ngày sinh", "type": "date", "not_future": True},
    {"id": "submitter_sex", "label": "Giới tính", "type": "choice",
     "choices": [{"value": "nam", "label": "Nam"}, {"value": "nu", "label": "Nữ"}]},
    {"id": "submitter_id_number", "label": "Số định danh", "type": "id_number",
     "id_checks": {"birth_date": "submitter_birth_date", "sex": "submitter_sex"}},
    {"id": "submitter_phone", "label": "Điện thoại", "type": "phone"},
]}]}

PAGES = [
    {"id": "chung", "title": "Thông tin chung", "fields": [
        {"id": "kind", "label": "Loại", "type": "choice", "required": True,
         "choices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}, {"value": "khac", "label": "Khác"}],
         "other_value": "khac"},
        {"id": "kind_other", "label": "Loại khác", "type": "text", "required": True, "visible_if": "kind == 'khac'"},
        {"id": "detail", "label": "Chi tiết", "type": "text", "visible_if": "kind_other == 'chi tiết'"},
        {"id": "copies", "label": "Số bản sao", "type": "number", "integer": True, "min": 0, "max": 10},
        {"id": "wants_mail", "label": "Gửi qua bưu điện", "type": "yesno", "default": False},
        {"id": "mail_address", "label": "Địa chỉ nhận", "type": "text", "required_if": "wants_mail == true"},
        {"id": "email", "label": "Email", "type": "email"},
        {"id": "code", "label": "Mã", "type": "text", "pattern": "[A-Z]{2}[0-9]{3}", "pattern_message": "Hai chữ hoa và ba số."},
        {"id": "tags", "label": "Nhãn", "type": "multichoice", "max_items": 2,
         "choices": [{"value": "x", "label": "X"}, {"value": "y", "label": "Y"}, {"value": "z", "label": "Z"}]},
    ]},
    {"id": "ngay", "title": "Ngày", "fields": [
        {"id": "start_date", "label": "Từ ngày", "type": "date", "not_future": True},
        {"id": "end_date", "label": "Đến ngày", "type": "date",
         "constraints": [{"expr": "empty(start_date) or end_date >= start_date", "message": "Ngày kết thúc phải sau ngày bắt đầu."}]},
    ]},
    {"id": "chi_b", "title": "Chỉ cho loại B", "visible_if": "kind == 'b'", "fields": [
        {"id": "b_note", "label": "Ghi chú B", "type": "text", "required": True},
    ]},
    {"id": "an_het", "title": "Mọi trường đều ẩn", "fields": [
        {"id": "secret", "label": "Bí mật", "type": "text", "visible_if": "kind == 'z'"},
    ]},
    {"id": "thay_doi", "title": "Nội dung thay đổi", "fields": [
        {"id": "changes", "label": "Thay đổi", "type": "group", "min_items": 1, "max_items": 3, "item_label": "Nội dung",
         "fields": [
             {"id": "change_field", "label": "Mục", "type": "choice", "required": True,
              "choices": [{"value": "name", "label": "Họ tên"}, {"value": "other", "label": "Khác"}]},
             {"id": "change_other", "label": "Mục khác", "type": "text", "required": True, "visible_if": "change_field == 'other'"},
             {"id": "old_value", "label": "Cũ", "type": "text", "required": True},
             {"id": "new_value", "label": "Mới", "type": "text", "required": True,
              "constraints": [{"expr": "new_value != old_value", "message": "Giá trị mới phải khác giá trị cũ."}]},
         ]},
        {"id": "witnesses", "label": "Người làm chứng", "type": "group", "fields": [
            {"id": "witness_birth_date", "label": "Ngày sinh", "type": "date"},
            {"id": "witness_sex", "label": "Giới tính", "type": "choice",
             "choices": [{"value": "nam", "label": "Nam"}, {"value": "nu", "label": "Nữ"}]},
            {"id": "witness_id_number", "label": "Số định danh", "type": "id_number",
             "id_checks": {"birth_date": "witness_birth_date", "sex": "witness_sex"}},
        ]},
    ]},
]

DOCUMENTS = [
    {"id": "to_khai", "name": "Tờ khai", "kind": "original", "quantity": 1, "required": True},
    {"id": "ban_sao", "name": "Bản sao giấy tờ", "kind": "certified_copy", "quantity": 2, "required": True},
    {"id": "giay_b", "name": "Giấy cho loại B", "kind": "shown", "visible_if": "kind == 'b'"},
    {"id": "tuy_chon", "name": "Giấy tùy chọn", "kind": "copy", "required": False},
]


@pytest.fixture
def proc(tmp_path: Path) -> Procedure:
    root = tmp_path / "forms"
    for sub in ("procedures", "common", "choices"):
        (root / sub).mkdir(parents=True)
    (root / "common" / "contact.json").write_text(json.dumps(CONTACT), encoding="utf-8")
    doc = {"format": 1, "code": "9.000001", "version": "1", "name": "Thủ tục thử", "processing_days": 3,
           "fee": {"amount_vnd": 0}, "common_blocks": ["contact"], "documents": DOCUMENTS, "pages": PAGES}
    (root / "procedures" / "p.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    catalogue = load_catalogue(root / "procedures", root / "common", root / "choices")
    assert [str(e) for e in catalogue.errors] == []
    return catalogue.get("9.000001")


def valid_values() -> dict:
    return {
        "submitter_name": "Nguyễn Văn An",
        "submitter_birth_date": "1990-05-01",
        "submitter_sex": "nam",
        "submitter_id_number": MALE_1990,
        "kind": "a",
        "changes": [{"change_field": "name", "old_value": "Nguyễn Văn Ân", "new_value": "Nguyễn Văn An"}],
    }


# --- visibility ---------------------------------------------------------------------------------

def test_visible_if_on_fields_and_pages(proc: Procedure) -> None:
    values = {"kind": "a"}
    assert not is_visible(proc, "kind_other", values)
    assert is_visible(proc, "kind_other", {"kind": "khac"})
    assert [p.id for p in visible_pages(proc, values)] == ["nguoi_nop", "chung", "ngay", "thay_doi"]
    assert [p.id for p in visible_pages(proc, {"kind": "b"})] == ["nguoi_nop", "chung", "ngay", "chi_b", "thay_doi"]
    page_b = next(p for p in proc.pages if p.id == "chi_b")
    assert not is_visible(proc, page_b, values) and is_visible(proc, page_b, {"kind": "b"})
    assert not is_visible(proc, "b_note", values)  # a field on a hidden page is hidden


def test_a_hidden_field_counts_as_null_in_other_conditions(proc: Procedure) -> None:
    # detail depends on kind_other, which is hidden unless kind == 'khac': its stale value must not show detail
    assert is_visible(proc, "detail", {"kind": "khac", "kind_other": "chi tiết"})
    assert not is_visible(proc, "detail", {"kind": "a", "kind_other": "chi tiết"})


def test_group_item_visibility_uses_siblings(proc: Procedure) -> None:
    values = {"changes": [{"change_field": "other"}, {"change_field": "name"}]}
    assert is_visible(proc, "changes[0].change_other", values)
    assert not is_visible(proc, "changes[1].change_other", values)
    assert not is_visible(proc, "changes[5].change_other", values)
    assert not is_visible(proc, "nope", values) and not is_visible(proc, 42, values)  # type: ignore[arg-type]


# --- validation ---------------------------------------------------------------------------------

def test_valid_values_have_no_errors(proc: Procedure) -> None:
    assert validate(proc, valid_values(), TODAY) == {}


@pytest.mark.parametrize(
    ("field_id", "value", "extra", "expected"),
    [
        ("submitter_name", "", {}, "Vui lòng"),
        ("submitter_name", "x" * 51, {}, "50"),
        ("kind", "q", {}, "danh sách"),
        ("kind_other", "", {"kind": "khac"}, "Vui lòng"),
        ("copies", "2,5", {}, "nguyên"),
        ("copies", "11", {}, "10"),
        ("copies", "abc", {}, "số"),
        ("wants_mail", "maybe", {}, "Có hoặc Không"),
        ("mail_address", "", {"wants_mail": True}, "Vui lòng"),
        ("mail_address", "", {"wants_mail": "có"}, "Vui lòng"),
        ("email", "a@b", {}, "email"),
        ("code", "ab123", {}, "Hai chữ hoa"),
        ("tags", ["x", "q"], {}, "danh sách"),
        ("tags", ["x", "y", "z"], {}, "Tối đa 2"),
        ("start_date", "2027-01-01", {}, "hôm nay"),
        ("start_date", "31/02/2020", {}, "không hợp lệ"),
        ("end_date", "2020-01-01", {"start_date": "2021-01-01"}, "sau ngày bắt đầu"),
        ("submitter_phone", "12345", {}, "10 chữ số"),
    ],
)
def test_field_errors(proc: Procedure, field_id: str, value, extra: dict, expected: str) -> None:
    values = {**valid_values(), **extra, field_id: value}
    message = field_error(proc, field_id, values, TODAY)
    assert message and expected in message, message


@pytest.mark.parametrize(
    ("field_id", "value", "extra"),
    [
        ("kind_other", "", {"kind": "a"}),  # hidden: required does not apply
        ("mail_address", "", {"wants_mail": False}),
        ("copies", "3", {}),
        ("copies", 3, {}),
        ("end_date", "2020-01-01", {}),  # constraint guarded by empty(start_date)
        ("end_date", "02/01/2021", {"start_date": "01/01/2021"}),  # dd/mm/yyyy compares as dates
        ("code", "AB123", {}),
        ("tags", ["x", "z"], {}),
        ("email", "", {}),
    ],
)
def test_field_ok(proc: Procedure, field_id: str, value, extra: dict) -> None:
    assert field_error(proc, field_id, {**valid_values(), **extra, field_id: value}, TODAY) is None


def test_hidden_required_field_never_errors(proc: Procedure) -> None:
    errors = validate(proc, {**valid_values(), "kind": "a", "kind_other": ""}, TODAY)
    assert "kind_other" not in errors and "b_note" not in errors
    errors = validate(proc, {**valid_values(), "kind": "b"}, TODAY)
    assert errors == {"b_note": "Vui lòng nhập thông tin này."}


def test_id_number_is_cross_checked_through_id_checks(proc: Procedure) -> None:
    values = valid_values()
    assert field_error(proc, "submitter_id_number", values, TODAY) is None
    wrong_sex = {**values, "submitter_sex": "nu"}
    assert "giới tính" in field_error(proc, "submitter_id_number", wrong_sex, TODAY)
    wrong_year = {**values, "submitter_birth_date": "1991-05-01"}
    assert "năm sinh" in field_error(proc, "submitter_id_number", wrong_year, TODAY)
    assert field_error(proc, "submitter_id_number", {**values, "submitter_birth_date": ""}, TODAY) is None
    assert "12 chữ số" in field_error(proc, "submitter_id_number", {**values, "submitter_id_number": "00109012"}, TODAY)


def test_group_errors_are_keyed_by_path(proc: Procedure) -> None:
    values = {**valid_values(), "changes": [
        {"change_field": "name", "old_value": "A", "new_value": "B"},
        {"change_field": "other", "old_value": "A", "new_value": "A"},
        "not an item",
    ]}
    errors = page_errors(proc, "thay_doi", values, TODAY)
    assert errors == {
        "changes[1].change_other": "Vui lòng nhập thông tin này.",
        "changes[1].new_value": "Giá trị mới phải khác giá trị cũ.",
        "changes[2]": "Giá trị không hợp lệ.",
    }
    assert field_error(proc, "changes[1].new_value", values, TODAY) == "Giá trị mới phải khác giá trị cũ."
    assert field_error(proc, "changes[0].new_value", values, TODAY) is None
    assert field_error(proc, "changes[9].new_value", values, TODAY) == "Mục này không tồn tại."
    assert field_error(proc, "changes[0].nope", values, TODAY) == MSG_UNKNOWN


def test_group_item_bounds(proc: Procedure) -> None:
    none = page_errors(proc, "thay_doi", {**valid_values(), "changes": []}, TODAY)
    assert none == {"changes": "Cần ít nhất 1 nội dung (hiện có 0)."}  # min_items applies though not required
    item = {"change_field": "name", "old_value": "A", "new_value": "B"}
    too_many = page_errors(proc, "thay_doi", {**valid_values(), "changes": [item] * 4}, TODAY)
    assert too_many == {"changes": "Tối đa 3 nội dung (hiện có 4)."}
    assert page_errors(proc, "thay_doi", {**valid_values(), "changes": "x"}, TODAY) == {"changes": "Giá trị không hợp lệ."}


def test_id_checks_inside_a_group_use_the_same_item(proc: Procedure) -> None:
    values = {**valid_values(), "witnesses": [
        {"witness_birth_date": "2001-02-03", "witness_sex": "nu", "witness_id_number": FEMALE_2001},
        {"witness_birth_date": "2001-02-03", "witness_sex": "nam", "witness_id_number": FEMALE_2001},
    ]}
    errors = page_errors(proc, "thay_doi", values, TODAY)
    assert list(errors) == ["witnesses[1].witness_id_number"]
    assert "giới tính" in errors["witnesses[1].witness_id_number"]


def test_unknown_ids_and_hostile_values_never_crash(proc: Procedure) -> None:
    assert field_error(proc, "no_such_field", {}, TODAY) == MSG_UNKNOWN
    assert field_error(proc, "old_value", {}, TODAY) == MSG_UNKNOWN  # a sub-field needs its item path
    assert field_error(proc, None, {}, TODAY) == MSG_UNKNOWN  # type: ignore[arg-type]
    hostile = [None, 0, -1, 1e308, float("nan"), True, "", " ", "x" * 100_000, "\x00", "'; DROP TABLE",
               [], [None], [[[]]], {}, {"line": 1}, {"__class__": 1}, object(), b"bytes", 10**400]
    for value in hostile:
        for f in [f for page in proc.pages for f in page.fields]:
            values = {**valid_values(), f.id: value}
            field_error(proc, f.id, values, TODAY)
            validate(proc, values, TODAY)
            clean(proc, values)
            required_documents(proc, values)
    for values in (None, [], "x", 42, {1: 2}, {"kind": object()}):
        assert isinstance(validate(proc, values, TODAY), dict)  # type: ignore[arg-type]
        assert isinstance(clean(proc, values), dict)  # type: ignore[arg-type]
        assert visible_pages(proc, values)  # type: ignore[arg-type]
    assert "Tối đa" in field_error(proc, "submitter_name", {"submitter_name": "x" * 100_000}, TODAY)


# --- cleaning -----------------------------------------------------------------------------------

def test_clean_drops_hidden_unknown_and_empty_values(proc: Procedure) -> None:
    decomposed = unicodedata.normalize("NFD", "  Nguyễn Văn An ")
    values = {
        **valid_values(),
        "submitter_name": decomposed,
        "kind": "a",
        "kind_other": "stale text from before",  # hidden now
        "b_note": "hidden page",
        "copies": "3",
        "wants_mail": "Có",
        "mail_address": "Hộp thư 12",
        "start_date": "01/02/2024",
        "email": "",
        "submitter_phone": "+84 912 345 678",
        "junk": "unknown key",
        "changes": [{"change_field": "name", "change_other": "hidden", "old_value": " A ", "new_value": "B", "x": 1}],
    }
    cleaned = clean(proc, values)
    assert cleaned["submitter_name"] == "Nguyễn Văn An" and unicodedata.is_normalized("NFC", cleaned["submitter_name"])
    for key in ("kind_other", "b_note", "email", "junk", "detail"):
        assert key not in cleaned
    assert cleaned["copies"] == 3 and cleaned["wants_mail"] is True and cleaned["start_date"] == "2024-02-01"
    assert cleaned["submitter_phone"] == "0912345678"
    assert cleaned["changes"] == [{"change_field": "name", "old_value": "A", "new_value": "B"}]
    assert validate(proc, cleaned, TODAY) == validate(proc, values, TODAY) == {}


def test_clean_keeps_false_answers(proc: Procedure) -> None:
    assert clean(proc, {**valid_values(), "wants_mail": False})["wants_mail"] is False
    assert clean(proc, {**valid_values(), "copies": 0})["copies"] == 0


# --- documents ----------------------------------------------------------------------------------

def test_required_documents_follow_conditions(proc: Procedure) -> None:
    assert [d.id for d in required_documents(proc, {"kind": "a"})] == ["to_khai", "ban_sao", "tuy_chon"]
    assert [d.id for d in required_documents(proc, {"kind": "b"})] == ["to_khai", "ban_sao", "giay_b", "tuy_chon"]


def test_document_errors(proc: Procedure) -> None:
    errors = document_errors(proc, {"kind": "b"}, {"to_khai": 1, "ban_sao": 1})
    assert set(errors) == {"documents.ban_sao", "documents.giay_b"}
    assert "cần 2 bản" in errors["documents.ban_sao"] and "Giấy cho loại B" in errors["documents.giay_b"]
    assert document_errors(proc, {"kind": "a"}, {"to_khai": 1, "ban_sao": 2}) == {}
    assert set(document_errors(proc, {"kind": "a"}, {"to_khai": "1", "ban_sao": True})) == {"documents.to_khai", "documents.ban_sao"}
    assert len(document_errors(proc, {}, None)) == 2  # type: ignore[arg-type]


# --- the wizard ---------------------------------------------------------------------------------

def test_wizard_refuses_to_advance_with_errors(proc: Procedure) -> None:
    wizard = Wizard(proc, today=TODAY)
    assert wizard.page.id == "nguoi_nop" and wizard.index == 0 and not wizard.can_back
    assert wizard.progress == "Bước 1/4"
    errors = wizard.next()
    assert errors == {"submitter_name": "Vui lòng nhập thông tin này."}
    assert wizard.index == 0
    assert wizard.set("submitter_name", "Nguyễn Văn An") is None
    assert wizard.set("submitter_id_number", "123") is not None  # shown as typed
    assert "submitter_id_number" in wizard.next() and wizard.index == 0
    wizard.set("submitter_id_number", MALE_1990)
    assert wizard.next() == {} and wizard.page.id == "chung" and wizard.progress == "Bước 2/4"
    assert wizard.can_back


def test_wizard_follows_visible_pages(proc: Procedure) -> None:
    wizard = Wizard(proc, valid_values(), page_index=1, today=TODAY)
    assert wizard.page.id == "chung"
    wizard.set("kind", "b")
    assert [p.id for p in wizard.pages] == ["nguoi_nop", "chung", "ngay", "chi_b", "thay_doi"]
    # "chi_b" asks one thing: it shares the screen of "ngay", under its own heading
    assert wizard.next() == {} and wizard.page.id == "ngay" and wizard.sections == [("Chỉ cho loại B", "b_note")]
    assert [f.id for f in wizard.page.fields] == ["start_date", "end_date", "b_note"]
    assert wizard.next() == {"b_note": "Vui lòng nhập thông tin này."}
    wizard.set("b_note", "ghi chú")
    assert wizard.next() == {} and wizard.page.id == "thay_doi" and wizard.is_last
    assert wizard.next() == {} and wizard.page.id == "thay_doi"  # the last page stays
    assert wizard.back() and wizard.page.id == "ngay" and wizard.progress == "Bước 3/4"
    wizard.values["kind"] = "a"  # the merged page disappears: the screen keeps its other page, no heading
    assert wizard.page.id == "ngay" and wizard.sections == [] and [f.id for f in wizard.page.fields] == ["start_date", "end_date"]
    assert wizard.back() and wizard.back() and wizard.page.id == "nguoi_nop"
    assert not wizard.back() and wizard.index == 0


def test_one_question_pages_share_a_screen(proc: Procedure) -> None:
    assert [[p.id for p in group] for group in screen_groups(proc)] == [["nguoi_nop"], ["chung"], ["ngay", "chi_b"], ["an_het"], ["thay_doi"]]
    values = {**valid_values(), "kind": "b"}
    wizard = Wizard(proc, values, page_index=3, today=TODAY)  # a draft saved on "chi_b" opens on its screen
    assert wizard.page.id == "ngay" and wizard.index == 2 and wizard.progress == "Bước 3/4"
    wizard = Wizard(proc, values, today=TODAY)
    assert wizard.go_to("chi_b") and wizard.page.id == "ngay"  # the review's [Sửa] beside the merged page
    assert not wizard.go_to("an_het")  # not a visible page
    wizard.set("b_note", "")  # the merged page's errors stop the screen
    assert "b_note" in wizard.next() and wizard.page.id == "ngay"


def test_a_one_question_first_page_joins_the_next_and_a_group_stands_alone(tmp_path: Path) -> None:
    root = tmp_path / "forms"
    for sub in ("procedures", "common", "choices"):
        (root / sub).mkdir(parents=True)
    one = {"id": "hoi", "label": "Câu hỏi", "type": "text", "required": True}
    pages = [{"id": "mot", "title": "Một", "fields": [one]},
             {"id": "hai", "title": "Hai", "fields": [{**one, "id": "a"}, {**one, "id": "b"}]},
             {"id": "nhom", "title": "Nhóm", "fields": [PAGES[-1]["fields"][1]]}]
    doc = {"format": 1, "code": "9.000002", "version": "1", "name": "Thử", "processing_days": 1, "fee": {"amount_vnd": 0},
           "documents": DOCUMENTS[:1], "pages": pages}
    (root / "procedures" / "p.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    catalogue = load_catalogue(root / "procedures", root / "common", root / "choices")
    assert [str(e) for e in catalogue.errors] == []
    groups = screen_groups(catalogue.get("9.000002"))
    assert [[p.id for p in group] for group in groups] == [["mot", "hai"], ["nhom"]]


def test_wizard_set_rejects_unknown_fields_and_edits_groups(proc: Procedure) -> None:
    wizard = Wizard(proc, today=TODAY)
    assert wizard.set("nope", 1) == MSG_UNKNOWN and "nope" not in wizard.values
    assert wizard.set("old_value", "x") == MSG_UNKNOWN
    assert wizard.set("changes[0].old_value", "x") == "Mục này không tồn tại."
    assert wizard.add_item("changes") == 0
    assert wizard.set("changes[0].change_field", "other") is None
    assert wizard.set("changes[0].change_other", "") == "Vui lòng nhập thông tin này."
    assert wizard.values["changes"] == [{"change_field": "other", "change_other": ""}]
    assert wizard.add_item("changes") == 1 and wizard.add_item("changes") == 2 and wizard.add_item("changes") is None
    assert wizard.remove_item("changes", 1) and len(wizard.values["changes"]) == 2
    assert not wizard.remove_item("changes", 7) and wizard.add_item("kind") is None


def test_wizard_defaults_and_bad_page_index(proc: Procedure) -> None:
    wizard = Wizard(proc, page_index=99, today=TODAY)
    assert wizard.index == 0
    assert wizard.values == {"wants_mail": False}  # defaults fill unanswered fields only
    assert Wizard(proc, {"wants_mail": True}).values["wants_mail"] is True
    assert Wizard(proc, values="garbage").values == {"wants_mail": False}  # type: ignore[arg-type]


# --- the shipped definitions under the engine ---------------------------------------------------

def test_shipped_procedures_run_through_the_engine() -> None:
    """Smoke test over whatever forms/ ships: empty and garbage answers give messages, never exceptions."""
    for procedure in load_catalogue().latest():
        wizard = Wizard(procedure, today=TODAY)
        assert wizard.pages, procedure.code
        assert wizard.next(), f"{procedure.code}: an empty first page should not pass"
        assert validate(procedure, {}, TODAY)
        garbage = {f.id: {"hostile": [1]} for f in procedure.top_fields()}
        assert isinstance(validate(procedure, garbage, TODAY), dict)
        assert set(clean(procedure, garbage)) <= {f.id for f in procedure.top_fields()}
        for field in procedure.top_fields():
            message = formengine.field_error(procedure, field.id, garbage, TODAY)
            assert message is None or isinstance(message, str)
