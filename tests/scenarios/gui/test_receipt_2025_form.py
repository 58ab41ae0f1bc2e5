"""Form 01 of Circular 03/2025 as drawn for a dossier received now, read back with pypdfium2 and zxing-cpp: each new
label and its value, the QR on A4 and A5, one page without "Liên" on a new site, two marked copies where the site keeps
the marker (docs/receipt-2025.md)."""

from __future__ import annotations

import dataclasses
import unicodedata
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp

from forms.received import ReceivedItem
from forms.samples import sample_values


def flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def pdf_pages(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [flat(pdf[i].get_textpage().get_text_range()) for i in range(len(pdf))]
    finally:
        pdf.close()


@pytest.fixture
def gui(qapp):
    from ui.window.qt_app import ensure_gui_app

    assert ensure_gui_app() is qapp
    return qapp


@pytest.fixture
def received(ctx, officer):
    """A dossier filed by an authorised person, with one item of each way; its receipt data."""
    from kiosk.dossier.submit import submit
    from kiosk.printed.load import receipt_data, find_dossier

    procedure = ctx.catalogue.get("1.004873")  # the 2026 version: the representation block and the authorisation letter
    values = sample_values(procedure, seed=10, today=date.today())  # divorced: the decree and the ID card
    values.update(
        channel="authorised", authorised_name="Lê Văn Hùng",
        authorised_address={"line": "Số 5 ngõ 12", "commune_code": "00583", "province_code": "01"}, authorised_id_number="001088004321",
        authorised_phone="0987654321", authorised_email="hung.le@example.vn",
        authorisation_paper="Văn bản ủy quyền chứng thực ngày 20/11/2026",
    )
    documents = {
        "ban_an_ly_hon": ReceivedItem(way="submitted", kind="certified_copy", page_count=3),
        "giay_to_tuy_than": ReceivedItem(way="looked_up", record_number="CSDLQG-0042"),
        "van_ban_uy_quyen": ReceivedItem(way="submitted", kind="original", page_count=1),
    }
    code = submit(ctx, procedure=procedure, values=values, officer=officer, documents=documents).code
    with ctx.read() as session:
        data = receipt_data(ctx, find_dossier(session, code), reprint=False)
    assert data.submitter_id_number == values["submitter_id_number"]
    return dataclasses.replace(data, fee_text="Không thu phí (miễn lệ phí theo Điều 11 Luật Hộ tịch)")


@pytest.mark.parametrize("paper", ["A4", "A5"])
def test_each_new_label_is_printed_with_its_value_and_the_qr_still_scans(gui, received, tmp_path: Path, paper: str) -> None:
    from ui.printing.receipt_render import render_pdf

    path = render_pdf(received, tmp_path / f"receipt.{paper}.pdf", paper=paper)
    pages = pdf_pages(path)
    assert len(pages) == 1  # a new site: one copy, no "Liên" marker
    text = pages[0]
    assert "Liên" not in text
    for part in (
        f"Số: {received.logbook_number}",
        "Tiếp nhận hồ sơ của Ông (Bà)/Tổ chức:", f"Số định danh cá nhân/tổ chức: {received.submitter_id_number}",
        "Người được ủy quyền nộp hồ sơ: Lê Văn Hùng", "Số định danh cá nhân: 001088004321",
        "Địa chỉ người được ủy quyền: Số 5 ngõ 12", "0987654321", "hung.le@example.vn",
        "Giấy tờ ủy quyền: Văn bản ủy quyền chứng thực ngày 20/11/2026",
        "Hình thức nộp", "Nộp – Bản sao có chứng thực, 3 trang", "Khai thác CSDL (số CSDLQG-0042)",
        "Hình thức nộp hồ sơ: Qua người được ủy quyền",
        "Phí, lệ phí: Không thu phí (miễn lệ phí theo Điều 11 Luật Hộ tịch)",
        f"Vào Sổ theo dõi hồ sơ, Quyển số: {received.logbook_volume}, Số thứ tự: {received.logbook_number} (nếu có)",
        "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "(Chữ ký số của người tiếp nhận hồ sơ nếu là biểu mẫu điện tử)",
    ):
        assert part in text, part
    assert "Cơ quan chủ trì giải quyết" not in text  # none set: the receiving unit decides

    pdf = pdfium.PdfDocument(str(path))
    try:
        image = pdf[0].render(scale=150 / 72, grayscale=True).to_pil()
    finally:
        pdf.close()
    image.save(f"/tmp/receipt-2025-{paper}.png")
    results = [r for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(results) == 1 and received.dossier_code in results[0].text


def test_a_shown_item_and_another_resolving_agency(gui, received, tmp_path: Path) -> None:
    from kiosk.printed.receipt import ReceiptDocument
    from ui.printing.receipt_render import render_pdf

    data = dataclasses.replace(
        received,
        documents=(ReceiptDocument("Thẻ Căn cước", "Xuất trình", 1, "shown"),),
        resolving_agency="Phòng Văn hóa - Xã hội xã Bát Tràng",
    )
    text = pdf_pages(render_pdf(data, tmp_path / "r.pdf"))[0]
    assert "Thẻ Căn cước Xuất trình 01" in text
    assert "Cơ quan chủ trì giải quyết: Phòng Văn hóa - Xã hội xã Bát Tràng" in text
    same = dataclasses.replace(data, resolving_agency=data.agency_name.upper())
    assert "Cơ quan chủ trì giải quyết" not in pdf_pages(render_pdf(same, tmp_path / "same.pdf"))[0]


def test_the_copy_marker_is_the_sites_option(gui, ctx, received, tmp_path: Path) -> None:
    from kiosk.printed.load import find_dossier, receipt_data
    from ui.printing.receipt_render import render_pdf

    ctx.adopt(settings=ctx.settings.with_changes(receipt_copy_marker=True))  # an upgraded site
    with ctx.read() as session:
        data = receipt_data(ctx, find_dossier(session, received.dossier_code), reprint=False)
    pages = pdf_pages(render_pdf(data, tmp_path / "two.pdf", paper="A5"))
    assert len(pages) == 2
    assert "(Liên 1: Lưu)" in pages[0] and "(Liên 2: Giao người nộp)" in pages[1]
    assert all("Số định danh cá nhân/tổ chức" in page for page in pages)


def test_no_logbook_number_leaves_the_blanks(gui, received, tmp_path: Path) -> None:
    from ui.printing.receipt_render import render_pdf

    data = dataclasses.replace(received, logbook_number="", logbook_volume="")
    text = pdf_pages(render_pdf(data, tmp_path / "blank.pdf"))[0]
    assert "Số: …/…" in text and "Quyển số: …, Số thứ tự: … (nếu có)" in text
