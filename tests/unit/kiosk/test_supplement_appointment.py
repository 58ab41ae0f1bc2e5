"""A supplement recorded while the portal asks for more (status 5) restarts the time limit: the appointment is
computed again from the supplement time (kiosk/dossier/amend.py); any other amendment keeps it."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from forms.samples import sample_values
from kiosk.dossier.amend import amend
from kiosk.dossier.appointment import appointment_date
from kiosk.dossier.submit import submit
from kiosk.dossier.worklists import ListFilter, find_worklist
from kiosk.storage.models import AuditEvent, Dossier

VN = ZoneInfo("Asia/Ho_Chi_Minh")
RECEIVED = datetime(2026, 11, 23, 9, 0, tzinfo=VN)  # a Monday
SUPPLEMENTED = datetime(2026, 12, 2, 15, 30, tzinfo=VN)  # a Wednesday, after 15:00: counts from Thursday
PROCEDURE = "1.004873"


def _receive(ctx, officer) -> str:  # noqa: ANN001
    procedure = ctx.catalogue.in_force(PROCEDURE, RECEIVED.date())
    values = sample_values(procedure, seed=3, today=RECEIVED.date())
    return submit(ctx, procedure=procedure, values=values, officer=officer, now=RECEIVED).code


def _dossier(ctx, code: str) -> Dossier:  # noqa: ANN001
    with ctx.read() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.code == code))
        session.expunge(dossier)
        return dossier


def _set_status(ctx, code: str, status: int) -> None:  # noqa: ANN001
    with ctx.transaction() as session:
        session.scalar(select(Dossier).where(Dossier.code == code)).portal_status = status


def _last_snapshot(ctx, code: str) -> dict:  # noqa: ANN001
    with ctx.read() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.code == code))
        return max(dossier.outbox, key=lambda e: e.revision).snapshot


def test_a_supplement_in_status_5_restarts_the_time_limit_from_the_supplement(ctx, officer) -> None:  # noqa: ANN001
    code = _receive(ctx, officer)
    days = ctx.catalogue.get(PROCEDURE, _dossier(ctx, code).procedure_version).processing_days
    old = appointment_date(RECEIVED, days, ctx.calendar)
    assert _dossier(ctx, code).appointment_date == old
    _set_status(ctx, code, 5)
    ctx.now = lambda: SUPPLEMENTED  # amend() takes the time from the context

    assert amend(ctx, code=code, officer=officer, documents={"giay_to_tuy_than": 1}) == 2

    expected = appointment_date(SUPPLEMENTED, days, ctx.calendar)
    assert expected == ctx.calendar.add_working_days(date(2026, 12, 3), days) != old  # after 15:00: from Thursday
    dossier = _dossier(ctx, code)
    assert (dossier.appointment_date, dossier.appointment_time) == (expected, ctx.settings.office_close)
    snapshot = _last_snapshot(ctx, code)
    assert (snapshot["revision"], snapshot["appointment_date"]) == (2, expected.isoformat())
    with ctx.read() as session:
        audited = session.scalars(select(AuditEvent).where(AuditEvent.action == "dossier.amended")).all()[-1]
        details = audited.details
    assert details["appointment"]["from"]["date"] == old.isoformat()
    assert details["appointment"]["to"] == {"date": expected.isoformat(), "time": ctx.settings.office_close}
    # The work lists read the new appointment: once the portal takes it up again (4), it is due on the new day,
    # and not overdue on the day after the old one.
    _set_status(ctx, code, 4)
    due = ListFilter(worklist="due_today")
    assert [r.code for r in find_worklist(ctx, filters=due, today=expected)] == [code]
    assert find_worklist(ctx, filters=ListFilter(worklist="overdue"), today=ctx.calendar.next_working_day(old)) == []


def test_an_amendment_without_status_5_keeps_the_appointment(ctx, officer) -> None:  # noqa: ANN001
    code = _receive(ctx, officer)
    ctx.now = lambda: SUPPLEMENTED
    _set_status(ctx, code, 4)
    old = _dossier(ctx, code).appointment_date

    amend(ctx, code=code, officer=officer, documents={"giay_to_tuy_than": 1})

    assert _dossier(ctx, code).appointment_date == old
    assert _last_snapshot(ctx, code)["appointment_date"] == old.isoformat()
