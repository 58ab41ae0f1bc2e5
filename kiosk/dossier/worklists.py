"""The counter's work lists (issue 13, item 6): due today, overdue, result ready, waiting for documents, stopped.

Each list is a SQL condition on the dossier row, so the counts and the lists cost one query each however many
dossiers the kiosk holds. The conditions say in SQL what `kiosk.dossier.handback.is_overdue` and
`result_ready` say of one row (a unit test checks they agree); docs/counter-screens.md has the definitions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, case, func, or_, select

from forms.timezone import VN_TZ, local_today
from kiosk.dossier.events import RECEIVED
from kiosk.dossier.handback import ENDED, PAUSED, READY
from kiosk.dossier.search import DossierSummary, search_dossiers
from kiosk.storage.context import KioskContext
from kiosk.storage.models import Dossier

WAITING_FOR_DOCUMENTS = 5
STOPPED_STATUSES = (7, 8)  # stopped at the citizen's request (7) or by the resolving agency (8)

# (key, label) in the order the home screen and the list's view selector show them.
WORKLISTS: tuple[tuple[str, str], ...] = (
    ("due_today", "Hẹn trả hôm nay"),
    ("overdue", "Quá hạn"),
    ("result_ready", "Đã có kết quả, chờ trả"),
    ("waiting", "Chờ bổ sung giấy tờ"),
    ("stopped", "Đã dừng giải quyết"),
)
WORKLIST_LABELS = dict(WORKLISTS)


def _status_not_in(statuses: frozenset[int] | tuple[int, ...]) -> ColumnElement[bool]:
    """NULL (no status pulled yet: received at the counter) counts as not in the set, as Python's `in` does."""
    return or_(Dossier.portal_status.is_(None), Dossier.portal_status.not_in(sorted(statuses)))


def _received() -> ColumnElement[bool]:
    return and_(Dossier.lifecycle.in_(RECEIVED), Dossier.code.is_not(None))


def _open() -> ColumnElement[bool]:
    """Received, not handed back, not stopped, not ended on the portal."""
    return and_(_received(), Dossier.handed_back_at.is_(None), Dossier.stopped_at.is_(None), _status_not_in(ENDED))


def overdue_condition(today: date) -> ColumnElement[bool]:
    """`handback.is_overdue` in SQL: the appointment has passed, nothing handed back, the clock not paused."""
    return and_(_open(), Dossier.appointment_date.is_not(None), Dossier.appointment_date < today, _status_not_in(PAUSED))


def condition(key: str, today: date) -> ColumnElement[bool]:
    """The SQL condition of one work list."""
    if key == "due_today":
        return and_(_open(), Dossier.appointment_date == today, _status_not_in(PAUSED))
    if key == "overdue":
        return overdue_condition(today)
    if key == "result_ready":  # `handback.result_ready`
        return and_(_received(), Dossier.handed_back_at.is_(None), Dossier.stopped_at.is_(None),
                    or_(Dossier.result_ready_at.is_not(None), Dossier.portal_status == READY))
    if key == "waiting":
        return and_(_open(), Dossier.portal_status == WAITING_FOR_DOCUMENTS)
    if key == "stopped":
        return and_(_received(), Dossier.handed_back_at.is_(None),
                    or_(Dossier.stopped_at.is_not(None), Dossier.portal_status.in_(STOPPED_STATUSES)))
    raise ValueError(f"unknown work list {key!r}")


@dataclass(frozen=True)
class ListFilter:
    """The dossier list's filters besides the text search: a work list, received between two days, a procedure,
    a portal status, an appointment day. Empty fields do not filter."""

    worklist: str | None = None
    received_from: date | None = None
    received_to: date | None = None  # inclusive
    procedure_code: str | None = None
    portal_status: int | None = None
    due_on: date | None = None

    def conditions(self, today: date) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.worklist:
            found.append(condition(self.worklist, today))
        if self.received_from is not None:  # days are the counter's (Vietnam) days; received_at is stored in UTC
            found.append(Dossier.received_at >= datetime.combine(self.received_from, time(), VN_TZ))
        if self.received_to is not None:
            found.append(Dossier.received_at < datetime.combine(self.received_to + timedelta(days=1), time(), VN_TZ))
        if self.procedure_code:
            found.append(Dossier.procedure_code == self.procedure_code)
        if self.portal_status is not None:
            found.append(Dossier.portal_status == self.portal_status)
        if self.due_on is not None:
            found.append(Dossier.appointment_date == self.due_on)
        return found


def worklist_counts(ctx: KioskContext, today: date | None = None) -> dict[str, int]:
    """How many dossiers each work list holds, in one query (the home screen, after each pull)."""
    today = today or local_today(ctx.now())
    columns = [func.coalesce(func.sum(case((condition(key, today), 1), else_=0)), 0).label(key) for key, _label in WORKLISTS]
    with ctx.read() as session:
        row = session.execute(select(*columns).select_from(Dossier).where(_received())).one()
    return {key: int(row._mapping[key]) for key, _label in WORKLISTS}


def find_worklist(ctx: KioskContext, query: str = "", filters: ListFilter | None = None, *, lifecycle: str | None = None,
                  sync_state: str | None = None, today: date | None = None, limit: int = 200) -> list[DossierSummary]:
    """The dossier list with its filters; each row says whether it is overdue (highlighted).

    A work list is ordered by appointment, the most urgent first; the plain list stays newest first.
    """
    today = today or local_today(ctx.now())
    filters = filters or ListFilter()
    with ctx.read() as session:
        return search_dossiers(
            session, query, lifecycle=lifecycle, sync_state=sync_state, limit=limit, where=filters.conditions(today),
            overdue=overdue_condition(today), by_appointment=filters.worklist is not None,
        )
