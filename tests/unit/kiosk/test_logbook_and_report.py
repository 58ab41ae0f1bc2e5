"""The logbook (form 07) and the period report over a generated month (docs/logbook-and-reports.md).

The test makes a month of dossiers, hand-backs, stops, notices and ratings and keeps its own tally of what it
did (tests/support/logbook_month.py); the report's figures and the XLSX rows must equal that tally.
"""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from kiosk.books.xlsx import write_logbook_xlsx, write_report_xlsx
from kiosk.books.logbook import logbook
from kiosk.books.report import period_of, report
from kiosk.errors import InputError
from logbook_month import FORM_07, TODAY, make_month as _month

def test_the_report_of_a_generated_month_equals_the_tally(ctx, officer, tmp_path) -> None:
    tally = _month(ctx, officer)
    start, end = period_of("month", date(2026, 11, 17))
    assert (start, end) == (date(2026, 11, 1), date(2026, 11, 30))
    with ctx.read() as session:
        figures = report(session, start, end, TODAY)
    assert figures.received == len(tally.codes)
    assert {c.key: c.count for c in figures.by_procedure} == tally.by_procedure
    assert sum(c.count for c in figures.by_channel) == len(tally.codes)
    assert (figures.guidance, figures.refusals) == (tally.guidance, tally.refusals)
    assert (figures.returned_on_time, figures.returned_late) == (tally.on_time, tally.late)
    assert figures.stopped == len(tally.stopped)
    overdue = [c for c in tally.codes if tally.appointments[c] < TODAY and c not in tally.handed and c not in tally.stopped]
    assert figures.overdue_now == len(overdue) + 1  # and October's dossier, overdue now whatever the period
    assert figures.fees_at_receipt_vnd == tally.fee_receipt_vnd > 0
    assert figures.fees_at_hand_back_vnd == tally.fee_hand_back_vnd == 15_000
    assert [c.count for c in figures.ratings] == [tally.scores[s] for s in (1, 2, 3, 4)]
    assert figures.share(figures.ratings[0].count) == 25.0

    out = write_report_xlsx(figures, tmp_path / "report.xlsx", "UBND xã Tân Hưng")
    sheets = load_workbook(out).sheetnames
    assert sheets == ["Tổng hợp", "Theo thủ tục", "Theo hình thức nộp", "Kết quả", "Phí lệ phí", "Mức độ hài lòng"]


def test_the_logbook_xlsx_has_form_07_and_one_row_per_dossier_of_the_period(ctx, officer, tmp_path) -> None:
    tally = _month(ctx, officer)
    with ctx.read() as session:
        book = logbook(session, date(2026, 11, 1), date(2026, 11, 30), receiving_unit="UBND xã Tân Hưng")
        civil = logbook(session, date(2026, 11, 1), date(2026, 11, 30), field="ho_tich")
    out = write_logbook_xlsx(book, tmp_path / "logbook.xlsx", "UBND xã Tân Hưng")
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == FORM_07
    assert [r[1] for r in rows[1:]] == tally.codes  # one row per dossier of the book, in STT order
    assert [int(r[0]) for r in rows[1:]] == list(range(2, 2 + len(tally.codes)))  # October's took number 1
    for r in rows[1:]:
        code = r[1]
        assert bool(r[8]) == (code in tally.handed)
        if code in tally.handed:
            assert r[9] == {"counter": "Nhận trực tiếp tại Bộ phận Tiếp nhận và Trả kết quả",
                            "post": "Nhận qua dịch vụ bưu chính công ích"}[tally.handed[code]]
        assert r[3] and r[5] and r[6] and r[7] and not r[10]
    assert [r.code for r in civil.rows] == tally.civil_codes
    with pytest.raises(InputError, match="Không có lĩnh vực"):
        with ctx.read() as session:
            logbook(session, date(2026, 11, 1), date(2026, 11, 30), field="dat_dai")
