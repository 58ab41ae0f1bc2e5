"""Printer availability for `kiosk-admin doctor` (Qt's printer list; works offscreen)."""

from __future__ import annotations

from kiosk.admin.doctor import Finding


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
