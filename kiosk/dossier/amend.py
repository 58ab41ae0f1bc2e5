"""Amendments: the next revision of a submitted dossier (e.g. supplementary documents the portal asked for, status 5)."""

from __future__ import annotations

import logging
from typing import Any, Mapping

from sqlalchemy import select

from forms import formengine
from forms.received import ReceivedItem, received_items
from forms.text import normalise
from forms.timezone import VN_TZ
from kiosk.dossier.appointment import appointment_date
from kiosk.dossier.attachments import attachment_from_ref, attachment_refs, item_scans
from kiosk.dossier.revisions import received_documents, write_revision
from kiosk.dossier.submit import SubmitRefused
from kiosk.errors import InputError
from kiosk.security.officers import OfficerRef
from kiosk.storage.context import KioskContext
from kiosk.storage.models import Dossier

log = logging.getLogger(__name__)

AMENDABLE = ("submitted", "amended")
SUPPLEMENT_REQUESTED = 5  # the portal's "Yêu cầu bổ sung hồ sơ": the time limit restarts when the dossier is complete


def amend(
    ctx: KioskContext,
    *,
    code: str,
    officer: OfficerRef,
    values: Mapping[str, Any] | None = None,
    documents: Mapping[str, ReceivedItem | int] | None = None,
    note: str = "",
) -> int:
    """Record changed values and/or supplementary documents as the next revision; returns its number.

    `values` are the fields to change (merged into the current answers); `documents` maps a document id
    of the procedure to what was received now (a `ReceivedItem`, or a bare number of copies in the item's listed
    way and kind), added to the dossier's documents. One
    transaction writes the dossier, its documents, a new outbox entry and an audit event. Earlier
    revisions still waiting are not touched: each keeps the snapshot taken when it was queued.
    Raises SubmitRefused (nothing written) on invalid input.

    Documents recorded while the portal's status is 5 complete the dossier, and the time limit counts from the
    receipt of a complete dossier (Decree 118/2025, Circular 03/2025): the appointment is computed again from
    now exactly as submit computes it at receipt (same calendar, processing days of the version received under,
    15:00 rule), so the revision's snapshot carries it to the portal; the audit keeps the old and the new one.
    Any other amendment keeps the appointment.
    """
    now = ctx.now()
    documents = dict(documents or {})
    note = (note or "").strip()
    if len(note) > 500:
        raise InputError("Ghi chú tối đa 500 ký tự.")
    with ctx.transaction() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.code == code.strip()))
        if dossier is None:
            raise InputError(f"Không tìm thấy hồ sơ {code}.")
        if dossier.lifecycle not in AMENDABLE:
            raise InputError(f"Hồ sơ {code} đã hủy hoặc chưa được tiếp nhận; không bổ sung được.")
        procedure = ctx.catalogue.get(dossier.procedure_code, dossier.procedure_version)
        if procedure is None:
            raise InputError(f"Máy không còn định nghĩa thủ tục {dossier.procedure_code} phiên bản {dossier.procedure_version}.")

        merged = dict(dossier.values or {})
        if values:
            merged.update(values)
        cleaned = formengine.clean(procedure, normalise(merged))
        errors = dict(formengine.validate(procedure, cleaned, today=now.astimezone(VN_TZ).date()))
        items, item_errors = received_items(procedure, documents, scan_required=ctx.settings.scan_required)
        errors.update(item_errors)
        for doc_id, item in items.items():
            if item.quantity < 1:
                errors[f"documents.{doc_id}"] = "Số lượng giấy tờ phải là số nguyên từ 1 đến 100."
        held: dict[str, int] = {}
        for doc in dossier.documents:
            held[doc.doc_id] = held.get(doc.doc_id, 0) + doc.quantity
        for doc_id, item in items.items():
            held[doc_id] = held.get(doc_id, 0) + item.quantity
        errors.update(formengine.document_errors(procedure, cleaned, held))
        if errors:
            first = next(iter(errors.values()))
            raise SubmitRefused(f"Bổ sung chưa hợp lệ ({len(errors)} lỗi): {first}", details=errors)
        values_changed = cleaned != (dossier.values or {})
        if not values_changed and not documents:
            raise InputError("Chưa có thay đổi hay giấy tờ bổ sung nào để ghi nhận.")
        known = {a.sha256 for a in dossier.attachments}
        new_refs = [(f, r) for f, r in attachment_refs(procedure, cleaned) if r["sha256"] not in known]
        scans = [(doc_id, ref) for doc_id, ref in item_scans(items) if ref["sha256"] not in known]
        for _field_id, ref in [*new_refs, *scans]:
            if not (ctx.data.attachments_dir / ref["sha256"]).exists():
                raise SubmitRefused(f"Tệp đính kèm {ref.get('filename', '')} không còn trong kho; hãy đính kèm lại.")

        revision = max([dossier.revision or 1] + [e.revision for e in dossier.outbox]) + 1
        dossier.lifecycle = "amended"
        details = {"code": dossier.code, "revision": revision, "documents": sorted(documents), "values_changed": values_changed, "note": note}
        if documents and dossier.portal_status == SUPPLEMENT_REQUESTED:
            old = (dossier.appointment_date.isoformat() if dossier.appointment_date else None, dossier.appointment_time)
            dossier.appointment_date = appointment_date(now, procedure.processing_days, ctx.calendar)
            dossier.appointment_time = ctx.settings.office_close
            details["appointment"] = {"from": {"date": old[0], "time": old[1]}, "complete_at": now.isoformat(timespec="seconds"),
                                      "to": {"date": dossier.appointment_date.isoformat(), "time": dossier.appointment_time}}
        write_revision(
            session,
            dossier,
            revision=revision,
            values=cleaned,
            documents=received_documents(procedure, items),
            attachments=[attachment_from_ref(field_id, ref) for field_id, ref in new_refs]
            + [attachment_from_ref(None, ref, doc_id) for doc_id, ref in scans],
            settings=ctx.settings,
            now=now,
            actor=officer.username,
            action="dossier.amended",
            details=details,
        )
        log.info("dossier %s amended: revision %d queued", dossier.code, revision)
        return revision
