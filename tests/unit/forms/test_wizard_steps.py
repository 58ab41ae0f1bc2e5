"""The reception wizard's steps without widgets: form pages, documents checklist, review, next/back (forms/wizard.py)."""

from __future__ import annotations

import pytest

from forms.catalogue import Procedure
from forms.wizard import DOCUMENTS, FORM, REVIEW, Reception, display_value
from test_formengine import TODAY, proc, valid_values  # noqa: F401 - `proc` is a fixture


def at_checklist(proc: Procedure, values: dict | None = None) -> Reception:
    """A reception whose form is filled and passed: the officer is at the documents checklist."""
    flow = Reception(proc, values or valid_values(), today=TODAY)
    for _screen in flow.form.screens:
        assert flow.next() == {}
    assert flow.step == DOCUMENTS
    return flow


def test_the_form_pages_come_first_and_refuse_to_advance_with_errors(proc: Procedure) -> None:
    flow = Reception(proc, today=TODAY)
    assert flow.step == FORM and not flow.can_back
    assert flow.next() == {"submitter_name": "Vui lòng nhập thông tin này."} and flow.step == FORM
    flow = Reception(proc, valid_values(), today=TODAY)
    for expected in ("chung", "ngay", "thay_doi"):
        assert flow.next() == {} and flow.step == FORM and flow.form.page.id == expected
    assert flow.can_back and flow.form.is_last
    assert flow.next() == {} and flow.step == DOCUMENTS  # past the last page: the checklist


def test_the_checklist_follows_the_answers_and_offers_the_listed_quantities(proc: Procedure) -> None:
    flow = at_checklist(proc)
    items = flow.checklist()
    assert [(i.id, i.quantity, i.ticked) for i in items] == [("to_khai", 1, False), ("ban_sao", 2, False), ("tuy_chon", 1, False)]
    assert items[0].text == "Tờ khai (Bản chính)"
    assert items[1].text == "Bản sao giấy tờ (Bản sao có chứng thực)"
    assert items[2].text == "Giấy tùy chọn (Bản sao) — nếu có"
    flow_b = at_checklist(proc, {**valid_values(), "kind": "b", "b_note": "ghi chú"})
    assert [i.id for i in flow_b.checklist()] == ["to_khai", "ban_sao", "giay_b", "tuy_chon"]


def test_missing_documents_keep_the_checklist_open(proc: Procedure) -> None:
    flow = at_checklist(proc)
    errors = flow.next({"to_khai": 1, "ban_sao": 1})
    assert set(errors) == {"documents.ban_sao"} and "cần 2 bản" in errors["documents.ban_sao"]
    assert flow.step == DOCUMENTS and flow.received == {}  # nothing is kept from a refused checklist
    assert flow.next({}) and flow.step == DOCUMENTS
    assert flow.next({"to_khai": 1, "ban_sao": 2}) == {} and flow.step == REVIEW
    assert {doc_id: item.quantity for doc_id, item in flow.received.items()} == {"to_khai": 1, "ban_sao": 2}


def test_back_and_forth_never_loses_a_tick(proc: Procedure) -> None:
    flow = at_checklist(proc)
    assert flow.next({"to_khai": 1, "ban_sao": 3, "tuy_chon": 1}) == {}
    assert flow.back() and flow.step == DOCUMENTS  # review → the checklist as ticked
    assert [(i.id, i.quantity, i.ticked) for i in flow.checklist()] == [("to_khai", 1, True), ("ban_sao", 3, True), ("tuy_chon", 1, True)]
    assert flow.back({"ban_sao": 4}) and flow.step == FORM and flow.form.page.id == "thay_doi"  # checklist → last page
    assert flow.next() == {} and flow.step == DOCUMENTS
    assert [(i.id, i.quantity, i.ticked) for i in flow.checklist()] == [("to_khai", 1, False), ("ban_sao", 4, True), ("tuy_chon", 1, False)]
    assert flow.back({}) and flow.back() and flow.form.page.id == "ngay"
    assert flow.back() and flow.back() and flow.form.index == 0
    assert not flow.back() and not flow.can_back and flow.step == FORM


def test_the_review_lists_visible_answers_by_page_then_the_documents(proc: Procedure) -> None:
    values = {**valid_values(), "wants_mail": True, "mail_address": "Số 1 <Tràng Tiền>", "tags": ["x", "z"], "start_date": "2026-01-02"}
    flow = at_checklist(proc, values)
    assert flow.next({"ban_sao": 2, "to_khai": 1}) == {}
    review = flow.review()
    assert (review.procedure_name, review.procedure_code) == ("Thủ tục thử", "9.000001")
    assert [s.title for s in review.sections] == ["Người nộp", "Thông tin chung", "Ngày", "Nội dung thay đổi"]
    general = {row.label: row.value for row in review.sections[1].rows}
    assert "Loại khác" not in general  # hidden by its condition, so not reviewed
    assert general["Loại"] == "A" and general["Gửi qua bưu điện"] == "Có" and general["Nhãn"] == "X; Z"
    assert general["Địa chỉ nhận"] == "Số 1 <Tràng Tiền>" and general["Email"] == "—"  # raw text: the front end escapes it
    dates = {row.label: row.value for row in review.sections[2].rows}
    assert dates["Từ ngày"] == "02/01/2026"
    group = next(row for row in review.sections[3].rows if row.label == "Thay đổi")
    assert group.markup and group.value == "1. Mục: Họ tên; Mục khác: —; Cũ: Nguyễn Văn Ân; Mới: Nguyễn Văn An"
    assert [(d.name, d.kind_label, d.quantity) for d in review.documents] == [
        ("Bản sao giấy tờ", "Bản sao có chứng thực", 2), ("Tờ khai", "Bản chính", 1)]  # in the order ticked
    assert flow.next() == {} and flow.step == REVIEW  # nothing further: ready to submit


@pytest.mark.parametrize(("value", "shown"), [(None, "—"), ("", "—"), ([], "—"), (False, "Không"), (True, "Có")])
def test_display_value_of_blank_and_yes_no_answers(proc: Procedure, value, shown: str) -> None:
    assert display_value(proc.field("wants_mail"), value) == shown
