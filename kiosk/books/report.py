"""The period report of the one-stop-shop counter: what was received, returned, refused, stopped, collected and rated.

Counted in SQL over the dossiers and counter events of a period of local days (a day, month, quarter, year or
any range); the definitions (on time, late, overdue, fees collected) are in docs/logbook-and-reports.md. Plain
data out (`Report`), drawn by ui/printing/logbook_render.py (charts: report_charts.py) and exported by kiosk/books/xlsx.py.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from forms.counter import RATING_SCORES, rating_reason
from forms.model import CHANNEL_LABELS
from kiosk.dossier.handback import ENDED, PAUSED
from kiosk.books.logbook import live_hand_back, period_bounds
from kiosk.errors import InputError
from kiosk.storage.models import CounterEvent, Dossier, Procedure

PERIODS = ("day", "month", "quarter", "year")
NO_CHANNEL = "Không ghi nhận"  # dossiers received before the channel was recorded (migration 0006)


def period_of(kind: str, day: date) -> tuple[date, date]:
    """The first and last day of the day, month, quarter or year holding `day`."""
    if kind == "day":
        return day, day
    if kind == "month":
        first = day.replace(day=1)
    elif kind == "quarter":
        first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    elif kind == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    else:
        raise InputError(f"Kỳ báo cáo phải là một trong: {', '.join(PERIODS)}.")
    months = 3 if kind == "quarter" else 1
    following = date(first.year + (first.month - 1 + months) // 12, (first.month - 1 + months) % 12 + 1, 1)
    return first, following - timedelta(days=1)


@dataclass(frozen=True)
class Count:
    """One line of a breakdown: an id (procedure code, channel, score, reason), its label and how many."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Report:
    """The figures of one period. Counts are dossiers except guidance, refusals and ratings (events)."""

    start: date
    end: date
    today: date  # "overdue now" is as of this day
    received: int
    by_procedure: tuple[Count, ...]
    by_channel: tuple[Count, ...]
    guidance: int
    refusals: int
    returned_on_time: int
    returned_late: int
    overdue_now: int
    stopped: int
    fees_at_receipt_vnd: int
    fees_at_receipt_count: int
    fees_at_hand_back_vnd: int
    fees_at_hand_back_count: int
    ratings: tuple[Count, ...]  # one per level 1–4, in order, zeros included
    rating_reasons: tuple[Count, ...]

    @property
    def returned(self) -> int:
        return self.returned_on_time + self.returned_late

    @property
    def fees_collected_vnd(self) -> int:
        return self.fees_at_receipt_vnd + self.fees_at_hand_back_vnd

    @property
    def rated(self) -> int:
        return sum(c.count for c in self.ratings)

    def share(self, count: int) -> float:
        """A rating level's share of all ratings, in per cent (0 when none)."""
        return round(100.0 * count / self.rated, 1) if self.rated else 0.0

    def as_dict(self) -> dict[str, Any]:
        """The figures for `--json`: every field plus the totals and the shares."""
        data = asdict(self)
        data.update(returned=self.returned, fees_collected_vnd=self.fees_collected_vnd, rated=self.rated)
        data["ratings"] = [{**asdict(c), "share_percent": self.share(c.count)} for c in self.ratings]
        return data


def _count_events(session: Session, kind: str, lo, hi) -> int:
    return session.scalar(select(func.count()).select_from(CounterEvent).where(CounterEvent.kind == kind, CounterEvent.at >= lo, CounterEvent.at < hi)) or 0


def overdue_count(session: Session, today: date) -> int:
    """Dossiers overdue on `today`, in SQL exactly as `handback.is_overdue` decides one."""
    return session.scalar(
        select(func.count()).select_from(Dossier).where(
            Dossier.logbook_number.is_not(None),
            Dossier.appointment_date < today,
            Dossier.handed_back_at.is_(None),
            Dossier.stopped_at.is_(None),
            or_(Dossier.portal_status.is_(None), Dossier.portal_status.not_in(sorted(PAUSED | ENDED))),
        )
    ) or 0


def report(session: Session, start: date, end: date, today: date) -> Report:
    """The figures for dossiers and events of the local days `start`..`end`; overdue as of `today`."""
    lo, hi = period_bounds(start, end)
    in_period = and_(Dossier.logbook_number.is_not(None), Dossier.received_at >= lo, Dossier.received_at < hi)

    by_procedure = [
        Count(code, name, n)
        for code, name, n in session.execute(
            select(Dossier.procedure_code, func.max(Procedure.name), func.count())
            .join(Procedure, Procedure.id == Dossier.procedure_id)
            .where(in_period)
            .group_by(Dossier.procedure_code)
            .order_by(func.count().desc(), Dossier.procedure_code)
        )
    ]
    by_channel = [
        Count(channel or "", CHANNEL_LABELS.get(channel or "", NO_CHANNEL), n)
        for channel, n in session.execute(
            select(Dossier.channel, func.count()).where(in_period).group_by(Dossier.channel).order_by(func.count().desc(), Dossier.channel)
        )
    ]

    handed_local_day = func.date(Dossier.handed_back_at, "+7 hours")  # Việt Nam keeps UTC+7 all year
    on_time, late = session.execute(
        select(
            func.count(case((handed_local_day <= Dossier.appointment_date, 1))),
            func.count(case((handed_local_day > Dossier.appointment_date, 1))),
        ).where(Dossier.handed_back_at >= lo, Dossier.handed_back_at < hi)
    ).one()
    stopped = session.scalar(select(func.count()).select_from(Dossier).where(Dossier.stopped_at >= lo, Dossier.stopped_at < hi)) or 0

    collected = func.json_extract(Dossier.fee, "$.collected")
    receipt_sum, receipt_n = session.execute(
        select(func.coalesce(func.sum(Dossier.fee_amount_vnd), 0), func.count())
        .where(in_period, collected == 1, Dossier.fee_amount_vnd > 0)
    ).one()
    handed = live_hand_back()
    hand_back_sum, hand_back_n = session.execute(
        select(func.coalesce(func.sum(handed.c.fee_vnd), 0), func.count())
        .select_from(handed)
        .join(Dossier, Dossier.id == handed.c.dossier_id)
        .where(Dossier.handed_back_at >= lo, Dossier.handed_back_at < hi, handed.c.fee_vnd > 0)
    ).one()

    score = func.json_extract(CounterEvent.body, "$.details.score")
    reason = func.json_extract(CounterEvent.body, "$.details.reason")
    rated = CounterEvent.kind == "rating", CounterEvent.at >= lo, CounterEvent.at < hi
    scores = dict(session.execute(select(score, func.count()).where(*rated).group_by(score)).all())
    reasons = session.execute(
        select(reason, func.count()).where(*rated, reason.is_not(None)).group_by(reason).order_by(func.count().desc(), reason)
    ).all()

    return Report(
        start=start, end=end, today=today,
        received=sum(c.count for c in by_procedure),
        by_procedure=tuple(by_procedure),
        by_channel=tuple(by_channel),
        guidance=_count_events(session, "guidance", lo, hi),
        refusals=_count_events(session, "refusal", lo, hi),
        returned_on_time=int(on_time), returned_late=int(late),
        overdue_now=overdue_count(session, today),
        stopped=stopped,
        fees_at_receipt_vnd=int(receipt_sum), fees_at_receipt_count=int(receipt_n),
        fees_at_hand_back_vnd=int(hand_back_sum), fees_at_hand_back_count=int(hand_back_n),
        ratings=tuple(Count(str(s), label, int(scores.get(s, 0))) for s, label in RATING_SCORES.items()),
        rating_reasons=tuple(Count(r, (rating_reason(r).label if rating_reason(r) else r), int(n)) for r, n in reasons),
    )


def load_report(ctx: Any, start: date, end: date) -> Report:
    """The report of a period from the open data folder; "overdue now" as of the kiosk's today."""
    from forms.timezone import local_today

    with ctx.read() as session:
        return report(session, start, end, local_today(ctx.now()))
