"""Submission: one transaction writes the dossier, its documents, attachments, outbox entry and audit event."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Mapping, Sequence

from sqlalchemy import select

from forms import formengine
from forms.model import CHANNELS, Procedure
from forms.received import ReceivedItem, quantities, received_items
from forms.text import normalise
from forms.timezone import VN_TZ
from forms.versions import carry_over, requirement_changes
from kiosk.clock import floor as clock_floor
from kiosk.clock.floor import check_receiving
from kiosk.dossier.appointment import appointment_date
from kiosk.dossier.attachments import StoredFile, attachment_from_ref, attachment_refs, item_scans, store_file
from kiosk.dossier.codes import allocate_code, clock_warning, reentered_code
from kiosk.dossier.fees import FeeInputs, compute, dossier_fee, set_fee
from kiosk.dossier.revisions import received_documents, write_revision
from kiosk.errors import InputError
from kiosk.printed.receipt import CURRENT_LAYOUT
from kiosk.security.officers import OfficerRef
from kiosk.storage.catalogue_store import procedure_row
from kiosk.storage.context import KioskContext
from kiosk.storage.models import Dossier

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SubmitResult:
    uuid: str
    code: str
    received_at: datetime
    appointment_date: date
    appointment_time: str
    clock_warning: str | None


class SubmitRefused(InputError):
    """The form or the documents checklist has errors; `details` maps field paths to Vietnamese messages."""


def default_documents(procedure: Procedure, values: Mapping[str, Any]) -> dict[str, ReceivedItem | int]:
    """The checklist as if every required document was received in its listed quantity."""
    return {doc.id: doc.quantity for doc in formengine.required_documents(procedure, values) if doc.required}


def _cleaned_errors(procedure: Procedure, cleaned: Mapping[str, Any], documents: Mapping[str, Any], today: date | None,
                    scan_required: bool) -> tuple[dict[str, ReceivedItem], dict[str, str]]:
    errors = dict(formengine.validate(procedure, cleaned, today=today))
    known = {doc_id: value for doc_id, value in documents.items() if procedure.document(doc_id) is not None}
    items, item_errors = received_items(procedure, known, scan_required=scan_required)
    errors.update(formengine.document_errors(procedure, cleaned, quantities(items)))
    errors.update(item_errors)
    return items, errors


def channel_of(values: Mapping[str, Any]) -> str:
    """How the dossier reached the counter: the form's "channel" answer, else in person."""
    channel = values.get("channel")
    return channel if channel in CHANNELS else "in_person"


def _in_force(ctx: KioskContext, procedure: Procedure, day: date) -> Procedure:
    """The version of `procedure` in force on the local day of submit; the one passed in when the catalogue has
    none of that code in force (docs/definition-versions.md). A draft typed under an older version is received
    under the new one, re-checked below; the dossier keeps the version (and definition) it was received under."""
    current = ctx.catalogue.in_force(procedure.code, day)
    if current is None or (current.code, current.version) == (procedure.code, procedure.version):
        return procedure
    log.info("procedure %s: submitting under version %s in force on %s, not %s", procedure.code, current.version, day, procedure.version)
    return current


def submit(
    ctx: KioskContext,
    *,
    procedure: Procedure,
    values: Mapping[str, Any],
    officer: OfficerRef,
    documents: Mapping[str, ReceivedItem | int] | None = None,
    extra_files: Sequence[Path] = (),
    draft_uuid: str | None = None,
    now: datetime | None = None,
    fee: FeeInputs = FeeInputs(),
    reuse_code: str | None = None,
) -> SubmitResult:
    """Validate, then commit everything in one durable transaction before the receipt can be shown.

    `documents` maps a checklist item's id to a `ReceivedItem` (its way, kind, page count, scans…) or to a
    bare quantity (the item's listed way and kind); ids the procedure does not list are ignored.
    Raises SubmitRefused (nothing written) on invalid input, ClockBehind when the clock reads more than a day
    before the clock floor (docs/clock.md), StorageError when the disk fails.
    `reuse_code`: re-enter, from its paper copy, a dossier under a code the last restore listed as possibly issued
    (docs/restore.md); refused (InputError) for any other code.
    """
    now = now or ctx.now()
    check_receiving(ctx.data.root, now)
    local_today = now.astimezone(VN_TZ).date()
    typed_under, procedure = procedure, _in_force(ctx, procedure, local_today)
    if procedure is not typed_under:
        values = carry_over(typed_under, procedure, values)
    cleaned = formengine.clean(procedure, normalise(dict(values)))  # once: cleaning is the costliest step here
    if documents is None:
        documents = default_documents(procedure, cleaned)
    items, errors = _cleaned_errors(procedure, cleaned, documents, local_today, ctx.settings.scan_required)
    if errors:
        first = next(iter(errors.values()))
        changed = ""
        if procedure is not typed_under:
            what = "; ".join(requirement_changes(typed_under, procedure)) or "không thay đổi giấy tờ phải nộp"
            since = f"từ ngày {procedure.effective_from:%d/%m/%Y}" if procedure.effective_from else f"vào ngày {local_today:%d/%m/%Y}"
            changed = f"Thủ tục áp dụng phiên bản {procedure.version} {since} ({what}). "
        raise SubmitRefused(f"{changed}Hồ sơ chưa hợp lệ ({len(errors)} lỗi): {first}", details=errors)
    try:
        fee_kept = dossier_fee(compute(ctx, procedure.code, cleaned, local_today, fee.exemptions), fee)
    except InputError as exc:
        raise SubmitRefused(exc.message, details={"fee": exc.message}) from exc

    # Files first (content-addressed, fsynced): a crash before the commit leaves only an unreferenced file.
    stored_extra: list[StoredFile] = [store_file(ctx.data.attachments_dir, Path(p), ctx.file_key) for p in extra_files]
    for _field_id, ref in [*attachment_refs(procedure, cleaned), *item_scans(items)]:
        if not (ctx.data.attachments_dir / ref["sha256"]).exists():
            raise SubmitRefused(f"Tệp đính kèm {ref.get('filename', '')} không còn trong kho; hãy đính kèm lại.")

    due = appointment_date(now, procedure.processing_days, ctx.calendar)
    confirmed = clock_floor.confirmed_recently(clock_floor.load(ctx.data.root), now)
    with ctx.transaction() as session:
        warning = clock_warning(session, now, confirmed=confirmed)
        row = procedure_row(session, procedure)
        dossier = None
        if draft_uuid:
            dossier = session.scalar(select(Dossier).where(Dossier.uuid == draft_uuid))
            if dossier is not None and dossier.lifecycle != "draft":
                raise InputError(f"Hồ sơ {dossier.code} đã được tiếp nhận trước đó.")
        if reuse_code:
            allocated = reentered_code(session, ctx.data.root, ctx.settings, reuse_code, procedure.code_series, now, officer.username)
        else:
            allocated = allocate_code(session, ctx.settings.unit_id, ctx.settings.kiosk_number, now, procedure.code_series)
        if dossier is None:
            dossier = Dossier(officer_id=officer.id)
            if draft_uuid:
                dossier.uuid = draft_uuid
        dossier.procedure_id = row.id
        dossier.procedure_code = procedure.code
        dossier.procedure_version = procedure.version
        dossier.officer_id = officer.id
        dossier.code = allocated.code
        dossier.lifecycle = "submitted"
        dossier.received_at = now
        dossier.appointment_date = due
        dossier.appointment_time = ctx.settings.office_close
        dossier.logbook_volume = allocated.logbook_volume
        dossier.logbook_number = allocated.logbook_number
        dossier.layout_version = CURRENT_LAYOUT
        dossier.channel = channel_of(cleaned)
        dossier.resolving_agency = (ctx.settings.resolving_agency.strip() or procedure.resolving_agency.strip() or None)
        dossier.documents.clear()
        files = [attachment_from_ref(field_id, ref) for field_id, ref in attachment_refs(procedure, cleaned)]
        files += [attachment_from_ref(None, stored.as_value()) for stored in stored_extra]
        files += [attachment_from_ref(None, ref, doc_id) for doc_id, ref in item_scans(items)]
        set_fee(dossier, fee_kept)
        write_revision(
            session,
            dossier,
            revision=1,
            values=cleaned,
            documents=[*received_documents(procedure, items), *fee_kept.proofs],
            attachments=files,
            settings=ctx.settings,
            now=now,
            actor=officer.username,
            action="dossier.submitted",
            details={"code": allocated.code, "procedure": procedure.code},
        )
        log.info("dossier %s submitted (procedure %s %s)", allocated.code, procedure.code, procedure.version)
        result = SubmitResult(dossier.uuid, allocated.code, now, due, ctx.settings.office_close, warning)
    if reuse_code:
        from kiosk.storage.restore_record import RE_ENTERED, resolve

        resolve(ctx.data.root, reuse_code, RE_ENTERED, officer.username, now)
    return result
