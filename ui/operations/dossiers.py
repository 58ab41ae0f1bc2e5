"""Operations on dossiers at the counter: home lists, resume a draft, save a draft, attach a scan, submit, record a supplement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ui.operations.op import Op

if TYPE_CHECKING:
    from kiosk.dossier.fees import FeeInputs
    from forms.catalogue import Procedure
    from kiosk.dossier.overview import HomeOverview
    from kiosk.dossier.drafts import DraftSummary
    from kiosk.security.officers import OfficerRef
    from kiosk.printed.receipt import ReceiptData
    from kiosk.storage.context import KioskContext


def home_overview(ctx: KioskContext, officer: OfficerRef | None) -> Op[HomeOverview]:
    """The home screen's lists: the officer's drafts, the latest dossiers, a clock warning."""

    def work() -> HomeOverview:
        from kiosk.dossier.overview import home_overview as overview

        return overview(ctx, officer.id if officer else None)

    return Op(work)


@dataclass(frozen=True)
class ResumedDraft:
    draft: DraftSummary
    procedure: Procedure | None  # None: the procedure is no longer offered
    version_notice: str | None = None  # the draft was moved to the version in force today: what changed


def resume_draft(ctx: KioskContext, draft_uuid: str) -> Op[ResumedDraft | None]:
    """A saved draft in the procedure version in force today (docs/definition-versions.md); None if it is gone.

    A draft typed under a version an effective date has since replaced opens in the version in force, with a
    notice listing what the new version changed; the wizard then shows the draft's errors under the new rules.
    """

    def work() -> ResumedDraft | None:
        from forms.timezone import local_today
        from forms.versions import version_notice
        from kiosk.dossier.drafts import list_drafts

        draft = next((d for d in list_drafts(ctx) if d.uuid == draft_uuid), None)
        if draft is None:
            return None
        catalogue = ctx.catalogue
        typed_under = catalogue.get(draft.procedure_code, draft.procedure_version)
        current = catalogue.in_force(draft.procedure_code, local_today(ctx.now()))
        procedure = current or typed_under or catalogue.get(draft.procedure_code)
        moved = typed_under is not None and procedure is not None and procedure.version != typed_under.version
        return ResumedDraft(draft, procedure, version_notice(typed_under, procedure) if moved else None)

    return Op(work)


def save_draft(ctx: KioskContext, officer: OfficerRef, procedure: Procedure, values: dict[str, Any], page_index: int,
               draft_uuid: str, screen: dict[str, Any] | None = None) -> Op[str]:
    """Save what is typed so far (automatically, or "Lưu nháp"); it survives a crash or a power cut.

    `screen`: what the wizard keeps with the draft beyond the answers (the ID card's marks; kiosk/dossier/drafts.py).
    """

    def work() -> str:
        from kiosk.dossier.drafts import save_draft as save

        return save(ctx, officer, procedure, values, page_index, draft_uuid, screen)

    return Op(work)


def store_attachment(ctx: KioskContext, path: Path) -> Op[dict[str, Any]]:
    """Seal a scanned file into the attachments folder; the field keeps the returned reference."""

    def work() -> dict[str, Any]:
        from kiosk.dossier.attachments import store_file

        return store_file(ctx.data.attachments_dir, path, ctx.file_key).as_value()

    return Op(work)


def store_scan(ctx: KioskContext, path: Path) -> Op[dict[str, Any]]:
    """Seal a scan of a checklist item; its reference says how many pages it counts for ("pages")."""

    def work() -> dict[str, Any]:
        from kiosk.dossier.attachments import store_scan as store

        return store(ctx.data.attachments_dir, path, ctx.file_key)

    return Op(work)


def submit(ctx: KioskContext, officer: OfficerRef, procedure: Procedure, values: dict[str, Any], documents: dict[str, Any],
           draft_uuid: str, fee: FeeInputs | None = None, reuse_code: str | None = None) -> Op[tuple[ReceiptData, str | None]]:
    """Receive the dossier (one transaction, synced to disk) and build its receipt; with the clock warning if any.
    `reuse_code`: a re-entry under a code the last restore listed (kiosk/dossier/submit.py)."""

    def work() -> tuple[ReceiptData, str | None]:
        from kiosk.dossier.fees import FeeInputs
        from kiosk.dossier.submit import submit as receive
        from kiosk.printed.load import load_receipt

        result = receive(ctx, procedure=procedure, values=values, officer=officer, documents=documents, draft_uuid=draft_uuid,
                         fee=fee or FeeInputs(), reuse_code=reuse_code)
        return load_receipt(ctx, result.code, actor=officer.username, reprint=False), result.clock_warning

    return Op(work)


@dataclass(frozen=True)
class Supplemented:
    """A supplement recorded: its revision, and the appointment when it was computed again (status 5), else None."""

    revision: int
    appointment: tuple[date, str] | None


def amend(ctx: KioskContext, officer: OfficerRef, code: str, documents: dict[str, int], note: str) -> Op[Supplemented]:
    """Record the supplementary documents the portal asked for: the dossier's next revision, queued for the portal;
    in status 5 the appointment restarts from now (kiosk/dossier/amend.py), which the window offers to reprint."""

    def work() -> Supplemented:
        from kiosk.dossier.amend import amend as record

        before = _appointment(ctx, code)
        revision = record(ctx, code=code, officer=officer, documents=documents, note=note)
        after = _appointment(ctx, code)
        return Supplemented(revision, after if after != before else None)

    return Op(work)


def _appointment(ctx: KioskContext, code: str) -> tuple[date, str] | None:
    from sqlalchemy import select

    from kiosk.storage.models import Dossier

    with ctx.read() as session:
        row = session.execute(select(Dossier.appointment_date, Dossier.appointment_time).where(Dossier.code == code)).first()
        return (row[0], row[1] or "") if row is not None and row[0] is not None else None
