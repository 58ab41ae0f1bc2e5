"""The result's side of the counter: result ready, hand-back (and its void), the apology letter (form 04).

A result is ready when the portal says so (status 9 pulled) or when the officer marks it ready because the
commune resolves the dossier itself (a result_ready event: the portal records 9). It is handed back to the
submitter or to an authorised person (ID number and authorisation paper), at the counter or by post, with
the fee when it was not collected at receipt. The kiosk records these in its own columns
(`dossier.result_ready_at`, `handed_back_at`); `portal_status` changes only through pulls, where the
portal's echo of the event arrives (docs/counter-events.md).
"""

from __future__ import annotations

from datetime import date, datetime

from forms.text import canonical_id_number, normalise, well_formed_id_number
from forms.timezone import VN_TZ
from kiosk.dossier.events import EventResult, clean_text, find_received, latest_event, result_of, write_event
from kiosk.errors import InputError
from kiosk.security import roles
from kiosk.security.officers import OfficerRef
from kiosk.storage.context import KioskContext
from kiosk.storage.models import Dossier

READY = 9
HANDED_BACK = 10
PAUSED = frozenset({5, 6, 8})  # waiting for documents, for payment, or stopped by the resolving agency: the clock stops
ENDED = frozenset({3, 7, 10})
BY = ("counter", "post")


def result_ready(dossier: Dossier) -> bool:
    """The result can be handed back: status 9 pulled or marked ready here, and not handed back or stopped."""
    if dossier.handed_back_at is not None or dossier.stopped_at is not None:
        return False
    return dossier.result_ready_at is not None or dossier.portal_status == READY


def is_overdue(dossier: Dossier, today: date) -> bool:
    """The appointment has passed and no result was handed back; paused (5, 6, 8), ended or stopped dossiers never are."""
    if dossier.appointment_date is None or dossier.appointment_date >= today:
        return False
    if dossier.handed_back_at is not None or dossier.stopped_at is not None:
        return False
    return dossier.portal_status not in PAUSED | ENDED


def mark_result_ready(ctx: KioskContext, code: str, officer: OfficerRef, *, now: datetime | None = None) -> EventResult:
    """The commune resolved the dossier itself and the result is here: record it (the portal records 9)."""
    roles.require(officer, "receive")
    now = now or ctx.now()
    with ctx.transaction() as session:
        dossier = find_received(session, code)
        if dossier.stopped_at is not None or dossier.portal_status in (3, 7, 8):
            raise InputError(f"Hồ sơ {dossier.code} đã dừng giải quyết hoặc bị từ chối; không ghi nhận có kết quả được.")
        if dossier.handed_back_at is not None:
            raise InputError(f"Hồ sơ {dossier.code} đã trả kết quả.")
        if result_ready(dossier):
            raise InputError(f"Hồ sơ {dossier.code} đã được ghi nhận có kết quả.")
        dossier.result_ready_at = now
        return result_of(write_event(session, ctx.settings, kind="result_ready", at=now, officer=officer, dossier=dossier, details={}))


def hand_back(
    ctx: KioskContext,
    code: str,
    *,
    receiver_name: str,
    officer: OfficerRef,
    receiver_id: str = "",
    authorisation: str = "",
    by: str = "counter",
    fee_vnd: int | None = None,
    result_no: str = "",
    now: datetime | None = None,
) -> EventResult:
    """Record the hand-back of a ready result (the portal records 10); returns the slip's number.

    The receiver is the submitter unless an authorisation paper is named: then the receiver's ID number is
    required too. Names and ID numbers stay on this PC; the portal learns only "submitter" or "authorised".
    """
    roles.require(officer, "receive")
    now = now or ctx.now()
    name = clean_text(receiver_name, "họ tên người nhận kết quả", limit=120)
    id_number = clean_text(canonical_id_number(receiver_id or ""), "số định danh người nhận", limit=12, required=False)
    paper = clean_text(authorisation, "giấy ủy quyền", limit=300, required=False)
    result_no = clean_text(result_no, "số văn bản kết quả", limit=60, required=False)
    if by not in BY:
        raise InputError("Cách trả kết quả phải là tại quầy (counter) hoặc qua bưu chính (post).")
    if fee_vnd is not None and (isinstance(fee_vnd, bool) or not isinstance(fee_vnd, int) or not 0 <= fee_vnd <= 100_000_000):
        raise InputError("Phí, lệ phí thu khi trả kết quả phải là số đồng từ 0 đến 100.000.000.")
    if id_number and not well_formed_id_number(id_number):
        raise InputError("Số định danh người nhận phải gồm 12 chữ số (hoặc 9 chữ số của CMND cũ).")
    authorised = bool(paper)
    if authorised and not id_number:
        raise InputError("Người được ủy quyền nhận kết quả: hãy nhập số định danh của người nhận.")
    with ctx.transaction() as session:
        dossier = find_received(session, code)
        if dossier.handed_back_at is not None:
            shown = dossier.handed_back_at.astimezone(VN_TZ)
            raise InputError(f"Hồ sơ {dossier.code} đã trả kết quả lúc {shown:%H:%M %d/%m/%Y}; nếu ghi nhầm, hãy hủy lần trả đó trước.")
        if not result_ready(dossier):
            raise InputError(f"Hồ sơ {dossier.code} chưa có kết quả (cổng chưa báo 'Đã có kết quả' và cán bộ chưa ghi nhận có kết quả).")
        submitter = normalise(dossier.submitter_name or "").casefold()
        if not authorised and submitter and normalise(name).casefold() != submitter:
            raise InputError(
                "Người nhận không phải người nộp hồ sơ: hãy nhập giấy ủy quyền và số định danh của người được ủy quyền."
            )
        dossier.handed_back_at = now
        event = write_event(
            session, ctx.settings, kind="hand_back", at=now, officer=officer, dossier=dossier,
            details={"receiver": "authorised" if authorised else "submitter", "authorisation": authorised, "by": by,
                     "fee_vnd": fee_vnd, "result_no": result_no or None},
            local={"receiver_name": name, "receiver_id": id_number, "authorisation": paper},
        )
        return result_of(event)


def void_hand_back(ctx: KioskContext, code: str, reason: str, officer: OfficerRef, *, now: datetime | None = None) -> EventResult:
    """Void a hand-back recorded by mistake (the portal puts back the status it had before); the slip stays numbered."""
    roles.require(officer, "receive")
    now = now or ctx.now()
    reason = clean_text(reason, "lý do hủy lần trả kết quả")
    with ctx.transaction() as session:
        dossier = find_received(session, code)
        handed = latest_event(session, dossier, "hand_back")
        if handed is None or dossier.handed_back_at is None:
            raise InputError(f"Hồ sơ {dossier.code} chưa ghi nhận trả kết quả nên không có gì để hủy.")
        handed.voided_at, handed.void_reason = now, reason
        dossier.handed_back_at = None
        event = write_event(
            session, ctx.settings, kind="hand_back_void", at=now, officer=officer, dossier=dossier,
            details={"voids": handed.uuid, "voids_notice_number": handed.notice_number, "reason": reason},
        )
        return result_of(event)


def record_apology_handed(ctx: KioskContext, code: str, officer: OfficerRef, *, now: datetime | None = None) -> EventResult:
    """Record that the resolving agency's apology and new appointment (form 04) was handed to the citizen."""
    roles.require(officer, "receive")
    now = now or ctx.now()
    with ctx.transaction() as session:
        dossier = find_received(session, code)
        if not is_overdue(dossier, now.astimezone(VN_TZ).date()):
            raise InputError(f"Hồ sơ {dossier.code} chưa quá hạn hẹn trả; phiếu xin lỗi và hẹn lại ngày (mẫu 04) chỉ dùng cho hồ sơ quá hạn.")
        return result_of(write_event(session, ctx.settings, kind="apology_handed", at=now, officer=officer, dossier=dossier, details={}))
