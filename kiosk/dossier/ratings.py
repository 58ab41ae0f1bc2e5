"""Citizen-satisfaction ratings (Circular 03/2025): one per occasion (after the receipt, after the hand-back).

A rating carries no officer and no personal data: the score (1 Rất hài lòng … 4 Không hài lòng), a reason id
from `forms/data/rating_reasons.json` when not satisfied, the dossier and the occasion. The officer's
screens never read ratings back; only the period report counts them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from forms.counter import RATING_SCORES, UNSATISFIED, rating_reason, rating_reasons
from kiosk.dossier.events import EventResult, RECEIVED, result_of, write_event
from kiosk.errors import InputError
from kiosk.storage.context import KioskContext
from kiosk.storage.models import CounterEvent, Dossier


def rate(ctx: KioskContext, code_or_event: str, score: int, reason_id: str | None = None, *, now: datetime | None = None) -> EventResult:
    """Record the citizen's rating of a dossier (its code) or of a hand-back (the event's uuid)."""
    now = now or ctx.now()
    if isinstance(score, bool) or score not in RATING_SCORES:
        raise InputError("Mức đánh giá phải là 1 (Rất hài lòng), 2 (Hài lòng), 3 (Chưa hài lòng) hoặc 4 (Không hài lòng).")
    reason_id = (reason_id or "").strip() or None
    if reason_id is not None:
        if score not in UNSATISFIED:
            raise InputError("Chỉ chọn lý do khi chưa hài lòng hoặc không hài lòng.")
        if rating_reason(reason_id) is None:
            known = ", ".join(r.id for r in rating_reasons())
            raise InputError(f"Không có lý do {reason_id!r}; các lý do: {known}.")
    key = code_or_event.strip()
    with ctx.transaction() as session:
        event = session.scalars(select(CounterEvent).where(CounterEvent.uuid == key.lower(), CounterEvent.kind == "hand_back")).first()
        dossier = event.dossier if event is not None else session.scalar(select(Dossier).where(Dossier.code == key.upper()))
        if dossier is None or dossier.lifecycle not in RECEIVED:
            raise InputError(f"Không tìm thấy hồ sơ hay lần trả kết quả {key}.")
        occasion = "hand_back" if event is not None or dossier.handed_back_at is not None else "receipt"
        done = session.scalars(select(CounterEvent).where(CounterEvent.dossier_id == dossier.id, CounterEvent.kind == "rating")).all()
        if any(r.body["details"].get("occasion") == occasion for r in done):
            raise InputError(f"Hồ sơ {dossier.code} đã được đánh giá {'khi trả kết quả' if occasion == 'hand_back' else 'khi tiếp nhận'}.")
        written = write_event(
            session, ctx.settings, kind="rating", at=now, officer=None, dossier=dossier,
            details={"score": score, "reason": reason_id, "occasion": occasion},
        )
        return result_of(written)
