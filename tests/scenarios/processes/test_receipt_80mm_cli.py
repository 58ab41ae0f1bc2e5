"""`kiosk-admin receipt CODE --pdf OUT --paper 80mm`: the slip is 80 mm wide, as long as its content, and its QR
decodes with zxing-cpp from the PDF rendered at 203 dpi (a thermal head's 8 dots/mm); "A4x2" puts both copies on one
landscape A4 sheet (docs/printing.md). The pictures go to /tmp/print80-shots for a person to look at."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import zxingcpp

from cli_helpers import birth_values, cli_site, run  # noqa: F401 - cli_site is a fixture

SHOTS = Path("/tmp/print80-shots")
MM_80_IN_POINTS = 80 * 72 / 25.4  # 226.77


def _submit(capsys, site: Path, tmp_path: Path) -> str:
    data = tmp_path / "birth.json"
    data.write_text(json.dumps(birth_values(), ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, "--data-dir", str(site), "submit", "--procedure", "1.001193", "--data", str(data))
    assert code == 0, err
    return out.split()[0]


def _text(page) -> str:
    return " ".join(unicodedata.normalize("NFC", page.get_textpage().get_text_range()).split())


def test_the_80mm_slip_is_80mm_wide_and_its_qr_decodes_at_203_dpi(cli_site: Path, capsys, tmp_path: Path) -> None:
    dossier_code = _submit(capsys, cli_site, tmp_path)
    pdf_path = tmp_path / "slip.pdf"
    code, out, err = run(capsys, "--data-dir", str(cli_site), "receipt", dossier_code, "--pdf", str(pdf_path),
                         "--paper", "80mm", "--json")
    assert code == 0, err
    assert json.loads(out)["paper"] == "80mm"
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        assert len(pdf) == 1  # a new site: one copy
        width, height = pdf[0].get_size()
        assert abs(width - MM_80_IN_POINTS) <= 0.5, width
        assert height > width  # as long as its content, not a fixed sheet
        image = pdf[0].render(scale=203 / 72).to_pil()
        text = _text(pdf[0])
    finally:
        pdf.close()
    SHOTS.mkdir(exist_ok=True)
    image.save(SHOTS / "receipt-80mm-203dpi.png")
    decoded = [b.text for b in zxingcpp.read_barcodes(image.convert("L"))]
    assert len(decoded) == 1 and f"/tra-cuu/{dossier_code}?t=" in decoded[0], decoded
    for part in (dossier_code, "GIẤY TIẾP NHẬN HỒ SƠ", "Hẹn trả kết quả:", "Giấy tờ đã nhận:", "Phí, lệ phí:",
                 "Nhận kết quả tại: Bộ phận Tiếp nhận và Trả kết quả,"):
        assert part in text, part
    assert "?t=" not in text  # the printed address is short: the token is in the QR only


def test_two_copies_on_one_a4_sheet(cli_site: Path, capsys, tmp_path: Path) -> None:
    dossier_code = _submit(capsys, cli_site, tmp_path)
    pdf_path = tmp_path / "sheet.pdf"
    code, out, err = run(capsys, "--data-dir", str(cli_site), "receipt", dossier_code, "--pdf", str(pdf_path),
                         "--paper", "A4x2")
    assert code == 0, err
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        assert len(pdf) == 1
        width, height = pdf[0].get_size()
        assert (round(width), round(height)) == (842, 595)  # A4 landscape
        text = _text(pdf[0])
        image = pdf[0].render(scale=150 / 72).to_pil()
    finally:
        pdf.close()
    image.save(SHOTS / "receipt-a4-two-up.png")
    assert text.count(f"Mã hồ sơ: {dossier_code}") == 2
    assert len(zxingcpp.read_barcodes(image.convert("L"))) == 2
