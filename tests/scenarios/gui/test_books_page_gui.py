"""The "Sổ theo dõi và báo cáo" page driven by keyboard in the real main window, on a generated month.

F9 from the home screen opens it; a period typed in the date fields and "Xem" fill the logbook table (form 07) and
the report with its charts; "Xuất Excel" writes the logbook; "In sổ" (Alt+I) prints it with the PDF's drawing;
nothing scrolls sideways at 1366x768. Screenshots of both tabs go to /tmp/logbook/.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import Qt

from conftest import start_main_window
from gui_thread_guard import seeding
from logbook_month import FORM_07, make_month

LOOK = Path("/tmp/logbook")


def _seed(site_dir: Path):
    from kiosk.security.officers import OfficerRef, add_officer
    from kiosk.storage.context import open_kiosk

    with seeding():
        ctx = open_kiosk(site_dir)
        try:
            with ctx.transaction() as session:
                officer = OfficerRef.of(add_officer(session, "lan", "Trần Thị Lan", "officer", "246813"))
            return make_month(ctx, officer)
        finally:
            ctx.close()


def _pages_text(path: Path) -> list[str]:
    """Each page's text with every space and line break removed (a heading may wrap in its cell)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return ["".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf))]
    finally:
        pdf.close()


def _no_sideways_scroll(page) -> list[str]:
    """Scroll areas of the page that scroll sideways now."""
    from PySide6.QtWidgets import QAbstractScrollArea

    return [w.objectName() or type(w).__name__ for w in page.findChildren(QAbstractScrollArea)
            if w.isVisible() and w.horizontalScrollBar().isVisible()]


def test_the_books_page_by_keyboard(qtbot, site_dir: Path, tmp_path: Path) -> None:
    tally = _seed(site_dir)
    window = start_main_window(qtbot, site_dir, officers=())
    window.resize(1366, 768)
    qtbot.keyClicks(window.login_page.username, "lan")
    qtbot.keyClicks(window.login_page.pin, "246813")
    qtbot.keyClick(window.login_page.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home_page, timeout=10_000)

    qtbot.keyClick(window.stack.currentWidget(), Qt.Key.Key_F9)
    page = window.books_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is page)
    qtbot.waitUntil(lambda: page.book is not None and page.report_view.report is not None, timeout=10_000)

    page.start.setFocus()
    qtbot.keyClicks(page.start, "01112026")
    page.end.setFocus()
    qtbot.keyClicks(page.end, "30112026")
    assert (page.start.date().toPython(), page.end.date().toPython()) == (date(2026, 11, 1), date(2026, 11, 30))
    page.book = None
    qtbot.keyClick(page.show_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: page.book is not None and page.book.start == date(2026, 11, 1), timeout=10_000)
    qtbot.waitUntil(lambda: page.report_view.report is not None and page.report_view.report.start == date(2026, 11, 1))

    assert [page.table.horizontalHeaderItem(c).text() for c in range(page.table.columnCount())] == FORM_07
    assert [page.table.item(r, 1).text() for r in range(page.table.rowCount())] == tally.codes
    handed = {page.table.item(r, 1).text() for r in range(page.table.rowCount()) if page.table.item(r, 8).text()}
    assert handed == set(tally.handed)
    figures = {page.report_view.figures.item(r, 0).text(): page.report_view.figures.item(r, 1).text()
               for r in range(page.report_view.figures.rowCount())}
    assert figures["Hồ sơ tiếp nhận"] == str(len(tally.codes)) and figures["Trả kết quả quá hẹn"] == str(tally.late)
    assert all(view.chart().series() for view in page.report_view.chart_views)

    LOOK.mkdir(exist_ok=True)
    qtbot.wait(50)
    assert _no_sideways_scroll(page) == []
    window.grab().save(str(LOOK / "screen-logbook.png"))
    page.tabs.tabBar().setFocus()
    qtbot.keyClick(page.tabs.tabBar(), Qt.Key.Key_Right)
    assert page.tabs.currentWidget() is page.report_view
    qtbot.wait(50)
    assert _no_sideways_scroll(page) == []
    window.grab().save(str(LOOK / "screen-report.png"))

    qtbot.keyClick(page.tabs.tabBar(), Qt.Key.Key_Left)
    page.ask_path = lambda fmt, suggested: tmp_path / suggested
    qtbot.keyClick(page.xlsx_button, Qt.Key.Key_Space)
    written = tmp_path / "so-theo-doi-ho-so-20261101-20261130.xlsx"
    qtbot.waitUntil(written.exists, timeout=10_000)
    rows = list(load_workbook(written).active.iter_rows(values_only=True))
    assert list(rows[0]) == FORM_07 and len(rows) == 1 + len(tally.codes)

    # "In sổ" (Alt+I) prints the logbook with the PDF's drawing: here on a printer that writes a PDF file.
    printed = tmp_path / "printed.pdf"

    def pdf_printer():
        from PySide6.QtPrintSupport import QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return printer

    page.ask_printer = pdf_printer
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: "Đã gửi sổ" in page.message.text(), timeout=20_000)
    pages = _pages_text(printed)
    assert "SỔTHEODÕIHỒSƠ" in pages[0] and "Tênthủtụchànhchính" in pages[0]
    assert all(code.replace(" ", "") in "".join(pages) for code in tally.codes)
    assert pages[-1].endswith(f"Trang{len(pages)}/{len(pages)}")
    import pypdfium2 as pdfium

    width, height = pdfium.PdfDocument(str(printed))[0].get_size()
    assert width > height  # landscape A4, as the PDF export

    qtbot.keyClick(page.home_button, Qt.Key.Key_Space)
    assert window.stack.currentWidget() is window.home_page
    window.tasks.shutdown()
