"""The work lists (kiosk/dossier/worklists.py): what each holds, its count, and agreement with `handback`'s checks."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from forms.samples import sample_values
from kiosk.dossier.handback import hand_back, is_overdue, mark_result_ready, result_ready
from kiosk.dossier.notices import stop
from kiosk.dossier.submit import submit
from kiosk.dossier.worklists import WORKLISTS, ListFilter, find_worklist, worklist_counts
from kiosk.storage.models import Dossier

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=VN)
PROCEDURE = "1.004873"


def _receive(ctx, officer, seed: int, now: datetime = MONDAY) -> tuple[str, str]:
    procedure = ctx.catalogue.in_force(PROCEDURE, now.date())
    values = sample_values(procedure, seed=seed, today=now.date())
    return submit(ctx, procedure=procedure, values=values, officer=officer, now=now).code, values["submitter_name"]


def _set(ctx, code: str, **columns) -> None:
    with ctx.transaction() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.code == code))
        for key, value in columns.items():
            setattr(dossier, key, value)


def test_each_work_list_holds_what_its_definition_says(ctx, officer) -> None:
    codes = [_receive(ctx, officer, seed)[0] for seed in range(7)]
    today = date(2026, 12, 10)
    due, late, paused, ready, waiting, stopped, handed = codes
    _set(ctx, due, appointment_date=today)
    _set(ctx, late, appointment_date=today - timedelta(days=3), portal_status=4)
    _set(ctx, paused, appointment_date=today - timedelta(days=3), portal_status=6)  # waiting for payment: never overdue
    _set(ctx, ready, appointment_date=today + timedelta(days=2), portal_status=9)
    _set(ctx, waiting, appointment_date=today - timedelta(days=1), portal_status=5)
    _set(ctx, handed, appointment_date=today - timedelta(days=9))
    stop(ctx, stopped, "Người nộp xin rút hồ sơ", officer, now=MONDAY + timedelta(hours=1))
    mark_result_ready(ctx, handed, officer, now=MONDAY + timedelta(hours=1))
    hand_back(ctx, handed, receiver_name=_name(ctx, handed), officer=officer, now=MONDAY + timedelta(hours=2))

    def listed(key: str) -> set[str]:
        return {row.code for row in find_worklist(ctx, filters=ListFilter(worklist=key), today=today)}

    assert listed("due_today") == {due}
    assert listed("overdue") == {late}
    assert listed("result_ready") == {ready}
    assert listed("waiting") == {waiting}
    assert listed("stopped") == {stopped}
    assert worklist_counts(ctx, today) == {"due_today": 1, "overdue": 1, "result_ready": 1, "waiting": 1, "stopped": 1}
    assert [key for key, _label in WORKLISTS] == ["due_today", "overdue", "result_ready", "waiting", "stopped"]

    # The SQL says what handback.is_overdue / result_ready say of each row.
    with ctx.read() as session:
        for dossier in session.scalars(select(Dossier).where(Dossier.code.in_(codes))):
            assert (dossier.code in listed("overdue")) == is_overdue(dossier, today), dossier.code
            assert (dossier.code in listed("result_ready")) == result_ready(dossier), dossier.code
    flagged = {row.code for row in find_worklist(ctx, today=today) if row.overdue}
    assert flagged == {late}


def _name(ctx, code: str) -> str:
    with ctx.read() as session:
        return session.scalar(select(Dossier.submitter_name).where(Dossier.code == code)) or ""


def test_filters_by_received_days_procedure_status_and_due_date(ctx, officer) -> None:
    first, _ = _receive(ctx, officer, 1, MONDAY)
    second, _ = _receive(ctx, officer, 2, MONDAY + timedelta(days=2))
    _set(ctx, first, portal_status=4, appointment_date=date(2026, 12, 1))
    on_monday = ListFilter(received_from=MONDAY.date(), received_to=MONDAY.date())
    assert [r.code for r in find_worklist(ctx, filters=on_monday)] == [first]
    assert {r.code for r in find_worklist(ctx, filters=ListFilter(procedure_code=PROCEDURE))} == {first, second}
    assert find_worklist(ctx, filters=ListFilter(procedure_code="9.999999")) == []
    assert [r.code for r in find_worklist(ctx, filters=ListFilter(portal_status=4))] == [first]
    assert [r.code for r in find_worklist(ctx, filters=ListFilter(due_on=date(2026, 12, 1)))] == [first]
