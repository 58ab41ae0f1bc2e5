"""A generated month of counter work (dossiers, hand-backs, a stop, notices, ratings) with the test's own tally of it,
for the logbook and report tests (docs/logbook-and-reports.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from forms.samples import sample_values
from kiosk.dossier.fees import FeeInputs
from kiosk.dossier.handback import hand_back, mark_result_ready
from kiosk.dossier.notices import record_guidance, record_refusal, stop
from kiosk.dossier.ratings import rate
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


def make_month(ctx, officer) -> Tally:
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


