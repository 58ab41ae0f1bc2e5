"""Retention: a dossier's personal data is purged N days after it is both delivered and closed on the portal.

Closed means the portal reported a final status: 10 result returned, 3 refused, 7 withdrawn or 8
processing stopped. What goes: the form values, the submitter's name and ID number, the search words
(the code stays searchable), the revisions' snapshots and frozen sync bodies, officers' notes from the
portal, the attachment rows and, once no other dossier shares them, the encrypted files. What stays: code, procedure,
dates, appointment, statuses and their history, the documents checklist, and the audit trail, so the
receipt still reprints as a summary. Guidance and refusal notices that never became a dossier follow the same
period, counted from the notice once the portal has it: their `local` part (the citizen's answers, name, ID
number, the note) is cleared and the notice reprints with the purged placeholder. SQLite's `secure_delete` (kiosk/storage/db.py) overwrites the freed pages
and the WAL is checkpointed afterwards, so the purged bytes do not linger in the files. The clearing itself is
kiosk/storage/erase.py, the one step also run on the kept backups (kiosk/storage/scrub.py) and on a restored backup;
every purge is listed first in the purge ledger (kiosk/storage/purge_ledger.py), which is what they apply.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from kiosk.security import audit
from kiosk.storage import purge_ledger
from kiosk.storage.context import KioskContext
from kiosk.storage.erase import checkpoint, erase_dossier, erase_notice
from kiosk.storage.models import Attachment, CounterEvent, Dossier, OutboxEntry, utcnow
from kiosk.storage.scrub import scrub_backups

log = logging.getLogger(__name__)

CLOSED_STATUSES = frozenset({3, 7, 8, 10})


@dataclass
class PurgeReport:
    purged: list[str] = field(default_factory=list)  # codes
    files_removed: int = 0
    as_of: datetime | None = None
    notices_purged: list[str] = field(default_factory=list)  # notice numbers of guidance/refusal without a dossier
    backups_cleaned: list[str] = field(default_factory=list)  # backup file names rewritten without purged data
    backups_removed: list[dict[str, str]] = field(default_factory=list)  # {"file", "reason"}: could not be cleaned

    def as_dict(self) -> dict[str, object]:
        return {"ok": True, "purged": self.purged, "files_removed": self.files_removed, "as_of": self.as_of,
                "notices_purged": self.notices_purged, "backups_cleaned": self.backups_cleaned,
                "backups_removed": self.backups_removed}

    def backups_summary(self) -> str:
        """What the purge did to the kept backups, in Vietnamese (the CLI and the admin screen both say it); "" if nothing."""
        said = []
        if self.backups_cleaned:
            said.append(f"Đã xóa dữ liệu đó khỏi {len(self.backups_cleaned)} bản sao lưu: {', '.join(self.backups_cleaned)}.")
        said += [f"Đã XÓA bản sao lưu {r['file']} vì {r['reason']}." for r in self.backups_removed]
        return " ".join(said)


def due_for_purge(ctx: KioskContext, now: datetime, days: int) -> list[int]:
    """Ids of dossiers whose newest revision is delivered and whose closing status is older than `days`."""
    cutoff = now - timedelta(days=days)
    waiting = (
        select(OutboxEntry.id)
        .where(OutboxEntry.dossier_id == Dossier.id, OutboxEntry.state != "delivered")
        .exists()
    )
    last_delivery = select(func.max(OutboxEntry.delivered_at)).where(OutboxEntry.dossier_id == Dossier.id).scalar_subquery()
    query = select(Dossier.id).where(
        Dossier.purged_at.is_(None),
        Dossier.lifecycle.in_(("submitted", "amended")),
        Dossier.portal_status.in_(CLOSED_STATUSES),
        Dossier.portal_status_at <= cutoff,
        ~waiting,
        last_delivery.is_not(None),
        last_delivery <= cutoff,
    )
    with ctx.read() as session:
        return list(session.scalars(query.order_by(Dossier.id)))


def purge(ctx: KioskContext, *, actor: str = "system:retention", now: datetime | None = None, days: int | None = None) -> PurgeReport:
    """Purge every dossier past its retention period; each in its own transaction, audited."""
    now = now or utcnow()
    days = ctx.settings.retention_days if days is None else days
    report = PurgeReport(as_of=now)
    for dossier_id in due_for_purge(ctx, now, days):
        with ctx.transaction() as session:
            dossier = session.get(Dossier, dossier_id)
            if dossier is None or dossier.purged_at is not None:
                continue
            shas = list(dict.fromkeys(a.sha256 for a in dossier.attachments))
            code = dossier.code or ""
            # The ledger first, then the files, then the rows: a crash after either leaves a dossier the next run
            # purges, never purged rows whose code the ledger lacks or whose personal files linger on disk.
            purge_ledger.record(ctx.data.root, now, codes=[code])
            report.files_removed += _remove_unshared(ctx, session, dossier.id, shas)
            erase_dossier(session, dossier.id, now)
            audit.record(session, actor, "dossier.purged", dossier_id=dossier.id, code=code, retention_days=days, files=len(shas))
            report.purged.append(code)
    _purge_standalone_notices(ctx, report, actor=actor, now=now, days=days)
    if report.purged or report.notices_purged:
        checkpoint(ctx.engine)
        log.info("retention: personal data of %d dossiers and %d notices purged", len(report.purged), len(report.notices_purged))
    _scrub(ctx, report, actor=actor, now=now)
    return report


def _scrub(ctx: KioskContext, report: PurgeReport, *, actor: str, now: datetime) -> None:
    """Clean the kept backups of every purge so far (a no-op for the clean ones), and audit what changed."""
    ledger = purge_ledger.read_or_none(ctx.data.root)
    if not ledger:
        return
    scrubbed = scrub_backups(ctx.data, ctx.data_key, ledger, now)
    report.backups_cleaned, report.backups_removed = scrubbed.cleaned, scrubbed.removed
    if scrubbed.cleaned or scrubbed.removed:
        with ctx.transaction() as session:
            audit.record(session, actor, "backups.scrubbed", cleaned=scrubbed.cleaned, removed=scrubbed.removed)


STANDALONE_KINDS = ("guidance", "refusal")  # the notices that may have no dossier (docs/counter-events.md)


def _purge_standalone_notices(ctx: KioskContext, report: PurgeReport, *, actor: str, now: datetime, days: int) -> None:
    """Clear what stays local of guidance and refusal notices with no dossier, `days` after the notice.

    Only once the portal holds the notice (its outbox entry delivered): until then `local` is all there is of the
    citizen's visit besides the body. A guidance notice resumed after this starts from an empty form.
    """
    cutoff = now - timedelta(days=days)
    delivered = (
        select(OutboxEntry.id)
        .where(OutboxEntry.event_id == CounterEvent.id, OutboxEntry.state == "delivered")
        .exists()
    )
    query = select(CounterEvent.id).where(
        CounterEvent.dossier_id.is_(None),
        CounterEvent.kind.in_(STANDALONE_KINDS),
        func.coalesce(func.json_type(CounterEvent.local), "null") != "null",  # SQL NULL or JSON null: already cleared
        CounterEvent.at <= cutoff,
        delivered,
    )
    with ctx.read() as session:
        ids = list(session.scalars(query.order_by(CounterEvent.id)))
    for event_id in ids:
        with ctx.transaction() as session:
            event = session.get(CounterEvent, event_id)
            if event is None or event.local is None:
                continue
            purge_ledger.record(ctx.data.root, now, notices=[(event.kind, event.notice_number or "")])
            erase_notice(session, event.id)
            audit.record(session, actor, "notice.purged", kind=event.kind, notice_number=event.notice_number, retention_days=days)
            report.notices_purged.append(event.notice_number or "")



def purge_as(ctx: KioskContext, actor: Any) -> PurgeReport:
    """An administrator's "purge now" from the admin screen; the role is checked here, not only by the UI."""
    from kiosk.security.roles import require

    require(actor, "purge")
    return purge(ctx, actor=actor.username)

def _remove_unshared(ctx: KioskContext, session: object, dossier_id: int, shas: list[str]) -> int:
    """Delete the encrypted files no other dossier refers to (a file is stored once per content)."""
    removed = 0
    for sha in shas:
        others = session.scalar(  # type: ignore[attr-defined]
            select(func.count()).select_from(Attachment).where(Attachment.sha256 == sha, Attachment.dossier_id != dossier_id)
        )
        if others:
            continue
        try:
            (ctx.data.attachments_dir / sha).unlink()
            removed += 1
        except FileNotFoundError:
            pass
    return removed



