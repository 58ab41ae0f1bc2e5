"""The outbox state machine (docs/sync-protocol.md), one committed transaction per state change.

queued → sending → delivered, or failed (retry at next_attempt_at) or rejected (needs the officer).
`sending` is committed before a request and the outcome after its answer, so a crash mid-send leaves
`sending`, which the next pass turns into `failed` (retry), never into delivered.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, select, update
from sqlalchemy.orm import aliased

from kiosk.security import audit
from kiosk.storage.context import KioskContext
from kiosk.storage.models import CounterEvent, Dossier, OutboxEntry, utcnow
from sync.client import Ack
from sync.payload import freeze

BACKOFF_BASE_S = 30.0
BACKOFF_CAP_S = 3600.0
INTERRUPTED_MESSAGE = "Lần gửi trước bị ngắt giữa chừng (máy tắt hoặc mất điện); máy sẽ gửi lại."
WAITING = ("queued", "sending", "failed")  # not yet delivered, and no officer needed


def backoff_delay(attempts: int, rng: random.Random | None = None) -> float:
    """Full jitter: uniform in [0, min(cap, 30 s × 2^(attempts−1))] after the attempts-th failure in a row."""
    ceiling = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** max(0, min(attempts - 1, 20)))
    return (rng or random).uniform(0.0, ceiling)


@dataclass(frozen=True)
class AttachmentRef:
    sha256: str
    size: int
    filename: str


@dataclass(frozen=True)
class Prepared:
    """What one send needs, read once; no ORM object leaves the transaction."""

    entry_id: int
    code: str  # the dossier's code; for an event, what names it in a report ("hand_back 1/3/2026")
    uuid: str  # the dossier's uuid; for an event, the event's
    revision: int  # 0 for an event
    payload: bytes
    payload_sha256: str
    attachments: tuple[AttachmentRef, ...]
    event_kind: str | None = None  # set for a counter event (PUT /events/{uuid}), None for a dossier revision
    attempt: int = 0  # the attempts counted so far, this one included when prepared `sending`


def recover_interrupted(ctx: KioskContext) -> int:
    """Entries left `sending` by a crash become `failed`, due now. Call only while holding the sender lock."""
    now = utcnow()
    with ctx.transaction() as session:
        result = session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.state == "sending")
            .values(state="failed", next_attempt_at=now, last_error=INTERRUPTED_MESSAGE, updated_at=now)
        )
        return int(result.rowcount or 0)


def due_entries(ctx: KioskContext, *, force: bool = False, now: datetime | None = None) -> list[int]:
    """Ids to send, oldest first; a later revision waits while an earlier one of its dossier is still waiting.

    (After an earlier revision was rejected, the next one may still go: it is how the officer corrects it.)
    A counter event of a dossier waits while any revision of that dossier, or an earlier event of it, is
    still waiting: the portal must hold the dossier before it hears of its hand-back, and a void comes after
    the hand-back it voids. Events without a dossier (guidance, refusal) never wait.
    """
    now = now or utcnow()
    earlier = aliased(OutboxEntry)
    blocked = exists().where(
        and_(earlier.dossier_id == OutboxEntry.dossier_id, earlier.revision < OutboxEntry.revision, earlier.state.in_(WAITING))
    )
    event, earlier_event = aliased(CounterEvent), aliased(CounterEvent)
    event_dossier = select(event.dossier_id).where(event.id == OutboxEntry.event_id).scalar_subquery()
    revision_waiting = exists().where(and_(earlier.dossier_id == event_dossier, earlier.state.in_(WAITING)))
    event_waiting = exists().where(
        and_(earlier_event.dossier_id == event_dossier, earlier.event_id == earlier_event.id, earlier.id < OutboxEntry.id, earlier.state.in_(WAITING))
    )
    event_blocked = and_(OutboxEntry.event_id.is_not(None), revision_waiting | event_waiting)
    query = select(OutboxEntry.id).where(OutboxEntry.state.in_(("queued", "failed")), ~blocked, ~event_blocked)
    if not force:
        query = query.where((OutboxEntry.next_attempt_at.is_(None)) | (OutboxEntry.next_attempt_at <= now))
    with ctx.read() as session:
        return list(session.scalars(query.order_by(OutboxEntry.created_at, OutboxEntry.id)))


def prepare(ctx: KioskContext, entry_id: int, *, sending: bool = False, ahead: bool = False) -> Prepared:
    """Freeze the entry's body from its snapshot (its own transaction, before the first send) and read what the send needs.

    `sending`: also mark it `sending` in the same transaction (what `mark_sending` does; one commit per send, not two),
    its attempt number in `Prepared.attempt`. `ahead`: its files are about to go up ahead of its turn (sync/ahead.py):
    noted in the same transaction, so a pass cut meanwhile asks the portal first at the entry's turn (sync/uploads.py).
    """
    with ctx.transaction() as session:
        entry = session.get(OutboxEntry, entry_id)
        assert entry is not None
        payload = freeze(session, entry, ctx.receipt_key)
        attempt = _sending(entry) if sending else entry.attempts or 0
        body: dict[str, Any] = json.loads(payload)
        if entry.event is not None:
            return Prepared(
                entry_id=entry.id,
                code=f"{entry.event.kind} {entry.event.notice_number or body.get('code') or ''}".strip(),
                uuid=entry.event.uuid,
                revision=0,
                payload=payload,
                payload_sha256=entry.payload_sha256 or "",
                attachments=(),
                event_kind=entry.event.kind,
                attempt=attempt,
            )
        prepared = Prepared(
            entry_id=entry.id,
            code=entry.dossier.code or "",
            uuid=entry.dossier.uuid,
            revision=entry.revision,
            payload=payload,
            payload_sha256=entry.payload_sha256 or "",
            attachments=tuple(AttachmentRef(a["sha256"], int(a["size"]), str(a.get("filename") or a["sha256"])) for a in body["attachments"]),
            attempt=attempt,
        )
        if ahead and prepared.attachments:
            from sync import meta

            meta.put(session, meta.UPLOADING_AHEAD, " ".join(ref.sha256 for ref in prepared.attachments))
        return prepared


def mark_sending(ctx: KioskContext, entry_id: int) -> int:
    """Commit `sending` before any byte leaves; returns the attempt number (sent as X-Attempt)."""
    with ctx.transaction() as session:
        entry = session.get(OutboxEntry, entry_id)
        assert entry is not None
        return _sending(entry)


def _sending(entry: OutboxEntry) -> int:
    entry.state = "sending"
    entry.attempts = (entry.attempts or 0) + 1
    entry.updated_at = utcnow()
    return entry.attempts


def mark_delivered(ctx: KioskContext, entry_id: int, ack: Ack) -> None:
    mark_delivered_all(ctx, [(entry_id, ack)])


def mark_delivered_all(ctx: KioskContext, acks: list[tuple[int, Ack]]) -> None:
    """Record the portal's acknowledgements in one transaction: one commit and one audit head write for all of them.

    Recording an ack later than it came is safe: until then its entry stays `sending`, and after a crash the pass
    sends it again and the portal answers with the same ack (docs/sync-protocol.md).
    """
    if not acks:
        return
    now = utcnow()
    with ctx.transaction() as session:
        for entry_id, ack in acks:
            entry = session.get(OutboxEntry, entry_id)
            assert entry is not None
            entry.state = "delivered"
            entry.delivered_at = now
            entry.portal_received_at = ack.portal_received_at
            entry.next_attempt_at = None
            entry.last_error = None
            entry.updated_at = now
            if entry.event is not None:
                audit.record(session, "system:sync", "sync.delivered", dossier_id=entry.event.dossier_id, event=entry.event.uuid, kind=entry.event.kind)
            else:
                audit.record(session, "system:sync", "sync.delivered", dossier_id=entry.dossier_id, code=entry.dossier.code, revision=entry.revision)


class AckRecorder:
    """The portal's acknowledgements of one pass, recorded `delivered` ten at a time or two seconds after the oldest,
    and by the engine before each new round (which may depend on them) and at the end of the pass. Each recording is
    a commit and an audit head write (four syncs), which were most of a loopback pass's time when made per dossier."""

    def __init__(self, ctx: KioskContext, *, batch: int = 10, within_s: float = 2.0) -> None:
        self.ctx = ctx
        self.batch, self.within_s = batch, within_s
        self.pending: list[tuple[int, Ack]] = []
        self.since = 0.0

    def add(self, entry_id: int, ack: Ack) -> None:
        if not self.pending:
            self.since = time.monotonic()
        self.pending.append((entry_id, ack))
        if len(self.pending) >= self.batch or time.monotonic() - self.since >= self.within_s:
            self.record()

    def record(self) -> None:
        pending, self.pending = self.pending, []
        mark_delivered_all(self.ctx, pending)


def mark_failed(
    ctx: KioskContext, entry_id: int, message: str, *, backoff: bool = True, escalate: bool = True, rng: random.Random | None = None
) -> datetime:
    """Back to the queue with the reason; due again after a jittered back-off (or at once when backoff=False).

    `escalate=False` (the network, not the portal, failed) keeps the delay at the first step (0–30 s):
    the health check at the start of every pass already waits for the network, and a dossier must go
    out soon after the connection returns, not an hour later because the link was cut many times.
    """
    now = utcnow()
    with ctx.transaction() as session:
        entry = session.get(OutboxEntry, entry_id)
        assert entry is not None
        delay = backoff_delay((entry.attempts or 1) if escalate else 1, rng) if backoff else 0.0
        entry.state = "failed"
        entry.last_error = message
        entry.next_attempt_at = now + timedelta(seconds=delay)
        entry.updated_at = now
        return entry.next_attempt_at


def mark_rejected(ctx: KioskContext, entry_id: int, message: str) -> None:
    now = utcnow()
    with ctx.transaction() as session:
        entry = session.get(OutboxEntry, entry_id)
        assert entry is not None
        entry.state = "rejected"
        entry.last_error = message
        entry.next_attempt_at = None
        entry.updated_at = now


@dataclass(frozen=True)
class QueueItem:
    code: str
    revision: int
    state: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    created_at: datetime


def queue_items(ctx: KioskContext, *, include_delivered: bool = False, limit: int = 500) -> list[QueueItem]:
    """Each entry oldest first; a counter event shows as "<kind> <notice number or dossier code>", revision 0."""
    event_dossier = aliased(Dossier)
    query = (
        select(OutboxEntry, Dossier.code, CounterEvent, event_dossier.code)
        .outerjoin(Dossier, Dossier.id == OutboxEntry.dossier_id)
        .outerjoin(CounterEvent, CounterEvent.id == OutboxEntry.event_id)
        .outerjoin(event_dossier, event_dossier.id == CounterEvent.dossier_id)
    )
    if not include_delivered:
        query = query.where(OutboxEntry.state != "delivered")
    query = query.order_by(OutboxEntry.created_at, OutboxEntry.id).limit(limit)
    with ctx.read() as session:
        items = []
        for e, code, event, event_code in session.execute(query):
            if event is not None:
                code = f"{event.kind} {event.notice_number or event_code or ''}".strip()
            items.append(QueueItem(code or "", e.revision or 0, e.state, e.attempts or 0, e.next_attempt_at, e.last_error, e.created_at))
        return items


def count_by_state(ctx: KioskContext) -> dict[str, int]:
    from sqlalchemy import func

    with ctx.read() as session:
        return {state: n for state, n in session.execute(select(OutboxEntry.state, func.count()).group_by(OutboxEntry.state))}
