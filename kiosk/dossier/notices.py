"""Guidance (form 02), refusal (form 03) and stop (form 05) notices: recorded offline, numbered, sent once.

A guidance notice is for a citizen who cannot complete the dossier at the counter (or for a received dossier
the portal sent back with status 5): the officer picks the missing checklist items and may add a note; the
answers typed so far stay on this PC, so when the citizen comes back the dossier starts from them
(`guidance_values`). A refusal is for a request the commune cannot take. A stop is the citizen's own request
to stop a received dossier with no decision yet (status 7). Documents: docs/counter-events.md.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping, Sequence

from sqlalchemy import select

from forms.model import Procedure
from forms.text import normalise
from forms.timezone import VN_TZ
from kiosk.dossier.events import EventResult, clean_text, find_received, latest_event, result_of, write_event
from kiosk.errors import InputError
from kiosk.security import roles
from kiosk.security.officers import OfficerRef
from kiosk.storage.context import KioskContext
from kiosk.storage.models import CounterEvent

# Statuses that are a decision (or the end of the road): no stop after them.
DECIDED = frozenset({3, 7, 8, 9, 10})


def _missing(procedure: Procedure, missing_items: Sequence[str]) -> list[dict[str, str]]:
    items: list[dict[str, str]] = []
    for doc_id in dict.fromkeys(i.strip() for i in missing_items if i and i.strip()):
        spec = procedure.document(doc_id)
        if spec is None:
            raise InputError(f"Thủ tục {procedure.code} không có giấy tờ {doc_id!r} trong danh mục; hãy chọn từ danh mục giấy tờ.")
        items.append({"doc_id": spec.id, "name": spec.name})
    if not items:
        raise InputError("Hãy chọn ít nhất một giấy tờ còn thiếu để ghi vào phiếu hướng dẫn.")
    return items


def record_guidance(
    ctx: KioskContext,
    procedure: Procedure | None,
    values: Mapping[str, Any],
    missing_items: Sequence[str],
    note: str,
    officer: OfficerRef,
    *,
    code: str | None = None,
    now: datetime | None = None,
) -> EventResult:
    """Record a guidance notice (form 02) with its number; returns it for printing.

    `code` names a received dossier the portal sent back (status 5): the notice is then about that dossier,
    its procedure version and answers, and `procedure`/`values` are ignored.
    """
    roles.require(officer, "receive")
    now = now or ctx.now()
    note = clean_text(note, "ghi chú", limit=500, required=False)
    with ctx.transaction() as session:
        dossier = find_received(session, code) if code else None
        if dossier is not None:
            found = ctx.catalogue.get(dossier.procedure_code, dossier.procedure_version)
            if found is None:
                raise InputError(f"Máy không còn định nghĩa thủ tục {dossier.procedure_code} phiên bản {dossier.procedure_version}.")
            procedure, typed = found, {}
        elif procedure is None:
            raise InputError("Hãy chọn thủ tục của phiếu hướng dẫn.")
        else:
            typed = normalise(copy.deepcopy(dict(values)))
        items = _missing(procedure, missing_items)
        event = write_event(
            session, ctx.settings, kind="guidance", at=now, officer=officer, dossier=dossier,
            details={"procedure_code": procedure.code, "procedure_version": procedure.version, "missing_items": items},
            local={"values": typed, "note": note},
        )
        return result_of(event)


@dataclass(frozen=True)
class GuidanceValues:
    """What a guidance notice kept, so the dossier starts pre-filled when the citizen comes back."""

    notice_number: str
    procedure_code: str
    procedure_version: str
    values: dict[str, Any]
    missing_items: list[dict[str, str]]
    note: str
    code: str | None


def guidance_values(ctx: KioskContext, notice_number: str) -> GuidanceValues:
    """The procedure and answers of guidance notice `notice_number` (InputError when there is none)."""
    with ctx.read() as session:
        event = session.scalars(
            select(CounterEvent).where(CounterEvent.kind == "guidance", CounterEvent.notice_number == notice_number.strip())
        ).first()
        if event is None:
            raise InputError(f"Không có phiếu hướng dẫn số {notice_number.strip()} trên máy này.")
        details, local = event.body["details"], event.local or {}
        return GuidanceValues(
            event.notice_number or "", details["procedure_code"], details["procedure_version"],
            copy.deepcopy(dict(local.get("values") or {})), list(details["missing_items"]), str(local.get("note") or ""),
            event.body.get("code"),
        )


def record_refusal(
    ctx: KioskContext,
    procedure: Procedure,
    values: Mapping[str, Any],
    reason: str,
    officer: OfficerRef,
    *,
    now: datetime | None = None,
) -> EventResult:
    """Record a refusal (form 03): the reason goes to the portal, the citizen's answers (name, ID number) stay here."""
    roles.require(officer, "receive")
    now = now or ctx.now()
    reason = clean_text(reason, "lý do từ chối")
    typed = normalise(copy.deepcopy(dict(values)))
    with ctx.transaction() as session:
        event = write_event(
            session, ctx.settings, kind="refusal", at=now, officer=officer,
            details={"procedure_code": procedure.code, "procedure_version": procedure.version, "reason": reason},
            local={"values": typed},
        )
        return result_of(event)


def stop(ctx: KioskContext, code: str, reason: str, officer: OfficerRef, *, now: datetime | None = None) -> EventResult:
    """Stop a received dossier with no decision yet at the citizen's request (form 05; the portal records 7)."""
    roles.require(officer, "receive")
    now = now or ctx.now()
    reason = clean_text(reason, "lý do dừng giải quyết")
    with ctx.transaction() as session:
        dossier = find_received(session, code)
        if dossier.stopped_at is not None:
            raise InputError(f"Hồ sơ {dossier.code} đã dừng giải quyết lúc {dossier.stopped_at.astimezone(VN_TZ):%H:%M %d/%m/%Y}.")
        if dossier.handed_back_at is not None or dossier.result_ready_at is not None or (dossier.portal_status in DECIDED):
            raise InputError(f"Hồ sơ {dossier.code} đã có kết quả hoặc đã kết thúc; không dừng giải quyết được.")
        dossier.stopped_at = now
        event = write_event(session, ctx.settings, kind="stop", at=now, officer=officer, dossier=dossier, details={"reason": reason})
        return result_of(event)


def stop_event(ctx: KioskContext, code: str) -> EventResult | None:
    """The dossier's stop notice (for reprinting), or None."""
    with ctx.read() as session:
        found = latest_event(session, find_received(session, code), "stop")
        return result_of(found) if found is not None else None
