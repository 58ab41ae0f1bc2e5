"""Build the receipt's data from a stored dossier (the drawing itself is Qt code in ui/printing/receipt_painter.py)."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kiosk.security import audit
from forms import geo
from forms.model import KIND_LABELS
from kiosk.storage.context import KioskContext
from kiosk.errors import InputError
from kiosk.storage.models import Dossier, utcnow
from kiosk.dossier.fees import fee_text as stored_fee_text
from kiosk.printed.receipt import LAYOUT_2018, AuthorisedPerson, ReceiptData, ReceiptDocument, format_vnd
from kiosk.storage.settings import SiteSettings
from kiosk.printed.token import make_token, tracking_url

PURGED_NAME = "(Đã xóa dữ liệu cá nhân khi hết thời hạn lưu trữ)"  # printed instead of the name after retention
_UNIT_PREFIX = re.compile(r"^(xã|phường|đặc khu|thị trấn)\s+", re.IGNORECASE)


def place_name(settings: SiteSettings) -> str:
    """The place in "…, ngày … tháng … năm …": the setting, else the commune's name without its type."""
    if settings.place_name:
        return settings.place_name
    commune = geo.commune(settings.commune_code)
    return _UNIT_PREFIX.sub("", commune.name) if commune else settings.unit_name


def fee_text(dossier: Dossier) -> str:
    """The fee as computed at the counter (docs/fees.md); a dossier received before fees were computed prints
    its definition's note, exactly as it did."""
    if dossier.fee is not None:
        return stored_fee_text(dossier.fee)
    fee = dossier.procedure.definition.get("fee") or {}
    amount = fee.get("amount_vnd") or 0
    note = fee.get("note") or ""
    if amount:
        return f"{format_vnd(amount)}" + (f" ({note})" if note else "")
    return note or "Không thu phí"


def find_dossier(session: Session, code: str) -> Dossier:
    dossier = session.scalar(
        select(Dossier)
        .where(Dossier.code == code.strip())
        .options(selectinload(Dossier.documents), selectinload(Dossier.procedure), selectinload(Dossier.officer))
    )
    if dossier is None:
        raise InputError(f"Không tìm thấy hồ sơ mã {code.strip()}.")
    return dossier


def _address(value: object) -> str:
    return geo.format_address(value) if isinstance(value, dict) else str(value or "")


def authorised_person(values: dict) -> AuthorisedPerson | None:
    """The authorised-person block of the 2025 receipt, when the dossier was filed through one (values["channel"])."""
    if values.get("channel") != "authorised":
        return None
    return AuthorisedPerson(
        name=str(values.get("authorised_name") or ""),
        address=_address(values.get("authorised_address")),
        id_number=str(values.get("authorised_id_number") or ""),
        phone=str(values.get("authorised_phone") or ""),
        email=str(values.get("authorised_email") or ""),
        authorisation_paper=str(values.get("authorisation_paper") or ""),
    )


def _document(layout: str, d) -> ReceiptDocument:  # noqa: ANN001 - a DossierDocument
    document = ReceiptDocument(name=d.name, kind_label=KIND_LABELS.get(d.kind, d.kind), quantity=d.quantity)
    if layout == LAYOUT_2018:
        return document  # the 2018 table has no way column: the row stays what it was
    return ReceiptDocument(document.name, document.kind_label, document.quantity, d.way or "submitted",
                           d.page_count, d.record_number or "")


def receipt_data(ctx: KioskContext, dossier: Dossier, *, reprint: bool, printed_at: datetime | None = None) -> ReceiptData:
    """The receipt of a received dossier, in the layout it was received under (`dossier.layout_version`)."""
    definition = dossier.procedure.definition
    values = dossier.values or {}
    address = values.get("submitter_address")
    purged = dossier.purged_at is not None  # retention removed the personal data: a summary is printed
    assert dossier.code and dossier.received_at and dossier.appointment_date
    layout = dossier.layout_version or LAYOUT_2018
    return ReceiptData(
        agency_name=ctx.settings.unit_name,
        place_name=place_name(ctx.settings),
        dossier_code=dossier.code,
        received_at=dossier.received_at,
        appointment_date=dossier.appointment_date,
        appointment_time=dossier.appointment_time or ctx.settings.office_close,
        submitter_name=PURGED_NAME if purged else str(values.get("submitter_name") or ""),
        submitter_address=_address(address),
        submitter_phone=str(values.get("submitter_phone") or ""),
        submitter_email=str(values.get("submitter_email") or ""),
        procedure_name=dossier.procedure.name,
        procedure_code=dossier.procedure_code,
        documents=tuple(_document(layout, d) for d in dossier.documents),
        dossier_sets=1,
        processing_days=int(definition.get("processing_days") or 0),
        processing_note=str(definition.get("processing_note") or ""),
        result_collection=ctx.settings.result_collection,
        logbook_volume=dossier.logbook_volume or "",
        logbook_number=str(dossier.logbook_number or ""),
        officer_name=dossier.officer.full_name,
        fee_text=fee_text(dossier),
        hotline=ctx.settings.hotline,
        tracking_url=tracking_url(ctx.tracking_base, dossier.code, make_token(ctx.receipt_key, dossier.code)),
        reprint=reprint,
        printed_at=printed_at or utcnow(),
        layout_version=layout,
        copy_marker=ctx.settings.receipt_copy_marker,
        submitter_id_number="" if purged else str(values.get("submitter_id_number") or ""),
        authorised=None if purged else authorised_person(values),
        channel=dossier.channel or "",
        resolving_agency=dossier.resolving_agency or "",
    )


def load_receipt(ctx: KioskContext, code: str, *, actor: str, reprint: bool) -> ReceiptData:
    """Receipt data for a code, recording the (re)print in the audit trail."""
    with ctx.transaction() as session:
        dossier = find_dossier(session, code)
        data = receipt_data(ctx, dossier, reprint=reprint)
        audit.record(session, actor, "receipt.reprinted" if reprint else "receipt.printed", dossier_id=dossier.id, code=dossier.code)
        return data
