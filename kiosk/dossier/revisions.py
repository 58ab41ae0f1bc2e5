"""Dossier revisions: the one writer that submit and amend share."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Mapping

from sqlalchemy.orm import Session

from forms.catalogue import DocumentSpec, Procedure
from kiosk.dossier.search import search_key
from kiosk.security import audit
from kiosk.storage.models import Attachment, Dossier, DossierDocument, OutboxEntry
from kiosk.storage.settings import SiteSettings


def received_documents(procedure: Procedure, documents: Mapping[str, int]) -> list[tuple[DocumentSpec, int]]:
    """The checklist's lines that become document rows: documents of the procedure received at least once.

    (Each caller checks its own bounds first; a quantity of 0 on the submit checklist means "not received".)
    """
    lines: list[tuple[DocumentSpec, int]] = []
    for doc_id, quantity in documents.items():
        spec = procedure.document(doc_id)
        if spec is not None and quantity > 0:
            lines.append((spec, quantity))
    return lines


def write_revision(
    session: Session,
    dossier: Dossier,
    *,
    revision: int,
    values: Mapping[str, Any],
    documents: Iterable[tuple[DocumentSpec, int]],
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
    content), queues the outbox entry, and records the audit event
    `action` by `actor` with `details`.
    """
    dossier.revision = revision
    dossier.values = dict(values)
    dossier.updated_at = now
    dossier.submitter_name = str(values.get("submitter_name") or "")[:120] or None
    dossier.submitter_id_number = str(values.get("submitter_id_number") or "")[:12] or None
    dossier.search_key = search_key(dossier.code, values)
    position = max((d.position for d in dossier.documents), default=0)
    for spec, quantity in documents:
        position += 1
        dossier.documents.append(DossierDocument(position=position, doc_id=spec.id, name=spec.name, kind=spec.kind, quantity=quantity))
    held = {a.sha256 for a in dossier.attachments}
    for row in attachments:
        if row.sha256 not in held:  # a file is stored once per dossier, however many fields name it
            held.add(row.sha256)
            dossier.attachments.append(row)
    session.add(dossier)
    entry = OutboxEntry(revision=revision, state="queued", created_at=now, updated_at=now)
    dossier.outbox.append(entry)
    session.flush()
    audit.record(session, actor, action, dossier_id=dossier.id, **details)
    return entry
