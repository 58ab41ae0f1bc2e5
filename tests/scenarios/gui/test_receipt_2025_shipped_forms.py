"""Issue 12's receipt acceptance on the shipped definitions (no test-only form, no fee text put in by hand): two
dossiers received on 7 December 2026 under the versions in force that day, their fees computed from the shipped
tables, read back from the PDF with pypdfium2, the QR decoded with zxing-cpp on A4 and A5.

- a certified copy (2.000815) filed by an authorised person: 3 pages in 2 copies is 10,000 đồng (worked by hand:
  pages 1–2 at 2,000 and page 3 at 1,000 make 5,000 a copy, times 2 copies), the original shown, the citizen's own
  photocopy submitted with its page count;
- a birth registration (1.001193) filed on time by the mother in person: no marriage certificate asked
  (Decree 07/2025), her ID card looked up in the national database with the record number (Nghị quyết 66.7/2025),
  and the fee exempt (on time, Civil Status Law Art. 11).
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timezone
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp

from forms.received import ReceivedItem
from forms.samples import sample_values

RECEIVED_AT = datetime(2026, 12, 7, 2, 0, tzinfo=timezone.utc)  # 09:00 on Monday 7 December 2026 in Vietnam
DAY = date(2026, 12, 7)
AUTHORISED = {
    "channel": "authorised",
    "authorised_name": "Lê Văn Hùng",
    "authorised_address": {"line": "Số 5 ngõ 12", "commune_code": "00583", "province_code": "01"},
    "authorised_id_number": "001088004321",
    "authorised_phone": "0987654321",
    "authorised_email": "hung.le@example.vn",
    "authorisation_paper": "Văn bản ủy quyền chứng thực ngày 20/11/2026",
}


def flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def pdf_text_and_qr(path: Path) -> tuple[str, list[str]]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        text = flat(pdf[0].get_textpage().get_text_range())
        image = pdf[0].render(scale=150 / 72).to_pil()
    finally:
        pdf.close()
    codes = [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]
    return text, codes


@pytest.fixture
def gui(qapp):
    from ui.window.qt_app import ensure_gui_app

    assert ensure_gui_app() is qapp
    return qapp


def _receipt(ctx, code: str):  # noqa: ANN001, ANN202
    from kiosk.printed.load import find_dossier, receipt_data

    with ctx.read() as session:
        return receipt_data(ctx, find_dossier(session, code), reprint=False)


def _certified_copy(ctx, officer) -> str:  # noqa: ANN001
    from kiosk.dossier.submit import submit

    procedure = ctx.catalogue.in_force("2.000815", DAY)
    assert procedure.effective_from is not None
    values = sample_values(procedure, seed=3, today=DAY)
    values.update(AUTHORISED)
    values["originals"] = [{
        "original_document_name": "Bằng tốt nghiệp trung học phổ thông",
        "original_page_count": 3,
        "original_copy_count": 2,
    }]
    documents = {
        "ban_chinh": ReceivedItem(way="shown"),
        "ban_sao_tu_chup": ReceivedItem(way="submitted", kind="copy", quantity=2, page_count=3),
    }
    return submit(ctx, procedure=procedure, values=values, officer=officer, documents=documents, now=RECEIVED_AT).code


def _birth(ctx, officer) -> str:  # noqa: ANN001
    from forms import formengine
    from kiosk.dossier.submit import submit

    procedure = ctx.catalogue.in_force("1.001193", DAY)
    values = sample_values(procedure, seed=1, today=DAY)
    values["channel"] = "in_person"
    values["child_birth_date"] = "2026-11-20"  # 17 days before: on time
    ids = [d.id for d in formengine.required_documents(procedure, values, DAY)]
    assert not [i for i in ids if "ket_hon" in i], ids  # Decree 07/2025: no parents' marriage certificate
    card = next(d for d in procedure.documents if d.id in ids and d.way == "looked_up")
    documents = {doc_id: ReceivedItem(way=procedure.document(doc_id).way) for doc_id in ids}
    documents[card.id] = ReceivedItem(way="looked_up", record_number="CSDLQG-7781")
    return submit(ctx, procedure=procedure, values=values, officer=officer, documents=documents, now=RECEIVED_AT).code


@pytest.mark.parametrize("paper", ["A4", "A5"])
def test_a_certified_copy_by_an_authorised_person_prints_its_fee_ways_and_representative(gui, ctx, officer, tmp_path, paper) -> None:
    from ui.printing.receipt_render import render_pdf

    data = _receipt(ctx, _certified_copy(ctx, officer))
    assert data.layout_version == "tt03-2025"
    text, codes = pdf_text_and_qr(render_pdf(data, tmp_path / f"copy.{paper}.pdf", paper=paper))
    for part in (
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Mã hồ sơ: {data.dossier_code}",
        f"Số định danh cá nhân/tổ chức: {data.submitter_id_number}",
        "Người được ủy quyền nộp hồ sơ: Lê Văn Hùng",
        "001088004321",
        "Văn bản ủy quyền chứng thực ngày 20/11/2026",
        "Xuất trình",
        "Nộp – Bản sao, 3 trang",
        "10.000 đồng",
        "(nếu có)",
        "(Chữ ký số của người tiếp nhận hồ sơ nếu là biểu mẫu điện tử)",
    ):
        assert flat(part) in text, part
    assert codes == [data.tracking_url]


@pytest.mark.parametrize("paper", ["A4", "A5"])
def test_an_on_time_birth_registration_prints_the_look_up_and_no_fee(gui, ctx, officer, tmp_path, paper) -> None:
    from ui.printing.receipt_render import render_pdf

    code = _birth(ctx, officer)
    data = _receipt(ctx, code)
    text, codes = pdf_text_and_qr(render_pdf(data, tmp_path / f"birth.{paper}.pdf", paper=paper))
    assert "Khai thác CSDL (số CSDLQG-7781)" in text
    assert "Giấy chứng nhận kết hôn" not in text
    assert "Miễn" in text and "đăng ký khai sinh đúng hạn" in text.lower()
    assert "Người được ủy quyền" not in text
    assert codes == [data.tracking_url]
    with ctx.read() as session:
        from kiosk.printed.load import find_dossier

        dossier = find_dossier(session, code)
        assert dossier.fee_amount_vnd == 0 and dossier.fee["exemption"]["id"] == "khai_sinh_dung_han"


def test_a_procedure_without_an_amount_in_the_province_prints_that_there_is_no_fee_table(gui, ctx, officer, tmp_path) -> None:
    """A marital-status certificate in Hà Nội (province 01), whose shipped table has no local amount yet."""
    from forms import geo
    from kiosk.dossier.submit import submit
    from ui.printing.receipt_render import render_pdf

    assert geo.commune(ctx.settings.commune_code).province_code == "01"
    procedure = ctx.catalogue.in_force("1.004873", DAY)
    values = sample_values(procedure, seed=10, today=DAY)
    values["channel"] = "in_person"
    code = submit(ctx, procedure=procedure, values=values, officer=officer, now=RECEIVED_AT).code
    data = _receipt(ctx, code)
    text, codes = pdf_text_and_qr(render_pdf(data, tmp_path / "status.A4.pdf", paper="A4"))
    assert "Phí, lệ phí: Chưa có biểu phí" in text
    assert codes == [data.tracking_url]
