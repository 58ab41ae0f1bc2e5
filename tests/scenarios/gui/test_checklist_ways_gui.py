"""The documents checklist with the way per item, driven through the real widgets: tick, choose the way, 3 pages with
2 scans is stopped with the Vietnamese message, a looked-up item with its record number reaches the receipt."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image
from PySide6.QtCore import Qt

from conftest import fill_form_pages, log_in
from forms.samples import sample_values
from ui.window.main_window import MainWindow


def _to_checklist(qtbot, win: MainWindow) -> None:
    win.home_page.procedure_chosen.emit("1.004873")
    wizard = win.wizard_page
    qtbot.waitUntil(lambda: win.stack.currentWidget() is wizard, timeout=5_000)
    values = sample_values(wizard.procedure, seed=10, today=date.today())  # divorced: the decree, the ID card
    values["channel"] = "in_person"  # the citizen files in person: no authorisation letter
    fill_form_pages(qtbot, wizard, values)
    assert wizard.step == "documents"


def test_ways_pages_and_scans_on_the_checklist(qtbot, window: MainWindow, tmp_path: Path) -> None:
    log_in(qtbot, window)
    _to_checklist(qtbot, window)
    wizard = window.wizard_page
    decree, card = wizard.document_rows["ban_an_ly_hon"], wizard.document_rows["giay_to_tuy_than"]
    # From the version in force: the ID card is looked up (Nghị quyết 66.7/2025), the decree submitted.
    assert decree.way.currentText() == "Nộp" and card.way.currentText() == "Khai thác CSDL"
    assert not card.scan_button.isVisibleTo(wizard)  # a looked-up item is never scanned
    card.set_way("shown")
    assert card.way.currentText() == "Xuất trình" and not card.scan_button.isVisibleTo(wizard)  # nor a shown one

    qtbot.mouseClick(decree.box, Qt.MouseButton.LeftButton)
    assert decree.box.isChecked()
    decree.kind.setCurrentIndex(decree.kind.findData("certified_copy"))
    decree.pages.setFocus()
    decree.pages.selectAll()
    qtbot.keyClicks(decree.pages, "3")
    assert decree.pages.value() == 3
    for i in range(2):
        scan = tmp_path / f"trang-{i + 1}.png"
        Image.new("RGB", (50, 70), "white").save(scan)
        decree.add_scan(scan)
    qtbot.waitUntil(lambda: len(decree.scans) == 2, timeout=10_000)
    assert decree.scan_label.text() == "Đã quét 2/3 trang"

    # The ID card is looked up in the national population database this time, with the record's number.
    card.way.setFocus()
    card.set_way("looked_up")
    card.box.setFocus()
    qtbot.keyClick(card.box, Qt.Key.Key_Space)  # ticked from the keyboard
    assert card.record.isVisibleTo(wizard) and not card.pages.isVisibleTo(wizard)
    assert card.box.isChecked()
    qtbot.keyClicks(card.record, "CSDLQG-0042")
    wizard.grab().save("/tmp/checklist-ways.png")

    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.step == "documents" and wizard.error.isVisible()
    assert "có 3 trang nhưng mới quét 2 trang; hãy quét đủ hoặc sửa số trang." in wizard.error.text()
    wizard.grab().save("/tmp/checklist-ways-refused.png")

    third = tmp_path / "trang-3.png"
    Image.new("RGB", (50, 70), "grey").save(third)
    decree.add_scan(third)
    qtbot.waitUntil(lambda: len(decree.scans) == 3, timeout=10_000)
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.step == "review", wizard.error.text()
    review = wizard.review_text.text()
    assert "Nộp – Bản sao có chứng thực, 3 trang" in review and "Khai thác CSDL (số CSDLQG-0042)" in review

    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    receipt = window.receipt_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is receipt, timeout=20_000)
    pdf_path = tmp_path / "giay-hen.pdf"
    receipt.save_pdf_to(pdf_path)
    qtbot.waitUntil(pdf_path.exists, timeout=20_000)
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        assert len(pdf) == 1  # a new site: no "Liên" copies
        text = " ".join(pdf[0].get_textpage().get_text_range().split())
    finally:
        pdf.close()
    assert "Khai thác CSDL (số CSDLQG-0042)" in text and "Nộp – Bản sao có chứng thực, 3 trang" in text
