"""`kiosk-admin logbook` and `kiosk-admin report` on a generated month: the XLSX and PDF files read back.

The PDFs are read with pypdfium2 (text of every page, the heading row on each page of the logbook) and the
report's charts are looked for as non-white pixels in the rendered page. Renders are kept in /tmp/logbook/.
"""

from __future__ import annotations

import json
from pathlib import Path

import pypdfium2 as pdfium
from openpyxl import load_workbook

from cli_helpers import run
from logbook_month import FORM_07, make_month

LOOK = Path("/tmp/logbook")


def _month_site(site_dir: Path):
    from kiosk.security.officers import OfficerRef, add_officer
    from kiosk.storage.context import open_kiosk

    ctx = open_kiosk(site_dir)
    try:
        with ctx.transaction() as session:
            officer = OfficerRef.of(add_officer(session, "lan", "Trần Thị Lan", "officer", "246813"))
        return make_month(ctx, officer)
    finally:
        ctx.close()


def _pages_text(path: Path) -> list[str]:
    """Each page's text with every line break and space removed (a heading may wrap in its cell)."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        return ["".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf))]
    finally:
        pdf.close()


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _render(path: Path, name: str) -> list:
    LOOK.mkdir(exist_ok=True)
    pdf = pdfium.PdfDocument(str(path))
    images = []
    try:
        for i in range(len(pdf)):
            image = pdf[i].render(scale=100 / 72).to_pil()
            image.save(LOOK / f"{name}-{i + 1}.png")
            images.append(image)
    finally:
        pdf.close()
    return images


def test_the_logbook_exports_per_period_and_field(site_dir: Path, capsys, tmp_path: Path) -> None:
    tally = _month_site(site_dir)
    code, out, err = run(capsys, "--data-dir", str(site_dir), "--json", "logbook", "--from", "2026-11-01", "--to", "30/11/2026",
                         "--xlsx", str(tmp_path / "book.xlsx"))
    assert code == 0, err
    payload = json.loads(out)
    assert payload["entries"] == len(tally.codes) and payload["handed_back"] == len(tally.handed)
    rows = list(load_workbook(tmp_path / "book.xlsx").active.iter_rows(values_only=True))
    assert list(rows[0]) == FORM_07 and [r[1] for r in rows[1:]] == tally.codes

    code, out, err = run(capsys, "--data-dir", str(site_dir), "logbook", "--from", "2026-11-01", "--to", "2026-11-30",
                         "--field", "ho_tich", "--pdf", str(tmp_path / "book.pdf"))
    assert code == 0, err
    pages = _pages_text(tmp_path / "book.pdf")
    text = "\n".join(pages)
    assert _squeezed("SỔ THEO DÕI HỒ SƠ") in pages[0] and "Hộtịch" in pages[0]
    for heading in FORM_07:
        assert _squeezed(heading) in pages[0], heading
    for code in tally.codes:
        assert (code.replace("-", "") in text.replace("-", "")) == (code in tally.civil_codes)
    _render(tmp_path / "book.pdf", "logbook")

    code, out, err = run(capsys, "--data-dir", str(site_dir), "logbook", "--from", "2026-11-30", "--to", "2026-11-01",
                         "--xlsx", str(tmp_path / "bad.xlsx"))
    assert code != 0 and "trước ngày bắt đầu" in err and not (tmp_path / "bad.xlsx").exists()


def test_the_report_pdf_has_its_figures_and_charts(site_dir: Path, capsys, tmp_path: Path) -> None:
    tally = _month_site(site_dir)
    code, out, err = run(capsys, "--data-dir", str(site_dir), "--json", "report", "--from", "2026-11-01", "--to", "2026-11-30",
                         "--pdf", str(tmp_path / "report.pdf"))
    assert code == 0, err
    figures = json.loads(out)
    assert figures["received"] == len(tally.codes) and figures["returned_late"] == tally.late
    assert [r["count"] for r in figures["ratings"]] == [tally.scores[s] for s in (1, 2, 3, 4)]
    text = "".join(_pages_text(tmp_path / "report.pdf"))
    for expected in ("BÁO CÁO TÌNH HÌNH TIẾP NHẬN", "Hồ sơ tiếp nhận", "Trả kết quả quá hẹn", "Mức độ hài lòng", "Rất hài lòng"):
        assert _squeezed(expected) in text, expected
    pdf = pdfium.PdfDocument(str(tmp_path / "report.pdf"))
    try:
        images = [obj for i in range(len(pdf)) for obj in pdf[i].get_objects(filter=(pdfium.raw.FPDF_PAGEOBJ_IMAGE,))]
    finally:
        pdf.close()
    assert len(images) >= 3  # the three charts
    rendered = _render(tmp_path / "report.pdf", "report")
    coloured = sum(1 for image in rendered for px in image.convert("RGB").get_flattened_data() if px[2] > 120 and px[0] < 90)
    assert coloured > 500  # the blue bars of the procedure chart are drawn, not just a frame

    code, out, err = run(capsys, "--data-dir", str(site_dir), "report", "--from", "2026-11-01", "--to", "2026-11-30",
                         "--xlsx", str(tmp_path / "report.xlsx"))
    assert code == 0, err
    assert "Mức độ hài lòng" in load_workbook(tmp_path / "report.xlsx").sheetnames


def test_a_long_logbook_repeats_its_heading_row_on_every_page(tmp_path: Path) -> None:
    from datetime import date, datetime, timezone

    from kiosk.books.logbook import Logbook, LogbookRow
    from ui.printing.logbook_render import render_logbook_pdf
    from ui.window.qt_app import ensure_gui_app

    ensure_gui_app()
    received = datetime(2026, 11, 2, 2, 0, tzinfo=timezone.utc)
    rows = tuple(
        LogbookRow("01/2026", n, f"H26.105.12-261102-1{n:03d}", "Cấp Giấy xác nhận tình trạng hôn nhân", f"Nguyễn Văn An {n}",
                   "Số 12, ấp Tân Lợi, xã Tân Hưng, tỉnh Đồng Tháp / 0912 345 678", "UBND xã Tân Hưng", received,
                   date(2026, 11, 5), "17:00", received if n % 2 else None, "Nhận qua dịch vụ bưu chính công ích" if n % 2 else "", False)
        for n in range(1, 61)
    )
    book = Logbook(date(2026, 11, 1), date(2026, 11, 30), "", rows)
    path = render_logbook_pdf(book, tmp_path / "long.pdf", unit_name="Ủy ban nhân dân xã Tân Hưng", place_name="Tân Hưng",
                              today=date(2026, 12, 1))
    pages = _pages_text(path)
    assert len(pages) >= 3
    for i, page in enumerate(pages, 1):
        assert all(_squeezed(h) in page for h in FORM_07), i
        assert f"Trang{i}/{len(pages)}" in page
    numbers = [n for n in range(1, 61) if f"261102-1{n:03d}" in "".join(pages)]
    assert numbers == list(range(1, 61))  # no entry lost at a page break
    _render(path, "logbook-long")
