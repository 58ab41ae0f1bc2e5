"""Build a printed notice (forms 02, 03, 05, the hand-back slip) from a recorded counter event; no Qt.

The event row (docs/counter-events.md) holds the number, officer, time and what the portal got (`body`); the
personal part (`local`: the citizen's answers, a hand-back's receiver) and, for a notice about a dossier, the
dossier itself give the names. The site settings give the unit and the place, as for the receipt
(`kiosk/printed/load.py`). A reprint is recorded in the audit trail the way `load_receipt` records one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from forms import geo
from forms.timezone import VN_TZ
from kiosk.errors import InputError
from kiosk.printed.load import PURGED_NAME, place_name
from kiosk.printed.notices import (
    GUIDANCE, HAND_BACK, KINDS, REFUSAL, STOP, Citizen, GuidanceNotice, HandBackSlip, MissingItem, NoticeData,
    RefusalNotice, StopNotice,
)
from kiosk.printed.receipt import AuthorisedPerson
from kiosk.security import audit
from kiosk.storage.context import KioskContext
from kiosk.storage.models import CounterEvent, Dossier

KIND_LABELS = {
    GUIDANCE: "phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    REFUSAL: "phiếu từ chối tiếp nhận",
    STOP: "thông báo dừng giải quyết",
    HAND_BACK: "phiếu giao nhận kết quả",
}


def _address(value: object) -> str:
    return geo.format_address(value) if isinstance(value, dict) else str(value or "")


def citizen_of(values: dict[str, Any] | None, *, purged: bool = False) -> Citizen:
    """The person a notice is addressed to, from the answers typed (the submitter's fields); the retention
    placeholder once those answers were cleared, and a dotted blank when no name was typed yet."""
    if purged or values is None:
        return Citizen(name=PURGED_NAME)
    return Citizen(
        name=str(values.get("submitter_name") or "").strip() or "…………………………………",
        id_number=str(values.get("submitter_id_number") or ""),
        address=_address(values.get("submitter_address")),
        phone=str(values.get("submitter_phone") or ""),
        email=str(values.get("submitter_email") or ""),
    )


def _procedure_name(ctx: KioskContext, details: dict[str, Any], dossier: Dossier | None) -> tuple[str, str]:
    if dossier is not None:
        return dossier.procedure.name, dossier.procedure_code
    code = str(details.get("procedure_code") or "")
    found = ctx.catalogue.get(code, details.get("procedure_version")) or ctx.catalogue.get(code)
    return (found.name if found is not None else code or "(không rõ thủ tục)"), code


def notice_data(ctx: KioskContext, event: CounterEvent) -> NoticeData:
    """The paper of a numbered event (`guidance`, `refusal`, `stop`, `hand_back`) as it was recorded."""
    if event.kind not in KINDS:
        raise InputError(f"Sự kiện loại {event.kind} không có phiếu in.")
    details: dict[str, Any] = dict(event.body.get("details") or {})
    dossier = event.dossier
    purged = dossier is not None and dossier.purged_at is not None
    local = event.local  # None after retention (or for an event with no personal part)
    common = dict(
        agency_name=ctx.settings.unit_name,
        place_name=place_name(ctx.settings),
        number=event.notice_number or "",
        issued_at=event.at,
        officer_name=event.officer.full_name if event.officer is not None else "",
    )
    procedure_name, procedure_code = _procedure_name(ctx, details, dossier)
    dossier_values = None if dossier is None or purged else (dossier.values or {})
    if event.kind == GUIDANCE:
        items = tuple(MissingItem(str(i.get("name") or i.get("doc_id"))) for i in details.get("missing_items") or ())
        return GuidanceNotice(
            **common,
            citizen=citizen_of(dossier_values if dossier is not None else _typed(local), purged=purged),
            procedure_name=procedure_name, procedure_code=procedure_code, items=items,
            note=str((local or {}).get("note") or ""), contact_phone=ctx.settings.hotline,
            dossier_code=(dossier.code or "") if dossier is not None else "",
            dossier_received_at=dossier.received_at if dossier is not None else None,
        )
    if event.kind == REFUSAL:
        return RefusalNotice(
            **common, citizen=citizen_of(_typed(local)),
            procedure_name=procedure_name, procedure_code=procedure_code, reason=str(details.get("reason") or ""),
        )
    assert dossier is not None and dossier.code and dossier.received_at
    if event.kind == STOP:
        return StopNotice(
            **common, citizen=citizen_of(dossier_values, purged=purged),
            procedure_name=procedure_name, procedure_code=procedure_code, dossier_code=dossier.code,
            received_at=dossier.received_at, requested_on=event.at.astimezone(VN_TZ).date(),
            reason=str(details.get("reason") or ""),
        )
    authorised = bool(details.get("authorisation"))
    collected_by = None
    if authorised and local and not purged:
        collected_by = AuthorisedPerson(
            name=str(local.get("receiver_name") or ""), id_number=str(local.get("receiver_id") or ""),
            authorisation_paper=str(local.get("authorisation") or ""),
        )
    return HandBackSlip(
        **common, dossier_code=dossier.code, procedure_name=procedure_name, procedure_code=procedure_code,
        submitter=citizen_of(dossier_values, purged=purged), received_at=dossier.received_at,
        appointment_date=dossier.appointment_date, collected_by=collected_by,
        method=str(details.get("by") or "counter"), result_number=str(details.get("result_no") or ""),
        fee_collected_vnd=details.get("fee_vnd"),
    )


def _typed(local: dict[str, Any] | None) -> dict[str, Any] | None:
    """The answers a guidance or refusal kept; None once retention cleared them."""
    return None if local is None else dict(local.get("values") or {})


def find_event(session: Session, number_or_uuid: str, kind: str) -> CounterEvent:
    """The event of `kind` with this notice number (or uuid), or an InputError in Vietnamese."""
    if kind not in KINDS:
        raise InputError(f"Loại phiếu {kind!r} không có; một trong: {', '.join(KINDS)}.")
    key = number_or_uuid.strip()
    event = session.scalars(
        select(CounterEvent)
        .where(CounterEvent.kind == kind, or_(CounterEvent.notice_number == key, CounterEvent.uuid == key))
        .options(selectinload(CounterEvent.dossier).selectinload(Dossier.procedure), selectinload(CounterEvent.officer))
    ).first()
    if event is None:
        raise InputError(f"Không có {KIND_LABELS[kind]} số {key} trên máy này.")
    return event


def load_notice(ctx: KioskContext, number_or_uuid: str, kind: str, *, actor: str, reprint: bool) -> NoticeData:
    """The notice of a recorded event, recording the (re)print in the audit trail (`notice.printed|reprinted`)."""
    with ctx.transaction() as session:
        event = find_event(session, number_or_uuid, kind)
        data = notice_data(ctx, event)
        audit.record(
            session, actor, "notice.reprinted" if reprint else "notice.printed", dossier_id=event.dossier_id,
            kind=kind, notice_number=event.notice_number, event=event.uuid,
        )
        return data
