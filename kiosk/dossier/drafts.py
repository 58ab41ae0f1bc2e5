"""Drafts: a dossier being filled in, saved on every page change so it survives a crash or a power cut."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping

from sqlalchemy import select

from forms.catalogue import Procedure
from forms.text import normalise
from kiosk.dossier.search import search_key
from kiosk.errors import KioskError
from kiosk.security.officers import OfficerRef
from kiosk.storage.catalogue_store import procedure_row
from kiosk.storage.context import KioskContext
from kiosk.storage.models import Dossier
from kiosk.storage.models import Procedure as ProcedureRow
from kiosk.storage.models import utcnow


@dataclass(frozen=True)
class DraftSummary:
    """One draft as the home page lists it (to resume it where the officer left off)."""

    uuid: str
    procedure_code: str
    procedure_version: str
    procedure_name: str
    submitter_name: str | None
    updated_at: datetime
    page_index: int
    values: dict[str, Any]


def save_draft(
    ctx: KioskContext,
    officer: OfficerRef,
    procedure: Procedure,
    values: Mapping[str, Any],
    page_index: int,
    draft_uuid: str | None = None,
) -> str:
    """Create or update a draft; returns its UUID. Called on every page change and on a timer by the UI."""
    clean_values = normalise(dict(values))
    with ctx.transaction() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.uuid == draft_uuid)) if draft_uuid else None
        if dossier is not None and dossier.lifecycle != "draft":
            raise KioskError("Hồ sơ này đã được tiếp nhận; không sửa bản nháp được nữa.")
        if dossier is None:
            row = procedure_row(session, procedure)
            dossier = Dossier(
                procedure_id=row.id,
                procedure_code=procedure.code,
                procedure_version=procedure.version,
                officer_id=officer.id,
                lifecycle="draft",
            )
            if draft_uuid:
                dossier.uuid = draft_uuid
            session.add(dossier)
        dossier.values = clean_values
        dossier.wizard_page = page_index
        dossier.updated_at = utcnow()
        dossier.submitter_name = str(clean_values.get("submitter_name") or "")[:120] or None
        dossier.search_key = search_key(None, clean_values)
        session.flush()
        return dossier.uuid


def list_drafts(ctx: KioskContext, officer_id: int | None = None) -> list[DraftSummary]:
    """The drafts (of one officer, or all), most recently saved first."""
    with ctx.transaction() as session:
        query = select(Dossier, ProcedureRow.name).join(ProcedureRow).where(Dossier.lifecycle == "draft")
        if officer_id is not None:
            query = query.where(Dossier.officer_id == officer_id)
        rows = session.execute(query.order_by(Dossier.updated_at.desc())).all()
        return [
            DraftSummary(d.uuid, d.procedure_code, d.procedure_version, name, d.submitter_name, d.updated_at, d.wizard_page, dict(d.values))
            for d, name in rows
        ]
