"""Dossier revisions: the snapshot each one keeps of its content, and the one writer that submit and amend share.

A revision's wire body (sync/payload.py) used to be built from the dossier row at its first send. The
row changes when the dossier is amended, so a revision still waiting would then have gone out with the
next revision's content. Now, when a revision is queued, its outbox entry stores a snapshot of what it
says at that moment; the body is built from the snapshot, whatever happens to the row afterwards.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping

from sqlalchemy.orm import Session

from forms.catalogue import DocumentSpec, Procedure
from forms.received import ReceivedItem
from kiosk.dossier.search import id_number_column, search_key
from kiosk.errors import KioskError
from kiosk.printed.receipt import LAYOUT_2018
from kiosk.security import audit
from kiosk.storage.models import Attachment, Dossier, DossierDocument, Officer, OutboxEntry
from kiosk.storage.settings import SiteSettings

SNAPSHOT_VERSION = 1  # the "version" key of a stored snapshot; a new shape gets a new number and a migration


@dataclass(frozen=True)
class RevisionSnapshot:
    """What revision `revision` of a dossier says, as it was when the revision was queued.

    Stored as JSON in `outbox_entry.snapshot` (`to_json`, plus "version": SNAPSHOT_VERSION). The fields are
    those of the wire body (`sync.wire.dossier_body`) except `format` and `tracking_token`, already in the
    body's forms, so building the body only adds those two:

    - uuid, code: the dossier's; revision: this revision's number (1 = the submission);
    - unit_id, kiosk_number: the site settings the revision was queued under;
    - procedure_code, procedure_version: the procedure version the dossier was filed under;
    - received_at: when the dossier was received, ISO 8601 in UTC to the second ("2026-12-01T01:30:00+00:00");
    - appointment_date ("YYYY-MM-DD"), appointment_time ("HH:MM"): the appointment on the receipt;
    - officer: the username of the officer who received the dossier;
    - values: every answer of the form, as stored on the dossier;
    - documents: the documents received so far, in checklist order: {doc_id, name, kind, quantity}, and for
      a dossier received under the 2025 layout also way, page_count, record_number (docs/receipt-2025.md);
    - attachments: every file of the dossier, oldest first: {sha256, size, mime, filename, field_id}, and
      doc_id for a scan of a checklist item;
    - supplements_revision: the revision this one follows (None for revision 1);
    - fee: the fee record kept on the dossier (kiosk/dossier/fees.py), None for a dossier without one;
      left out of the stored JSON when None, so snapshots taken before fees existed read back unchanged.

    `tracking_token` is None in every snapshot taken when a revision is queued: the token is made from
    the receipt key when the body is built. Only migration 0005 sets it, when it derives a snapshot from
    a body frozen by an earlier release, so the body built from it is that body byte for byte even if it
    carried an older token scheme.
    """

    uuid: str
    revision: int
    code: str
    unit_id: str
    kiosk_number: int
    procedure_code: str
    procedure_version: str
    received_at: str
    appointment_date: str
    appointment_time: str
    officer: str
    values: dict[str, Any]
    documents: list[dict[str, Any]]
    attachments: list[dict[str, Any]]
    supplements_revision: int | None
    tracking_token: str | None = None
    fee: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON object stored in `outbox_entry.snapshot`."""
        data = {"version": SNAPSHOT_VERSION, **asdict(self)}
        for optional in ("tracking_token", "fee"):
            if data[optional] is None:
                del data[optional]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "RevisionSnapshot":
        """Read a stored snapshot; a shape this release does not know is a KioskError, never a guess."""
        if not isinstance(data, Mapping) or data.get("version") != SNAPSHOT_VERSION:
            version = data.get("version") if isinstance(data, Mapping) else None
            raise KioskError(f"Bản ghi lần nộp có định dạng {version!r} mà phiên bản phần mềm này không đọc được.")
        fields = {k: v for k, v in data.items() if k != "version"}
        try:
            return cls(**fields)
        except TypeError as exc:
            raise KioskError("Bản ghi lần nộp thiếu hoặc thừa trường; không dựng được nội dung gửi lên cổng.") from exc


def iso_utc(value: datetime | None) -> str:
    """A stored time as the wire body carries it: ISO 8601 in UTC, to the second ("" for none)."""
    return value.astimezone(timezone.utc).isoformat(timespec="seconds") if value is not None else ""


def take_snapshot(session: Session, dossier: Dossier, revision: int, settings: SiteSettings) -> RevisionSnapshot:
    """The dossier row (flushed, so its attachments have ids) as revision `revision` says it."""
    if not dossier.code:
        raise KioskError("Hồ sơ chưa có mã (bản nháp) thì chưa có lần nộp nào.")
    officer = session.get(Officer, dossier.officer_id)  # by id: the relationship may still hold a draft's officer
    if officer is None:
        raise KioskError(f"Không tìm thấy cán bộ tiếp nhận hồ sơ {dossier.code}.")
    return RevisionSnapshot(
        uuid=dossier.uuid,
        revision=revision,
        code=dossier.code,
        unit_id=settings.unit_id,
        kiosk_number=settings.kiosk_number,
        procedure_code=dossier.procedure_code,
        procedure_version=dossier.procedure_version,
        received_at=iso_utc(dossier.received_at),
        appointment_date=dossier.appointment_date.isoformat() if dossier.appointment_date else "",
        appointment_time=dossier.appointment_time or "",
        officer=officer.username,
        values=copy.deepcopy(dict(dossier.values or {})),  # a copy: the row's dict is the next revision's to change
        documents=[_document_json(dossier, d) for d in sorted(dossier.documents, key=lambda d: d.position)],
        attachments=[_attachment_json(a) for a in sorted(dossier.attachments, key=lambda a: a.id or 0)],
        supplements_revision=revision - 1 if revision > 1 else None,
        fee=copy.deepcopy(dossier.fee) if dossier.fee is not None else None,
    )


def _document_json(dossier: Dossier, d: DossierDocument) -> dict[str, Any]:
    """A document row as the snapshot lists it. The way, page count and record number are added only for a
    dossier received under the 2025 layout: an older dossier's snapshots keep the shape its first ones had."""
    data: dict[str, Any] = {"doc_id": d.doc_id, "name": d.name, "kind": d.kind, "quantity": d.quantity}
    if dossier.layout_version not in (None, LAYOUT_2018):
        data.update(way=d.way, page_count=d.page_count, record_number=d.record_number)
    return data


def _attachment_json(a: Attachment) -> dict[str, Any]:
    data = {"sha256": a.sha256, "size": a.size, "mime": a.mime_type, "filename": a.filename, "field_id": a.field_id}
    if a.doc_id:  # a scan of a checklist item (never set on a dossier received before 2025)
        data["doc_id"] = a.doc_id
    return data


def received_documents(procedure: Procedure, documents: Mapping[str, ReceivedItem]) -> list[tuple[DocumentSpec, ReceivedItem]]:
    """The checklist's lines that become document rows: documents of the procedure received at least once.

    (Each caller checks its own bounds first; a quantity of 0 on the submit checklist means "not received".)
    """
    lines: list[tuple[DocumentSpec, ReceivedItem]] = []
    for doc_id, item in documents.items():
        spec = procedure.document(doc_id)
        if spec is not None and item.quantity > 0:
            lines.append((spec, item))
    return lines


def write_revision(
    session: Session,
    dossier: Dossier,
    *,
    revision: int,
    values: Mapping[str, Any],
    documents: Iterable[tuple[DocumentSpec, ReceivedItem]],
    attachments: Iterable[Attachment],
    settings: SiteSettings,
    now: datetime,
    actor: str,
    action: str,
    details: Mapping[str, Any],
) -> OutboxEntry:
    """Write revision `revision` of a dossier in the caller's transaction, after the caller's own checks.

    The caller has set what only it decides (code, lifecycle, dates for a submission). This writes the
    dossier's current columns (values, submitter name and ID number, search words, revision number),
    appends the documents received now after those already held and the attachments not yet held (by
    content), queues the outbox entry with the revision's snapshot, and records the audit event
    `action` by `actor` with `details`.
    """
    dossier.revision = revision
    dossier.values = dict(values)
    dossier.updated_at = now
    dossier.submitter_name = str(values.get("submitter_name") or "")[:120] or None
    dossier.submitter_id_number = id_number_column(values)
    dossier.search_key = search_key(dossier.code, values)
    position = max((d.position for d in dossier.documents), default=0)
    for spec, item in documents:
        position += 1
        dossier.documents.append(DossierDocument(
            position=position, doc_id=spec.id, name=spec.name, kind=item.kind_for(spec), quantity=item.quantity,
            way=item.way, page_count=item.page_count if item.way == "submitted" else None,
            record_number=(item.record_number.strip() or None) if item.way == "looked_up" else None,
        ))
    held = {a.sha256 for a in dossier.attachments}
    for row in attachments:
        if row.sha256 not in held:  # a file is stored once per dossier, however many fields name it
            held.add(row.sha256)
            dossier.attachments.append(row)
    session.add(dossier)
    session.flush()  # ids for the new attachments: the snapshot lists them in id order, as they were added
    snapshot = take_snapshot(session, dossier, revision, settings)
    entry = OutboxEntry(revision=revision, state="queued", created_at=now, updated_at=now, snapshot=snapshot.to_json())
    dossier.outbox.append(entry)
    session.flush()
    audit.record(session, actor, action, dossier_id=dossier.id, **details)
    return entry
