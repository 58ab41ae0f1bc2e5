"""The fee kept on a dossier at submit: computed, completed by the officer, printed, and carried to the portal."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from forms.samples import sample_values
from forms.timezone import VN_TZ
from kiosk.dossier.fees import FeeInputs
from kiosk.dossier.submit import SubmitRefused, submit
from kiosk.printed.load import fee_text, find_dossier
from kiosk.storage.models import Dossier, OutboxEntry

RECEIVED = datetime(2027, 1, 4, 9, 0, tzinfo=VN_TZ)


def _submit(ctx, officer, code: str, fee: FeeInputs = FeeInputs(), **changes):
    procedure = ctx.catalogue.get(code)
    values = dict(sample_values(procedure, seed=3, today=RECEIVED.date()), **changes)
    return submit(ctx, procedure=procedure, values=values, officer=officer, now=RECEIVED, fee=fee).code


def _dossier(ctx, code: str):
    with ctx.read() as session:
        dossier = find_dossier(session, code)
        return dossier, fee_text(dossier), [(d.doc_id, d.name, d.way) for d in dossier.documents]


def test_certified_copy_fee_is_kept_and_printed(ctx, officer) -> None:
    originals = [{"original_document_name": "Bằng tốt nghiệp", "original_page_count": 1, "original_copy_count": 3}]
    code = _submit(ctx, officer, "2.000815", FeeInputs(collected=True, fee_receipt_number="0001234"), originals=originals)
    dossier, text, _rows = _dossier(ctx, code)
    assert dossier.fee_amount_vnd == 6000 and dossier.fee["source"] == "table" and dossier.fee["collected"] is True
    assert (dossier.fee["table"], dossier.fee["table_version"]) == ("national", "2026.1")
    assert text == "6.000 đồng (3 bản × 2.000 đồng); đã thu, biên lai số 0001234"
    with ctx.read() as session:
        entry = session.scalar(select(OutboxEntry).join(OutboxEntry.dossier).where(Dossier.code == code))
        assert entry.snapshot["fee"] == dossier.fee  # the portal gets it with the revision


def test_a_ticked_exemption_is_free_and_adds_its_proof_as_shown(ctx, officer) -> None:
    code = _submit(ctx, officer, "1.004873", FeeInputs(exemptions=("nguoi_khuyet_tat",)))
    dossier, text, rows = _dossier(ctx, code)
    assert dossier.fee_amount_vnd == 0 and dossier.fee["exemption"]["id"] == "nguoi_khuyet_tat"
    assert dossier.fee["exemption"]["legal_source"] == "Luật Hộ tịch 2014, Điều 11 khoản 1 điểm a"
    assert text == "Miễn (Người khuyết tật)"
    assert rows[-1] == ("fee-proof-nguoi_khuyet_tat", "Giấy xác nhận khuyết tật", "shown")


def test_no_table_amount_prints_so_and_a_hand_amount_is_recorded_as_such(ctx, officer) -> None:
    dossier, text, _rows = _dossier(ctx, _submit(ctx, officer, "1.004873"))
    assert dossier.fee["source"] == "none" and dossier.fee_amount_vnd is None and text == "Chưa có biểu phí"
    code = _submit(ctx, officer, "1.004873", FeeInputs(hand_amount_vnd=15000, collected=True))
    dossier, text, _rows = _dossier(ctx, code)
    assert dossier.fee["source"] == "hand" and dossier.fee_amount_vnd == 15000
    assert text == "15.000 đồng (nhập tay); đã thu"


@pytest.mark.parametrize(("code", "inputs", "message"), [
    ("2.000635", FeeInputs(hand_amount_vnd=1000), "Chỉ nhập tay số tiền khi biểu phí chưa có mức thu"),
    ("1.004873", FeeInputs(collected=True), "Không có số tiền phải thu"),
    ("1.004873", FeeInputs(exemptions=("khong_co",)), "Biểu phí không có miễn phí 'khong_co'"),
    ("1.004873", FeeInputs(hand_amount_vnd=-5), "Số tiền nhập tay phải là số nguyên"),
])
def test_fee_inputs_that_do_not_fit_are_refused(ctx, officer, code, inputs, message) -> None:
    with pytest.raises(SubmitRefused, match=message):
        _submit(ctx, officer, code, inputs)
    with ctx.read() as session:
        assert session.scalar(select(Dossier).where(Dossier.lifecycle == "submitted")) is None
