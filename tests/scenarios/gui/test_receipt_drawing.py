"""The receipt drawn by Qt to PDF, image and printer (ui/printing/), read back with pypdfium2 and zxing-cpp.
Moved from tests/test_receipt.py; the model's tests are in tests/unit/kiosk/test_receipt.py."""

from __future__ import annotations

import dataclasses
import io
import threading
import unicodedata
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image

from kiosk.printed.receipt import (
    DEFAULT_COPIES,
    TITLE,
    ReceiptData,
    ReceiptDocument,
    sample_receipt,
)

MARGIN_PT = 15 * 72 / 25.4
LONG_ADDRESS = (
    "Tổ dân phố số 7, khu phố Nguyễn Thị Minh Khai, đường Hoàng Quốc Việt nối dài, ấp Tân Lợi "
    "Đông, xã Tân Hưng, tỉnh Đồng Tháp (gần chợ cũ, đối diện trường Tiểu học Tân Hưng A)"
)
TWELVE_DOCUMENTS = tuple(
    ReceiptDocument(
        f"Giấy tờ số {i}: bản sao Giấy khai sinh của con thứ {i}, có xác nhận của nơi cư trú",
        ("Bản chính", "Bản sao có chứng thực", "Bản chụp")[i % 3],
        i % 3 + 1,
    )
    for i in range(1, 13)
)


def flat(text: str) -> str:
    """Text as the reader sees it: NFC, runs of white space (line breaks included) as one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


# -- pure helpers ---------------------------------------------------------------------------

# -- rendering ------------------------------------------------------------------------------

@pytest.fixture
def gui(qapp):
    from ui.window.qt_app import ensure_gui_app

    assert ensure_gui_app() is qapp  # reuses pytest-qt's QApplication, adds the fonts
    return qapp


def render(data: ReceiptData, tmp_path: Path, paper: str, **kw) -> pdfium.PdfDocument:
    from ui.printing.receipt_render import render_pdf

    path = render_pdf(data, tmp_path / f"receipt-{paper}.pdf", paper, **kw)
    assert path == tmp_path / f"receipt-{paper}.pdf"
    return pdfium.PdfDocument(str(path))


def page_text(page: pdfium.PdfPage) -> str:
    return flat(page.get_textpage().get_text_range())


def decode_qr(image: Image.Image) -> list[zxingcpp.Result]:
    return [r for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


def assert_in_order(text: str, parts: list[str]) -> None:
    at = -1
    for part in parts:
        found = text.find(part, at + 1)
        assert found > at, f"{part!r} missing or out of order in {text!r}"
        at = found


def assert_inside_margins(page: pdfium.PdfPage) -> None:
    """Every object, text and strokes, lies on the page within its 15 mm margins (±1 pt)."""
    width, height = page.get_size()
    for obj in page.get_objects(max_depth=8):
        left, bottom, right, top = obj.get_bounds()
        assert left >= MARGIN_PT - 1 and right <= width - MARGIN_PT + 1, (obj.type, left, right)
        assert bottom >= MARGIN_PT - 1 and top <= height - MARGIN_PT + 1, (obj.type, bottom, top)


@pytest.mark.parametrize(("paper", "min_qr_mm"), [("A4", 28), ("A5", 24)])
def test_pdf_has_one_page_per_copy_and_a_scannable_qr(gui, tmp_path, paper, min_qr_mm):
    data = sample_receipt()
    pdf = render(data, tmp_path, paper)
    assert len(pdf) == 2
    for page, label, other in zip(pdf, DEFAULT_COPIES, reversed(DEFAULT_COPIES)):
        image = page.render(scale=150 / 72).to_pil()
        results = decode_qr(image)
        assert len(results) == 1
        assert results[0].text == data.tracking_url
        assert data.dossier_code in results[0].text
        corners = results[0].position
        side_px = abs(corners.top_right.x - corners.top_left.x)
        # zxing reports the outer corners of the symbol, without the quiet zone.
        assert side_px * 25.4 / 150 >= min_qr_mm - 1.5
        text = page_text(page)
        assert label in text and other not in text


@pytest.mark.parametrize("paper", ["A4", "A5"])
def test_pdf_text_has_every_field_in_the_form_order(gui, tmp_path, paper):
    data = sample_receipt()
    page = render(data, tmp_path, paper)[0]
    text = page_text(page)
    assert unicodedata.normalize("NFC", data.submitter_name) == "Nguyễn Thị Ánh Tuyết"
    assert_in_order(text, [
        data.agency_name.upper(),
        "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Tân Hưng, ngày 23 tháng 11 năm 2026",
        TITLE,
        "Mã hồ sơ:",
        data.dossier_code,
        "Liên 1: Lưu",
        "Bộ phận tiếp nhận và trả kết quả:",
        "Tiếp nhận hồ sơ của:",
        "Nguyễn Thị Ánh Tuyết",
        "Địa chỉ: Số 12, ấp Tân Lợi, xã Tân Hưng, tỉnh Đồng Tháp",
        "Số điện thoại: 0912 345 678",
        "Email: anhtuyet.nguyen@example.vn",
        "Nội dung yêu cầu giải quyết: Xác nhận tình trạng hôn nhân",
        "1.004873",
        "1. Thành phần hồ sơ nộp gồm:",
        "STT", "Tên giấy tờ", "Hình thức", "Số lượng",
        "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân", "Bản chính",
        "Trích lục ghi chú ly hôn", "Bản sao có chứng thực",
        "2. Số lượng hồ sơ: 01 (bộ)",
        "3. Thời hạn giải quyết hồ sơ theo quy định: 03 ngày làm việc",
        "4. Thời gian nhận hồ sơ: 10 giờ 05 phút, ngày 23 tháng 11 năm 2026",
        "5. Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 30 phút, ngày 26 tháng 11 năm 2026",
        "6. Đăng ký nhận kết quả tại:",
        "Vào Sổ theo dõi hồ sơ, Quyển số: 03, Số thứ tự: 0125",
        "Lệ phí: 3.000 đồng",
        "Đường dây nóng: 0277 3 851 234",
        "Tra cứu hồ sơ:",
        "NGƯỜI NỘP HỒ SƠ",
        "(Ký và ghi rõ họ tên)",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "(Ký và ghi rõ họ tên)",
        "Trần Văn Bình",
    ])
    # The printed URL may wrap; without white space it is the QR's text.
    assert data.tracking_url in "".join(text.split())
    assert "BẢN IN LẠI" not in text
    assert_inside_margins(page)


@pytest.mark.parametrize("paper", ["A4", "A5"])
def test_long_address_and_twelve_documents_fit_one_page(gui, tmp_path, paper):
    data = dataclasses.replace(
        sample_receipt(),
        submitter_name="Tôn Nữ Thị Hoàng Anh Phương Thảo",
        submitter_address=LONG_ADDRESS,
        documents=TWELVE_DOCUMENTS,
    )
    pdf = render(data, tmp_path, paper, copies=("Liên 2: Giao người nộp",))
    assert len(pdf) == 1
    page = pdf[0]
    text = page_text(page)
    assert_in_order(
        text,
        ["Tôn Nữ Thị Hoàng Anh Phương Thảo", flat(LONG_ADDRESS)]
        + [flat(doc.name) for doc in TWELVE_DOCUMENTS]
        + ["Vào Sổ theo dõi hồ sơ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "Trần Văn Bình"],
    )
    # The officer's name, the last thing drawn, is on the page above the bottom margin.
    textpage = page.get_textpage()
    index, count = textpage.search("Trần Văn Bình").get_next()
    _, bottom, _, _ = textpage.get_charbox(index + count - 1)
    assert bottom >= MARGIN_PT - 1
    assert_inside_margins(page)
    assert [r.text for r in decode_qr(page.render(scale=150 / 72).to_pil())] == [data.tracking_url]


def test_reprint_is_marked_with_the_print_time(gui, tmp_path):
    data = dataclasses.replace(
        sample_receipt(),
        reprint=True,
        printed_at=datetime(2026, 11, 24, 1, 15, tzinfo=timezone.utc),
    )
    text = page_text(render(data, tmp_path, "A5")[1])
    assert "BẢN IN LẠI – in ngày 24/11/2026 08:15" in text
    assert_in_order(text, ["Mã hồ sơ", "BẢN IN LẠI", "Tiếp nhận hồ sơ của"])


def test_empty_optional_fields_keep_a_dotted_line(gui, tmp_path):
    data = dataclasses.replace(sample_receipt(), submitter_email="", documents=(), fee_text="")
    text = page_text(render(data, tmp_path, "A4", copies=("Liên 1: Lưu",))[0])
    assert "Email: ………………" in text
    assert "Không có giấy tờ kèm theo" in text
    assert "Lệ phí" not in text


def test_preview_image_matches_the_page_and_scans(gui):
    from PySide6.QtCore import QBuffer, QIODevice

    from ui.printing.receipt_render import render_image

    data = sample_receipt()
    image = render_image(data, "A5", dpi=110, copy_label="Liên 2: Giao người nộp")
    assert (image.width(), image.height()) == (round(148 * 110 / 25.4), round(210 * 110 / 25.4))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "PNG")
    pil = Image.open(io.BytesIO(bytes(buffer.data()))).convert("L")
    results = decode_qr(pil)
    assert [r.text for r in results] == [data.tracking_url]
    # Modules on whole pixels, no anti-aliasing: the symbol is pure black and white.
    corners = results[0].position
    box = (corners.top_left.x, corners.top_left.y, corners.bottom_right.x, corners.bottom_right.y)
    assert {value for _, value in pil.crop(box).getcolors()} == {0, 255}


def test_pdf_renders_in_a_worker_thread(gui, tmp_path):
    from ui.printing.receipt_render import render_pdf

    data = sample_receipt()
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["path"] = render_pdf(data, tmp_path / "thread.pdf", "A5")
        except BaseException as exc:  # handed to the test thread
            outcome["error"] = exc

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive()
    assert "error" not in outcome, outcome.get("error")
    pdf = pdfium.PdfDocument(str(outcome["path"]))
    assert len(pdf) == 2
    assert [r.text for r in decode_qr(pdf[0].render(scale=150 / 72).to_pil())] == [
        data.tracking_url
    ]


def test_failed_render_leaves_no_file(gui, tmp_path, monkeypatch):
    import ui.printing.receipt_render as receipt_render

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    target = tmp_path / "receipt.pdf"
    target.write_bytes(b"previous receipt")
    monkeypatch.setattr(receipt_render, "paint_receipt", broken)
    with pytest.raises(RuntimeError, match="boom"):
        receipt_render.render_pdf(sample_receipt(), target)
    assert target.read_bytes() == b"previous receipt"  # the old file is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["receipt.pdf"]  # no temp file left


def test_unknown_paper_is_refused(gui, tmp_path):
    from ui.printing.receipt_render import render_image, render_pdf

    with pytest.raises(ValueError):
        render_pdf(sample_receipt(), tmp_path / "x.pdf", "Letter")
    with pytest.raises(ValueError):
        render_image(sample_receipt(), "A3")
    assert list(tmp_path.iterdir()) == []


def test_print_receipt_through_a_pdf_printer(gui, tmp_path):
    from PySide6.QtGui import QPageSize
    from PySide6.QtPrintSupport import QPrinter

    from ui.printing.receipt_render import print_receipt

    data = sample_receipt()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A5))
    print_receipt(data, printer)
    pdf = pdfium.PdfDocument(str(tmp_path / "printed.pdf"))
    assert len(pdf) == 2
    assert "Liên 2: Giao người nộp" in page_text(pdf[1])
    assert [r.text for r in decode_qr(pdf[1].render(scale=150 / 72).to_pil())] == [
        data.tracking_url
    ]
    assert_inside_margins(pdf[1])


def test_register_fonts_is_idempotent(gui):
    from ui.window.qt_app import register_fonts

    first = register_fonts()
    assert "Noto Serif" in first and "Noto Sans" in first
    assert register_fonts() == first


def test_times_on_the_receipt_do_not_depend_on_the_machine_zone(gui, tmp_path):
    # The same instant given in another zone prints the same Vietnamese time.
    data = sample_receipt()
    shifted = dataclasses.replace(
        data, received_at=data.received_at.astimezone(timezone(timedelta(hours=-5)))
    )
    text = page_text(render(shifted, tmp_path, "A4")[0])
    assert "10 giờ 05 phút, ngày 23 tháng 11 năm 2026" in text
