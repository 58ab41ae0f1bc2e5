"""`kiosk-admin logbook` and `kiosk-admin report` (docs/cli.md, docs/logbook-and-reports.md).

Registered by ui.admin.cli.build_parser. Each reads a period of local days, writes an XLSX or a PDF (the CLI is
a composition root: it reaches into ui/printing for the Qt drawing) and, with --json, prints the figures.
Exports are recorded in the audit chain.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any, Callable

from kiosk.errors import InputError

EXIT_OK = 0


def parse_day(text: str) -> date:
    """A date typed as YYYY-MM-DD or DD/MM/YYYY; an InputError in Vietnamese otherwise."""
    text = (text or "").strip()
    try:
        if "/" in text:
            day, month, year = (int(p) for p in text.split("/"))
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"Ngày {text!r} không hợp lệ: viết YYYY-MM-DD hoặc DD/MM/YYYY.") from None


def _period(args: argparse.Namespace) -> tuple[date, date]:
    return parse_day(args.date_from), parse_day(args.date_to)


def _place(ctx: Any) -> str:
    from kiosk.printed.load import place_name

    return place_name(ctx.settings)


def register(add: Callable[..., argparse.ArgumentParser], open_kiosk: Callable, actor: Callable[[], str]) -> None:
    """Add `logbook` and `report` with `add(name, handler, help)` of build_parser."""

    def cmd_logbook(args: argparse.Namespace, out: Any) -> int:
        from forms.timezone import local_today
        from kiosk.books.xlsx import write_logbook_xlsx
        from kiosk.books.logbook import load_logbook, record_export

        start, end = _period(args)
        ctx = open_kiosk(args)
        book = load_logbook(ctx, start, end, args.field)
        if args.xlsx:
            target = write_logbook_xlsx(book, Path(args.xlsx), ctx.settings.unit_name)
        else:
            from ui.printing.logbook_render import render_logbook_pdf
            from ui.window.qt_app import ensure_gui_app

            ensure_gui_app()
            target = render_logbook_pdf(book, Path(args.pdf), unit_name=ctx.settings.unit_name, place_name=_place(ctx),
                                        today=local_today(ctx.now()))
        record_export(ctx, actor(), "logbook", start, end, "xlsx" if args.xlsx else "pdf")
        payload = {"ok": True, "file": target, "from": start, "to": end, "field": book.field or None,
                   "volumes": list(book.volumes), "entries": len(book.rows),
                   "handed_back": sum(1 for r in book.rows if r.handed_back_at is not None),
                   "rows": [{"volume": r.volume, "number": r.number, "code": r.code, "received_at": r.received_at,
                             "appointment": r.appointment, "handed_back_at": r.handed_back_at} for r in book.rows]}
        out.emit(payload, f"Đã lưu sổ theo dõi hồ sơ ({len(book.rows)} hồ sơ, {book.field_label}) vào {target}")
        return EXIT_OK

    def cmd_report(args: argparse.Namespace, out: Any) -> int:
        from forms.timezone import local_today
        from kiosk.books.xlsx import write_report_xlsx
        from kiosk.books.logbook import record_export
        from kiosk.books.report import load_report

        start, end = _period(args)
        ctx = open_kiosk(args)
        data = load_report(ctx, start, end)
        if args.xlsx:
            target = write_report_xlsx(data, Path(args.xlsx), ctx.settings.unit_name)
        else:
            from ui.printing.logbook_render import render_report_pdf
            from ui.printing.report_charts import render_charts
            from ui.window.qt_app import ensure_gui_app

            ensure_gui_app()
            target = render_report_pdf(data, Path(args.pdf), unit_name=ctx.settings.unit_name, place_name=_place(ctx),
                                       today=local_today(ctx.now()), charts=render_charts(data))
        record_export(ctx, actor(), "report", start, end, "xlsx" if args.xlsx else "pdf")
        out.emit({"ok": True, "file": target, **data.as_dict()},
                 f"Đã lưu báo cáo từ {start:%d/%m/%Y} đến {end:%d/%m/%Y} ({data.received} hồ sơ tiếp nhận) vào {target}")
        return EXIT_OK

    for name, handler, help_text in (
        ("logbook", cmd_logbook, "xuất sổ theo dõi hồ sơ (mẫu 07) của một khoảng thời gian ra XLSX hoặc PDF"),
        ("report", cmd_report, "xuất báo cáo tình hình tiếp nhận và trả kết quả của một khoảng thời gian ra XLSX hoặc PDF"),
    ):
        p = add(name, handler, help_text)
        p.add_argument("--from", dest="date_from", required=True, metavar="DATE", help="ngày đầu (YYYY-MM-DD hoặc DD/MM/YYYY)")
        p.add_argument("--to", dest="date_to", required=True, metavar="DATE", help="ngày cuối, tính cả ngày này")
        if name == "logbook":
            p.add_argument("--field", help="lĩnh vực: ho_tich (Hộ tịch) hoặc chung_thuc (Chứng thực); mặc định: tất cả")
        target = p.add_mutually_exclusive_group(required=True)
        target.add_argument("--xlsx", metavar="OUT", help="tệp Excel ghi ra")
        target.add_argument("--pdf", metavar="OUT", help="tệp PDF ghi ra")


