"""Drafts: a dossier being filled in, saved on every page change so it survives a crash or a power cut.

Besides the answers a draft keeps what the screen needs to carry on where it was left (today: which fields an ID
card filled and which persons the officer has compared with the card, ui/pages/idcard/marks.py). It is stored under
the reserved key `SCREEN_KEY` of the row's values (no migration: that column is JSON; no field id starts with "_",
forms/schema.json), and never read as an answer: `DraftSummary` hands it apart (`screen`), the search key and the
submitter's name come from the answers only, and a submit writes the wizard's answers over the row's values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    values: dict[str, Any]  # the answers only
    screen: dict[str, Any] = field(default_factory=dict)  # what the screen kept with the draft (see the module)


SCREEN_KEY = "_screen"


def save_draft(
    ctx: KioskContext,
    officer: OfficerRef,
    procedure: Procedure,
    values: Mapping[str, Any],
    page_index: int,
    draft_uuid: str | None = None,
    screen: Mapping[str, Any] | None = None,
) -> str:
    """Create or update a draft; returns its UUID. Called on every page change and on a timer by the UI.

    `screen`: what the screen keeps with the draft beyond the answers (JSON-able; see the module), or nothing.
    """
    clean_values = normalise({key: value for key, value in values.items() if key != SCREEN_KEY})
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
        dossier.values = {**clean_values, SCREEN_KEY: normalise(dict(screen))} if screen else clean_values
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
        return [_summary(dossier, name) for dossier, name in rows]


def _summary(dossier: Dossier, procedure_name: str) -> DraftSummary:
    values = dict(dossier.values or {})
    screen = values.pop(SCREEN_KEY, None)
    return DraftSummary(dossier.uuid, dossier.procedure_code, dossier.procedure_version, procedure_name, dossier.submitter_name,
                        dossier.updated_at, dossier.wizard_page, values, screen if isinstance(screen, dict) else {})
