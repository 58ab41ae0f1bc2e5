"""The hand-back slip of a recorded hand-back, built from the dossier and the event (a local builder).

The notices' loader from events (`kiosk/printed/notice_load.py`) is being written in parallel; until it lands,
the hand-back screen builds its slip here. When it does, this module gives way to it (one way to do each thing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.printed.notices import HandBackSlip
    from kiosk.storage.context import KioskContext


def load_hand_back_slip(ctx: KioskContext, event_uuid: str) -> HandBackSlip:
    """The slip of one hand-back: the receiver and the authorisation paper come from the event's local part."""
    from sqlalchemy import select

    from kiosk.errors import InputError
    from forms import geo
    from kiosk.printed.load import place_name
    from kiosk.printed.notices import Citizen, HandBackSlip
    from kiosk.printed.receipt import AuthorisedPerson
    from kiosk.storage.models import CounterEvent

    with ctx.read() as session:
        event = session.scalar(select(CounterEvent).where(CounterEvent.uuid == event_uuid, CounterEvent.kind == "hand_back"))
        if event is None or event.dossier is None:
            raise InputError("Không tìm thấy lần trả kết quả này.")
        dossier = event.dossier
        values = dossier.values or {}
        details = event.body.get("details") or {}
        local = event.local or {}
        address = values.get("submitter_address")
        submitter = Citizen(
            name=dossier.submitter_name or str(values.get("submitter_name") or "") or "—",
            id_number=dossier.submitter_id_number or "",
            address=geo.format_address(address) if isinstance(address, dict) else str(address or ""),
            phone=str(values.get("submitter_phone") or ""),
        )
        collected_by = None
        if details.get("receiver") == "authorised":
            collected_by = AuthorisedPerson(name=str(local.get("receiver_name") or ""), id_number=str(local.get("receiver_id") or ""),
                                            authorisation_paper=str(local.get("authorisation") or ""))
        return HandBackSlip(
            agency_name=ctx.settings.unit_name,
            place_name=place_name(ctx.settings),
            number=event.notice_number or "",
            issued_at=event.at,
            officer_name=event.officer.full_name if event.officer is not None else "",
            dossier_code=dossier.code or "",
            procedure_name=dossier.procedure.name,
            procedure_code=dossier.procedure_code,
            submitter=submitter,
            received_at=dossier.received_at,
            appointment_date=dossier.appointment_date,
            collected_by=collected_by,
            method=str(details.get("by") or "counter"),
            result_number=str(details.get("result_no") or ""),
            fee_collected_vnd=details.get("fee_vnd"),
        )
