""""Tiếp nhận và in giấy hẹn" on the real window prints without a dialog: a PDF-backed QPrinter stands in for the
counter's default printer (the page finds its printer through `find_printer`, the one seam) and receives the site's
number of copies, one a page or two to an A4 sheet; with no default printer the officer reads why in Vietnamese and
the dossier is already in the database (docs/printing.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PySide6.QtCore import Qt

from conftest import log_in, open_raw_db, start_main_window
from forms.samples import sample_values


def _site_with(site_dir: Path, **changes) -> None:
    from kiosk.storage.settings import load_settings, save_settings

    path = site_dir / "settings.json"
    save_settings(path, load_settings(path).with_changes(**changes))


def _receive(qtbot, win) -> None:
    """A birth registration from the home screen to the "Tiếp nhận và in giấy hẹn" click."""
    log_in(qtbot, win)
    win.home_page.procedure_chosen.emit("1.001193")
    wizard = win.wizard_page
    qtbot.waitUntil(lambda: win.stack.currentWidget() is wizard and wizard.procedure is not None, timeout=10_000)
    wizard.start(wizard.procedure, sample_values(wizard.procedure, seed=7, today=date.today()), 0, None)
    for _ in range(20):
        if wizard.step == "review":
            break
        if wizard.step == "documents":
            wizard.tick_all_documents()
        qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
        assert not wizard.error.isVisible(), wizard.error.text()
    assert wizard.next_button.text().startswith("Tiếp nhận và in giấy hẹn")
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.receipt_page, timeout=20_000)


def _pdf_printer(path: Path):
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def _stored_codes(site_dir: Path) -> list[str]:
    connection = open_raw_db(site_dir)
    try:
        return [row[0] for row in connection.execute("SELECT code FROM dossier WHERE lifecycle = 'submitted'")]
    finally:
        connection.close()


@pytest.mark.parametrize(("copies", "two_up", "pages"), [(3, False, 3), (2, True, 1)])
def test_the_site_copies_go_to_the_default_printer_without_a_dialog(
    qtbot, site_dir: Path, tmp_path: Path, copies: int, two_up: bool, pages: int
) -> None:
    _site_with(site_dir, receipt_copies=copies, receipt_two_up=two_up)
    win = start_main_window(qtbot, site_dir)
    try:
        printed = tmp_path / "printer-output.pdf"
        win.receipt_page.find_printer = lambda: _pdf_printer(printed)
        _receive(qtbot, win)
        page = win.receipt_page
        qtbot.waitUntil(lambda: f"Đã gửi {copies} bản giấy hẹn" in page.notice.text(), timeout=30_000)
        assert not page.error.isVisible()
        code = page.data.dossier_code
        pdf = pdfium.PdfDocument(str(printed))
        try:
            assert len(pdf) == pages  # copies x one page, or two copies to a sheet
            text = " ".join(" ".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf)))
            if two_up:
                assert pdf[0].get_size()[0] > pdf[0].get_size()[1]  # landscape A4
                pdf[0].render(scale=100 / 72).to_pil().save("/tmp/print80-shots/printed-two-up.png")
        finally:
            pdf.close()
        assert text.count(f"Mã hồ sơ: {code}") == copies
        if two_up:  # the preview shows the sheet as it prints
            assert page.paper_key() == "A4x2"
            qtbot.waitUntil(lambda: page.preview.pixmap() is not None and not page.preview.pixmap().isNull(), timeout=20_000)
            assert page.preview.pixmap().width() > page.preview.pixmap().height()
    finally:
        win.tasks.shutdown()


def test_no_default_printer_says_so_and_the_dossier_is_kept(qtbot, window, site_dir: Path) -> None:
    window.receipt_page.find_printer = lambda: None  # a counter PC with no printer set as default
    _receive(qtbot, window)
    page = window.receipt_page
    assert page.error.isVisible()
    assert "Máy chưa có máy in mặc định" in page.error.text()
    assert "hồ sơ đã được lưu, có thể in lại từ danh sách hồ sơ" in page.error.text()
    assert _stored_codes(site_dir) == [page.data.dossier_code]
    assert page.code_label.text() == page.data.dossier_code
    page.grab().save("/tmp/print80-shots/receipt-page-no-printer.png")
