"""The logbook (form 07) and the period report over a generated month (docs/logbook-and-reports.md).

The test makes a month of dossiers, hand-backs, stops, notices and ratings and keeps its own tally of what it
did; the report's figures and the XLSX rows must equal that tally.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from forms.samples import sample_values
from kiosk.dossier.exports import write_logbook_xlsx, write_report_xlsx
from kiosk.dossier.fees import FeeInputs
from kiosk.dossier.handback import hand_back, mark_result_ready
from kiosk.dossier.logbook import logbook
from kiosk.dossier.notices import record_guidance, record_refusal, stop
from kiosk.dossier.ratings import rate
from kiosk.dossier.reports import period_of, report
from kiosk.dossier.submit import submit
from kiosk.errors import InputError
from kiosk.storage.models import Dossier

VN = ZoneInfo("Asia/Ho_Chi_Minh")
FORM_07 = ["STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Tên tổ chức/cá nhân", "Địa chỉ/Số điện thoại",
           "Cơ quan chủ trì giải quyết", "Nhận hồ sơ", "Hẹn trả", "Trả kết quả", "Phương thức nhận kết quả", "Ký nhận"]
CIVIL, CERTIFY = "1.004873", "2.000815"
TODAY = date(2026, 11, 30)


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), VN)


@dataclass
class Tally:
    """What the test itself did in November, counted as it went."""

    codes: list[str] = field(default_factory=list)
    civil_codes: list[str] = field(default_factory=list)
    by_procedure: dict[str, int] = field(default_factory=dict)
    handed: dict[str, str] = field(default_factory=dict)  # code -> by
    on_time: int = 0
    late: int = 0
    stopped: set[str] = field(default_factory=set)
    appointments: dict[str, date] = field(default_factory=dict)
    fee_receipt_vnd: int = 0
    fee_hand_back_vnd: int = 0
    scores: dict[int, int] = field(default_factory=lambda: {1: 0, 2: 0, 3: 0, 4: 0})
    guidance: int = 0
    refusals: int = 0


def _month(ctx, officer) -> Tally:
    tally = Tally()
    october = ctx.catalogue.in_force(CIVIL, date(2026, 10, 30))
    submit(ctx, procedure=october, values=sample_values(october, seed=99, today=date(2026, 10, 30)), officer=officer,
           now=at(date(2026, 10, 30)))  # outside the month: in no figure
    days = [date(2026, 11, d) for d in (2, 3, 4, 5, 6, 9, 10, 11)]
    for i, day in enumerate(days):
        code = CERTIFY if i % 3 == 2 else CIVIL
        procedure = ctx.catalogue.in_force(code, day)
        values = sample_values(procedure, seed=i, today=day)
        fee = FeeInputs()
        if code == CERTIFY:
            fee = FeeInputs(collected=True)
        try:
            result = submit(ctx, procedure=procedure, values=values, officer=officer, now=at(day), fee=fee)
        except InputError:  # no amount to collect for these answers: received without collecting
            result = submit(ctx, procedure=procedure, values=values, officer=officer, now=at(day))
        else:
            if fee.collected:
                with ctx.read() as session:
                    tally.fee_receipt_vnd += session.scalar(select(Dossier.fee_amount_vnd).where(Dossier.code == result.code)) or 0
        tally.codes.append(result.code)
        tally.by_procedure[code] = tally.by_procedure.get(code, 0) + 1
        if code == CIVIL:
            tally.civil_codes.append(result.code)
        tally.appointments[result.code] = result.appointment_date
    # Hand-backs: the first on its appointment day at the counter, the second 3 days late by post with a fee.
    for n, (code, late, by, fee) in enumerate(((tally.codes[0], False, "counter", None), (tally.codes[1], True, "post", 15_000))):
        appointment = tally.appointments[code]
        mark_result_ready(ctx, code, officer, now=at(appointment - timedelta(days=1)))
        day = appointment + timedelta(days=3) if late else appointment
        with ctx.read() as session:
            name = session.scalar(select(Dossier.submitter_name).where(Dossier.code == code))
        hand_back(ctx, code, receiver_name=name, officer=officer, by=by, fee_vnd=fee, now=at(day, 15))
        tally.handed[code] = by
        tally.late += late
        tally.on_time += not late
        tally.fee_hand_back_vnd += fee or 0
    stop(ctx, tally.codes[2], "Công dân xin rút hồ sơ", officer, now=at(date(2026, 11, 12)))
    tally.stopped.add(tally.codes[2])
    for code, score, reason in ((tally.codes[0], 1, None), (tally.codes[3], 2, None), (tally.codes[4], 4, None), (tally.codes[5], 3, None)):
        rate(ctx, code, score, reason, now=at(date(2026, 11, 20)))
        tally.scores[score] += 1
    civil = ctx.catalogue.in_force(CIVIL, date(2026, 11, 13))
    docs = [d.id for d in civil.documents][:1]
    record_guidance(ctx, civil, {}, docs, "", officer, now=at(date(2026, 11, 13)))
    record_guidance(ctx, civil, {}, docs, "", officer, now=at(date(2026, 11, 14)))
    tally.guidance = 2
    record_refusal(ctx, civil, {}, "Không thuộc thẩm quyền", officer, now=at(date(2026, 11, 16)))
    tally.refusals = 1
    return tally


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
