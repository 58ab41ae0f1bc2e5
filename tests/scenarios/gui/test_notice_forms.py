"""Forms 02, 03, 05 of Circular 03/2025 and the hand-back slip drawn to PDF (A4 and A5), read back with pypdfium2: the
title, the unit, the number, the citizen, the items or the reason, the signatures, one page inside the margins
(docs/notices.md). Each page is also saved at 150 dpi under /tmp/notices/ for a person to look at."""

from __future__ import annotations

import dataclasses
import unicodedata
from datetime import datetime, timezone
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from kiosk.printed.notices import (
    BY_POST,
    GUIDANCE,
    HAND_BACK,
    KINDS,
    REFUSAL,
    STOP,
    MissingItem,
    NoticeData,
    sample_guidance,
    sample_hand_back,
    sample_notice,
)

MARGIN_PT = 15 * 72 / 25.4
LOOK_DIR = Path("/tmp/notices")
UNIT = "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"


def flat(text: str) -> str:
    """Text as the reader sees it: NFC, runs of white space (line breaks, no-break spaces) as one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.fixture
def gui(qapp):
    from ui.window.qt_app import ensure_gui_app

    assert ensure_gui_app() is qapp
    return qapp


def render(data: NoticeData, path: Path, paper: str) -> list[str]:
    """The PDF's pages as text; page 1 rendered at 150 dpi to /tmp/notices; every object inside the margins."""
    from ui.printing.notice_render import render_notice_pdf

    assert render_notice_pdf(data, path, paper) == path
    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[0]
        LOOK_DIR.mkdir(parents=True, exist_ok=True)
        page.render(scale=150 / 72, grayscale=True).to_pil().save(LOOK_DIR / f"{path.stem}.png")
        width, height = page.get_size()
        for obj in page.get_objects(max_depth=8):  # nothing drawn past the margins, so nothing clipped
            left, bottom, right, top = obj.get_bounds()
            assert MARGIN_PT - 1 <= left and right <= width - MARGIN_PT + 1, (obj.type, left, right)
            assert MARGIN_PT - 1 <= bottom and top <= height - MARGIN_PT + 1, (obj.type, bottom, top)
        return [flat(pdf[i].get_textpage().get_text_range()) for i in range(len(pdf))]
    finally:
        pdf.close()


def what_each_form_says(data: NoticeData) -> list[str]:
    """The citizen's name and the items or the reason, as the officer checks them on the paper."""
    if data.kind == GUIDANCE:
        return [data.citizen.name, *(f"{i}. {item.text}" for i, item in enumerate(data.items, 1)),
                "NGƯỜI HƯỚNG DẪN"]
    if data.kind == REFUSAL:
        return [data.citizen.name, flat(data.reason), f"Số định danh cá nhân/tổ chức: {data.citizen.id_number}",
                "Mã hồ sơ (nếu có):", "NGƯỜI TIẾP NHẬN HỒ SƠ"]
    if data.kind == STOP:
        return [data.citizen.name, data.reason, f"Mã hồ sơ: {data.dossier_code}",
                "Thời gian nhận hồ sơ: 10 giờ 05 phút, ngày 23 tháng 11 năm 2026",
                "Ngày 30 tháng 11 năm 2026, Ông (Bà) đề nghị dừng giải quyết hồ sơ", "NGƯỜI TIẾP NHẬN HỒ SƠ"]
    return [data.submitter.name, f"Mã hồ sơ: {data.dossier_code}",
            "Người nhận kết quả: Lê Văn Hùng (người được ủy quyền)", "Số định danh cá nhân: 082088004321",
            "Giấy tờ ủy quyền: Văn bản ủy quyền có chứng thực ngày 20/11/2026",
            "Kết quả giải quyết: Giấy xác nhận tình trạng hôn nhân số 45/2026/XNTTHN",
            "Thời gian trả kết quả: 15 giờ 20 phút, ngày 26 tháng 11 năm 2026",
            "Phương thức nhận kết quả: Nhận trực tiếp tại Bộ phận Tiếp nhận và Trả kết quả",
            "Phí, lệ phí thu khi trả kết quả: 3.000 đồng", "NGƯỜI NHẬN KẾT QUẢ", "(Ký nhận, ghi rõ họ tên)",
            "NGƯỜI TRẢ KẾT QUẢ"]


@pytest.mark.parametrize("paper", ["A4", "A5"])
@pytest.mark.parametrize("kind", KINDS)
def test_each_form_prints_on_one_page_with_what_the_officer_checks(gui, tmp_path: Path, kind: str,
                                                                    paper: str) -> None:
    data = sample_notice(kind)
    pages = render(data, tmp_path / f"{kind}-{paper}.pdf", paper)
    assert len(pages) == 1
    text = pages[0]
    for part in (data.title, "ỦY BAN NHÂN DÂN XÃ TÂN HƯNG", UNIT, f"Số: {data.number}",
                 "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 "Tân Hưng, ngày", data.officer_name, *what_each_form_says(data)):
        assert part in text, part
    assert "Liên" not in text


def test_a_guidance_for_a_dossier_sent_back_names_it_and_a_long_list_still_fits_one_a5_page(gui, tmp_path):
    items = tuple(MissingItem(f"Giấy tờ số {i}: bản sao Giấy khai sinh của con thứ {i}, có xác nhận của nơi cư trú",
                              "Bản sao có chứng thực hoặc bản chính để đối chiếu, ghi rõ họ tên và chữ ký")
                  for i in range(1, 13))
    data = dataclasses.replace(
        sample_guidance(), items=items, dossier_code="000.31.05.H56-261123-0007",
        dossier_received_at=datetime(2026, 11, 23, 3, 5, tzinfo=timezone.utc),
    )
    pages = render(data, tmp_path / "guidance-sent-back-A5.pdf", "A5")
    assert len(pages) == 1
    text = pages[0]
    for part in ("Mã hồ sơ: 000.31.05.H56-261123-0007", "Thời gian nhận hồ sơ: 10 giờ 05 phút",
                 "12. Giấy tờ số 12:", "Thời hạn giải quyết được tính lại", "NGƯỜI HƯỚNG DẪN", data.officer_name):
        assert part in text, part


def test_a_result_sent_by_post_to_the_submitter_without_a_fee(gui, tmp_path):
    data = dataclasses.replace(sample_hand_back(), collected_by=None, method=BY_POST, post_reference="EB123456789VN",
                               fee_collected_vnd=None, number="")
    text = render(data, tmp_path / "hand-back-post-A4.pdf", "A4")[0]
    for part in ("Số: …/…/…", "Người nhận kết quả: Nguyễn Thị Ánh Tuyết (người nộp hồ sơ)",
                 "Số định danh cá nhân: 082190001234", "Nhận qua dịch vụ bưu chính công ích",
                 "Số hiệu bưu gửi: EB123456789VN", "Phí, lệ phí thu khi trả kết quả: Không"):
        assert part in text, part
    assert "Giấy tờ ủy quyền" not in text


def test_the_preview_image_and_the_printer(gui, tmp_path):
    from PySide6.QtGui import QPageSize
    from PySide6.QtPrintSupport import QPrinter

    from ui.printing.notice_render import print_notice, render_notice_image

    image = render_notice_image(sample_notice(STOP), "A5", dpi=100)
    assert (image.width(), image.height()) == (round(148 / 25.4 * 100), round(210 / 25.4 * 100))
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A5))
    print_notice(sample_notice(REFUSAL), printer)
    pdf = pdfium.PdfDocument(str(tmp_path / "printed.pdf"))
    try:
        assert len(pdf) == 1
        assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in flat(pdf[0].get_textpage().get_text_range())
    finally:
        pdf.close()


def test_the_sample_command_draws_a_form_for_a_successor(gui, tmp_path, capsys):
    from ui.printing.notice_render import main

    out = tmp_path / "hand-back.pdf"
    assert main(["--sample", HAND_BACK, "--paper", "A5", "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    pdf = pdfium.PdfDocument(str(out))
    try:
        assert "PHIẾU GIAO NHẬN KẾT QUẢ GIẢI QUYẾT HỒ SƠ" in flat(pdf[0].get_textpage().get_text_range())
    finally:
        pdf.close()
    with pytest.raises(ValueError):
        from ui.printing.notice_render import render_notice_pdf

        render_notice_pdf(sample_notice(GUIDANCE), tmp_path / "x.pdf", "Letter")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hand-back.pdf"]
