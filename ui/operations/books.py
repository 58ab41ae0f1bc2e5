"""Operations of the logbook and report page: read a period, write its XLSX or PDF (database worker; docs/logbook-and-reports.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ui.operations.op import Op

if TYPE_CHECKING:
    from kiosk.storage.context import KioskContext


def read_logbook(ctx: KioskContext, start: date, end: date, field: str) -> Op[Any]:
    """The logbook's entries of a period (kiosk.books.logbook.Logbook)."""
    from kiosk.books.logbook import load_logbook

    return Op(lambda: load_logbook(ctx, start, end, field))


def read_report(ctx: KioskContext, start: date, end: date) -> Op[Any]:
    """The period report's figures (kiosk.books.report.Report)."""
    from kiosk.books.report import load_report

    return Op(lambda: load_report(ctx, start, end))


def export_logbook(ctx: KioskContext, book: Any, path: Path, fmt: str, actor: str) -> Op[Path]:
    """Write the logbook already shown to XLSX or PDF and record the export in the audit chain."""

    def work() -> Path:
        from forms.timezone import local_today
        from kiosk.books.logbook import record_export
        from kiosk.books.xlsx import write_logbook_xlsx
        from kiosk.printed.load import place_name
        from ui.printing.logbook_render import render_logbook_pdf

        unit = ctx.settings.unit_name
        if fmt == "xlsx":
            target = write_logbook_xlsx(book, path, unit)
        else:
            target = render_logbook_pdf(book, path, unit_name=unit, place_name=place_name(ctx.settings), today=local_today(ctx.now()))
        record_export(ctx, actor, "logbook", book.start, book.end, fmt)
        return target

    return Op(work)


def print_logbook(ctx: KioskContext, book: Any, printer: Any, actor: str) -> Op[None]:
    """Print the logbook shown on ``printer`` (chosen in the print dialog) with the PDF's drawing; audited as an
    export ("print"): the book holds names, addresses and phones."""

    def work() -> None:
        from forms.timezone import local_today
        from kiosk.books.logbook import record_export
        from kiosk.printed.load import place_name
        from ui.printing.logbook_render import print_logbook as to_printer

        to_printer(book, printer, unit_name=ctx.settings.unit_name, place_name=place_name(ctx.settings), today=local_today(ctx.now()))
        record_export(ctx, actor, "logbook", book.start, book.end, "print")

    return Op(work)


def export_report(ctx: KioskContext, report: Any, charts: list[Any], path: Path, fmt: str, actor: str) -> Op[Path]:
    """Write the report shown to XLSX or PDF (with `charts`, rendered on the GUI thread) and record the export."""

    def work() -> Path:
        from forms.timezone import local_today
        from kiosk.books.logbook import record_export
        from kiosk.books.xlsx import write_report_xlsx
        from kiosk.printed.load import place_name
        from ui.printing.logbook_render import render_report_pdf

        unit = ctx.settings.unit_name
        if fmt == "xlsx":
            target = write_report_xlsx(report, path, unit)
        else:
            target = render_report_pdf(report, path, unit_name=unit, place_name=place_name(ctx.settings),
                                       today=local_today(ctx.now()), charts=charts)
        record_export(ctx, actor, "report", report.start, report.end, fmt)
        return target

    return Op(work)
