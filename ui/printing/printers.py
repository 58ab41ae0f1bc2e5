"""Printer availability for `kiosk-admin doctor` (Qt's printer list; works offscreen) and the default printer the
receipt goes to without a dialog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.admin.doctor import Finding

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter


def printer_checks() -> list[Finding]:
    from PySide6.QtPrintSupport import QPrinterInfo

    from ui.window.qt_app import ensure_gui_app

    ensure_gui_app()
    printers = QPrinterInfo.availablePrinters()
    if not printers:
        return [Finding(
            "printer", "warning",
            "Không thấy máy in nào: cài máy in (hoặc dùng “Lưu PDF” để in ở máy khác).",
            "No printer found: install one (or save receipts as PDF and print elsewhere).",
        )]
    default = QPrinterInfo.defaultPrinter()
    name = default.printerName() if not default.isNull() else printers[0].printerName()
    return [Finding("printer", "ok", f"Máy in sẵn sàng: {name}.", f"Printer available: {name}.")]


def default_printer() -> QPrinter | None:
    """The system's default printer, ready to print at its full resolution; None when the machine has none.

    Kept apart from the printing itself (``ui.operations.printing.print_copies`` takes any QPrinter) so a test
    hands a PDF-backed QPrinter where a counter has its real one. Call it on the GUI thread (it asks CUPS or the
    Windows spooler, which answer at once)."""
    from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

    info = QPrinterInfo.defaultPrinter()
    if info.isNull():
        return None
    return QPrinter(info, QPrinter.PrinterMode.HighResolution)
