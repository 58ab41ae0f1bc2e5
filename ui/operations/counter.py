"""Operations of the counter's result side: work lists and counts, hand-back (and its slip), result ready, void,
form 04 handed over, the citizen's rating. Each runs on the database worker (ui/tasks.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ui.operations.op import Op

if TYPE_CHECKING:
    from PySide6.QtGui import QImage
    from PySide6.QtPrintSupport import QPrinter

    from kiosk.dossier.events import EventResult
    from kiosk.dossier.search import DossierSummary
    from kiosk.dossier.worklists import ListFilter
    from kiosk.printed.notices import HandBackSlip
    from kiosk.security.officers import OfficerRef
    from kiosk.storage.context import KioskContext


def worklist_counts(ctx: KioskContext) -> Op[dict[str, int]]:
    """How many dossiers each work list holds today (the home screen's buttons)."""

    def work() -> dict[str, int]:
        from kiosk.dossier.worklists import worklist_counts as counts

        return counts(ctx)

    return Op(work)


def find_worklist(ctx: KioskContext, query: str, filters: ListFilter, lifecycle: str | None, sync_state: str | None) -> Op[list[DossierSummary]]:
    """The dossier list with its search, its status filter and the work-list filters."""

    def work() -> list[DossierSummary]:
        from kiosk.dossier.worklists import find_worklist as find

        return find(ctx, query, filters, lifecycle=lifecycle, sync_state=sync_state)

    return Op(work)


@dataclass(frozen=True)
class HandBackForm:
    """What the hand-back dialog shows of a dossier before anything is typed (the submitter's name is on the
    officer's own screen already: the dossier list shows it)."""

    code: str
    procedure_name: str
    submitter_name: str
    appointment_date: date | None
    fee_text: str  # what `dossier.fee` says, e.g. "3.000 đồng; đã thu"
    fee_collected: bool  # the fee was taken at receipt: nothing to collect now
    fee_amount_vnd: int | None
    ready: bool  # a result can be handed back now
    handed_back: bool  # a live hand-back exists (it can be voided)
    overdue: bool  # form 04 may be recorded


def hand_back_form(ctx: KioskContext, code: str) -> Op[HandBackForm]:
    """Read a dossier for the hand-back dialog (InputError when it is not a received dossier)."""

    def work() -> HandBackForm:
        from forms.timezone import local_today
        from kiosk.dossier.events import find_received
        from kiosk.dossier.handback import is_overdue, result_ready
        from kiosk.printed.load import fee_text

        with ctx.read() as session:
            dossier = find_received(session, code)
            fee = dossier.fee or {}
            return HandBackForm(
                code=dossier.code or code, procedure_name=dossier.procedure.name, submitter_name=dossier.submitter_name or "",
                appointment_date=dossier.appointment_date, fee_text=fee_text(dossier), fee_collected=bool(fee.get("collected")),
                fee_amount_vnd=dossier.fee_amount_vnd, ready=result_ready(dossier), handed_back=dossier.handed_back_at is not None,
                overdue=is_overdue(dossier, local_today(ctx.now())),
            )

    return Op(work)


@dataclass(frozen=True)
class HandBackInput:
    """What the officer typed in the hand-back dialog."""

    receiver_name: str
    receiver_id: str = ""
    authorisation: str = ""
    by: str = "counter"
    fee_vnd: int | None = None
    result_no: str = ""


def hand_back(ctx: KioskContext, officer: OfficerRef, code: str, typed: HandBackInput) -> Op[tuple[EventResult, HandBackSlip]]:
    """Record the hand-back (queued for the portal, which records 10) and build its slip."""

    def work() -> tuple[EventResult, HandBackSlip]:
        from kiosk.dossier.handback import hand_back as record
        from kiosk.printed.notice_load import load_notice

        result = record(ctx, code, receiver_name=typed.receiver_name, officer=officer, receiver_id=typed.receiver_id,
                        authorisation=typed.authorisation, by=typed.by, fee_vnd=typed.fee_vnd, result_no=typed.result_no)
        return result, load_notice(ctx, result.uuid, "hand_back", actor=officer.username, reprint=False)

    return Op(work)


def mark_result_ready(ctx: KioskContext, officer: OfficerRef, code: str) -> Op[EventResult]:
    def work() -> EventResult:
        from kiosk.dossier.handback import mark_result_ready as record

        return record(ctx, code, officer)

    return Op(work)


def void_hand_back(ctx: KioskContext, officer: OfficerRef, code: str, reason: str) -> Op[EventResult]:
    def work() -> EventResult:
        from kiosk.dossier.handback import void_hand_back as record

        return record(ctx, code, reason, officer)

    return Op(work)


def record_apology_handed(ctx: KioskContext, officer: OfficerRef, code: str) -> Op[EventResult]:
    def work() -> EventResult:
        from kiosk.dossier.handback import record_apology_handed as record

        return record(ctx, code, officer)

    return Op(work)


def rate(ctx: KioskContext, subject: str, score: int, reason_id: str | None) -> Op[None]:
    """The citizen's rating; returns nothing, so the officer's side never holds what was pressed."""

    def work() -> None:
        from kiosk.dossier.ratings import rate as record

        record(ctx, subject, score, reason_id)

    return Op(work)


def render_slip_preview(slip: HandBackSlip, paper: str) -> Op[QImage]:
    def work() -> QImage:
        from ui.operations.printing import PREVIEW_DPI
        from ui.printing.notice_render import render_notice_image

        return render_notice_image(slip, paper=paper, dpi=PREVIEW_DPI)

    return Op(work)


def save_slip_pdf(slip: HandBackSlip, path: Path, paper: str) -> Op[Path]:
    def work() -> Path:
        from ui.printing.notice_render import render_notice_pdf

        return render_notice_pdf(slip, path, paper=paper)

    return Op(work)


def print_slip(slip: HandBackSlip, printer: QPrinter) -> Op[None]:
    def work() -> None:
        from ui.printing.notice_render import print_notice

        print_notice(slip, printer)

    return Op(work)
