"""Dossier look-up without diacritics over code, citizen name and ID number, with status filters."""

from __future__ import annotations

import re

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Mapping, Sequence

from sqlalchemy import ColumnElement, column, literal, select, table, text
from sqlalchemy.orm import Session

from kiosk.storage.models import Dossier, OutboxEntry
from kiosk.storage.models import Procedure as ProcedureRow
from forms.statuses import short_label
from forms.text import canonical_id_number, fold, well_formed_id_number


@dataclass(frozen=True)
class DossierSummary:
    """One row of the dossier list: the three states side by side, never mixed."""

    uuid: str
    code: str | None
    procedure_code: str
    procedure_name: str
    submitter_name: str | None
    received_at: datetime | None
    appointment_date: date | None
    lifecycle: str
    sync_state: str | None
    portal_status: int | None
    procedure_version: str = ""  # the definition version it was filed under (a supplement follows its checklist)
    overdue: bool = False  # filled only when the search is given `overdue` (the work lists: kiosk/dossier/worklists.py)


def search_key(code: str | None, values: Mapping[str, Any]) -> str:
    """The words a dossier is found by, without diacritics: its code, the submitter's name and ID number.

    The ID number in its canonical form (a draft's answers are not cleaned yet), so "001099012345" finds
    one typed "0010 9901 2345"; fold() leaves apostrophes out, so "hbia" and "h'bia" both find "H’Bia".
    """
    parts = [code or "", str(values.get("submitter_name") or ""), canonical_id_number(values.get("submitter_id_number"))]
    return fold(" ".join(parts))


def id_number_column(values: Mapping[str, Any]) -> str | None:
    """`dossier.submitter_id_number`: the canonical ID number, never cut; None when there is none or it is not
    an ID number's shape (the column is 12 characters, and a cut value would be found by nobody)."""
    number = canonical_id_number(values.get("submitter_id_number"))
    return number if well_formed_id_number(number) else None


SEARCH_INDEX = table("dossier_search", column("rowid"), column("search_key"))  # FTS5 trigram index, migration 0004


def _fts_string(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'  # an FTS5 string: every character literal


def _phrase(token: str) -> str:
    """One word of the query for FTS5. Digits written with dashes, dots or slashes ("001-099-012345", as on
    some papers) also match without them, as ID numbers are stored (forms.text.canonical_id_number); with them
    kept too, since a dossier code's "-261206-1001" is stored with its dashes."""
    digits = re.sub(r"[-./\u2010-\u2015\u2212]", "", token)
    if digits != token and digits.isdigit() and len(digits) >= 3:
        return f"({_fts_string(token)} OR {_fts_string(digits)})"
    return _fts_string(token)


def search_dossiers(
    session: Session,
    query: str = "",
    *,
    lifecycle: str | None = None,
    sync_state: str | None = None,
    portal_status: int | None = None,
    include_drafts: bool = False,
    limit: int = 200,
    where: Sequence[ColumnElement[bool]] = (),
    overdue: ColumnElement[bool] | None = None,
    by_appointment: bool = False,
) -> list[DossierSummary]:
    """Newest first. Every word of the query (folded) must appear in the code, name or ID number.

    The work lists add their conditions (`where`), the overdue test as a column and the order by appointment.
    """
    # The newest revision's outbox state, looked up per row through the (dossier_id, revision) index:
    # aggregating the whole outbox on every search made it grow with the number of dossiers.
    state = (
        select(OutboxEntry.state)
        .where(OutboxEntry.dossier_id == Dossier.id)
        .order_by(OutboxEntry.revision.desc())
        .limit(1)
        .correlate(Dossier)
        .scalar_subquery()
    )
    stmt = select(
        Dossier.uuid, Dossier.code, Dossier.procedure_code, ProcedureRow.name, Dossier.submitter_name, Dossier.received_at,
        Dossier.appointment_date, Dossier.lifecycle, state.label("state"), Dossier.portal_status, Dossier.procedure_version,
        (overdue if overdue is not None else literal(False)).label("overdue"),
    ).where(*where).join(ProcedureRow, Dossier.procedure_id == ProcedureRow.id)
    phrases = []
    for token in fold(query).split():
        if len(token) >= 3:
            phrases.append(_phrase(token))
            continue
        # Shorter than a trigram: the index cannot answer it, so the folded column is scanned.
        escaped = token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Dossier.search_key.like(f"%{escaped}%", escape="\\"))
    if phrases:
        # One MATCH over the trigram index (migration 0004): FTS5 intersects the words' postings itself, where
        # one LIKE subquery per word made SQLite build and intersect large row sets (44 ms -> 0.3 ms at 20k).
        stmt = stmt.where(Dossier.id.in_(select(SEARCH_INDEX.c.rowid).where(text("dossier_search MATCH :words").bindparams(words=" AND ".join(phrases)))))
    if lifecycle:
        stmt = stmt.where(Dossier.lifecycle == lifecycle)
    elif not include_drafts:
        stmt = stmt.where(Dossier.lifecycle != "draft")
    if sync_state:
        stmt = stmt.where(state == sync_state)
    if portal_status is not None:
        stmt = stmt.where(Dossier.portal_status == portal_status)
    if by_appointment:
        stmt = stmt.order_by(Dossier.appointment_date.nulls_last(), Dossier.received_at, Dossier.id)
    else:
        stmt = stmt.order_by(Dossier.received_at.desc().nulls_last(), Dossier.id.desc())
    stmt = stmt.limit(limit)
    return [
        DossierSummary(
            uuid=row.uuid,
            code=row.code,
            procedure_code=row.procedure_code,
            procedure_name=row.name,
            submitter_name=row.submitter_name,
            received_at=row.received_at,
            appointment_date=row.appointment_date,
            lifecycle=row.lifecycle,
            sync_state=row.state,
            portal_status=row.portal_status,
            procedure_version=row.procedure_version,
            overdue=bool(row.overdue),
        )
        for row in session.execute(stmt).all()
    ]


LIFECYCLE_LABELS = {"draft": "Bản nháp", "submitted": "Đã tiếp nhận", "amended": "Đã bổ sung", "voided": "Đã hủy"}
SYNC_LABELS = {
    "queued": "Chờ gửi",
    "sending": "Đang gửi",
    "delivered": "Đã gửi lên cổng",
    "failed": "Gửi lỗi, sẽ thử lại",
    "rejected": "Bị từ chối, cần xử lý",
}


@dataclass(frozen=True)
class StatusEvent:
    status: int
    label: str
    note: str | None
    at: datetime


@dataclass(frozen=True)
class RequestedItem:
    """An item the portal asks for with status 5: a checklist item (doc_id) or, for words the portal typed that
    name no item of the checklist, that text as it came (doc_id None)."""

    doc_id: str | None
    name: str


def requested_items(dossier: Dossier, missing: Any) -> tuple[RequestedItem, ...]:
    """The portal's list (doc ids, as `kiosk-portal set-status CODE 5 --missing` sends them) named from the
    checklist of the version the dossier was received under, in the portal's order."""
    definition = (dossier.procedure.definition if dossier.procedure is not None else None) or {}
    documents = definition.get("documents") or []
    names = {str(d.get("id")): str(d.get("name") or d.get("id")) for d in documents if isinstance(d, dict)}
    items = [str(m).strip() for m in (missing or []) if str(m).strip()]
    return tuple(RequestedItem(m, names[m]) if m in names else RequestedItem(None, m) for m in dict.fromkeys(items))


@dataclass(frozen=True)
class DossierDetail:
    """Everything the officer's detail view shows of one dossier (the three states kept apart)."""

    summary: DossierSummary
    revision: int
    sync_attempts: int
    sync_last_error: str | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    portal_status_note: str | None
    history: tuple[StatusEvent, ...]
    documents: tuple[tuple[str, str, int], ...]
    requested: tuple[RequestedItem, ...] = ()  # status 5: what the portal's latest status change asks for


def dossier_detail(session: Session, code: str) -> DossierDetail | None:
    from kiosk.storage.models import PortalStatusEvent

    found = search_dossiers(session, code, limit=5)
    summary = next((row for row in found if row.code == code), None)
    if summary is None:
        return None
    dossier = session.scalar(select(Dossier).where(Dossier.code == code))
    assert dossier is not None
    latest = max(dossier.outbox, key=lambda entry: entry.revision, default=None)
    events = session.scalars(
        select(PortalStatusEvent).where(PortalStatusEvent.dossier_id == dossier.id).order_by(PortalStatusEvent.at, PortalStatusEvent.id)
    ).all()
    asked = [e for e in events if e.status == 5 and e.missing]
    return DossierDetail(
        summary=summary,
        revision=dossier.revision,
        sync_attempts=latest.attempts if latest else 0,
        sync_last_error=latest.last_error if latest else None,
        next_attempt_at=latest.next_attempt_at if latest else None,
        delivered_at=latest.delivered_at if latest else None,
        portal_status_note=dossier.portal_status_note,
        history=tuple(StatusEvent(e.status, short_label(e.status) or str(e.status), e.note, e.at) for e in events),
        documents=tuple((d.name, d.kind, d.quantity) for d in dossier.documents),
        requested=requested_items(dossier, asked[-1].missing) if asked and dossier.portal_status == 5 else (),
    )


def find_dossiers(ctx: Any, query: str = "", *, lifecycle: str | None = None, sync_state: str | None = None,
                  limit: int = 200) -> list[DossierSummary]:
    """The dossier list's search (`search_dossiers`) in a read transaction of its own."""
    with ctx.read() as session:
        return search_dossiers(session, query, lifecycle=lifecycle, sync_state=sync_state, limit=limit)


def view_dossier(ctx: Any, code: str, actor: str) -> DossierDetail | None:
    """An officer opens a dossier's detail: read it and audit the view, since it shows personal data."""
    from kiosk.security import audit

    with ctx.transaction() as session:
        detail = dossier_detail(session, code)
        if detail is not None:
            audit.record(session, actor, "dossier.viewed", code=code)
        return detail
