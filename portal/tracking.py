"""The citizen tracking page `/tra-cuu/{code}?t=TOKEN`: server-rendered Vietnamese HTML, no script, no personal data.

What it shows comes from columns that hold no personal data (procedure, dates, status codes); the dossier
body (names, ID numbers, addresses, phones) and officers' notes are never read here. An unknown code and a
wrong token produce byte-identical "not found" pages, after the same constant-time comparison.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date, datetime
from html import escape

from sqlalchemy import select
from sqlalchemy.orm import Session

from forms import statuses
from forms.codes import parse_code
from forms.timezone import VN_TZ
from portal.models import CounterEvent, Dossier, DossierRevision, StatusChange
from portal.pages import frame
from portal.services.catalogue import procedure_name
from portal.services.receipt_keys import receipt_keys_for_slot
from sync import wire

MAX_TOKEN = 128
_DUMMY_TOKEN = b"0" * 17

WAIT = {5, 6, 8}
STOP = {3, 7}


@dataclass(frozen=True)
class Event:
    at: datetime
    label: str


def _local(value: datetime | None, with_time: bool = True) -> str:
    if value is None:
        return "—"
    local = value.astimezone(VN_TZ)
    return local.strftime("%H:%M, %d/%m/%Y") if with_time else local.strftime("%d/%m/%Y")


def _appointment(dossier: Dossier) -> str:
    if not dossier.appointment_date:
        return "—"
    try:
        shown = date.fromisoformat(dossier.appointment_date).strftime("%d/%m/%Y")
    except ValueError:
        shown = dossier.appointment_date
    return f"{dossier.appointment_time}, {shown}" if dossier.appointment_time else shown


def not_found_page(portal_name: str) -> str:
    """The one neutral answer for an unknown code, a wrong token, or a dossier not synchronised yet."""
    return frame(
        "Không tìm thấy hồ sơ",
        portal_name,
        '<section class="card">\n<h2>Không tìm thấy hồ sơ</h2>\n'
        "<p>Không tìm thấy hồ sơ theo đường dẫn này. Vui lòng kiểm tra lại mã QR hoặc đường dẫn in trên "
        "giấy tiếp nhận hồ sơ.</p>\n"
        "<p>Hồ sơ vừa nộp có thể cần một thời gian để được cập nhật lên cổng. Nếu cần hỗ trợ, xin liên hệ "
        "bộ phận một cửa nơi nộp hồ sơ.</p>\n</section>",
    )


@dataclass(frozen=True)
class Pending:
    """A genuine receipt (its signature checks out) for a dossier the portal does not hold yet."""

    code: str
    unit_label: str
    issued_on: date


def too_many_page(portal_name: str) -> str:
    return frame(
        "Tra cứu quá nhiều lần",
        portal_name,
        '<section class="card">\n<h2>Tra cứu quá nhiều lần</h2>\n'
        "<p>Máy của quý vị đã tra cứu quá nhiều lần trong một phút. Vui lòng chờ một phút rồi thử lại.</p>\n</section>",
    )


def lookup(session: Session, code: str, token: str | None) -> Dossier | Pending | None:
    """What a receipt's QR shows: the dossier, a genuine receipt not synced yet (Pending), or None (not found).

    The token is the dossier's own tracking token (compared case-insensitively in constant time) or a
    version-2 signature of the code by a receipt key registered for the code's kiosk slot.
    """
    code = code.strip()
    dossier = None
    if 0 < len(code) <= 40:
        for candidate in dict.fromkeys((code, code.upper())):
            dossier = session.scalars(select(Dossier).where(Dossier.code == candidate)).first()
            if dossier is not None:
                break
    given_text = (token or "").strip()[:MAX_TOKEN]
    given = given_text.lower().encode("utf-8")
    expected = dossier.tracking_token.lower().encode("utf-8") if dossier is not None else _DUMMY_TOKEN
    if hmac.compare_digest(expected, given) and dossier is not None and given:
        return dossier
    canonical = dossier.code if dossier is not None else code
    issued = parse_code(canonical)
    if issued is None or not given_text.startswith("2"):
        return None
    keys = receipt_keys_for_slot(session, issued.unit_id, issued.kiosk_number, issued.day)
    for public_key, unit_name in keys:
        if wire.verify_receipt_token([public_key], canonical, given_text):
            return dossier if dossier is not None else Pending(canonical, unit_name or issued[0], issued[1])
    return None


def find(session: Session, code: str, token: str | None) -> Dossier | None:
    """The dossier if the token is genuine for it (synced dossiers only)."""
    found = lookup(session, code, token)
    return found if isinstance(found, Dossier) else None


def pending_page(pending: Pending, portal_name: str) -> str:
    content = (
        '<section class="card">\n'
        f'<p class="label">Mã hồ sơ</p>\n<p class="code">{escape(pending.code)}</p>\n'
        '<p class="label">Tình trạng hiện nay</p>\n<p class="status wait">Đang chờ gửi lên cổng</p>\n'
        f'<p class="hint">Hồ sơ đã được tiếp nhận tại {escape(pending.unit_label)} ngày {pending.issued_on:%d/%m/%Y}, '
        "đang chờ gửi lên cổng dịch vụ công. Giấy tiếp nhận của quý vị là thật; tình trạng giải quyết sẽ hiện ở "
        "đây khi hồ sơ được gửi lên (thường trong ngày làm việc).</p>\n"
        "</section>\n"
        '<p class="foot">Trang này chỉ hiển thị tình trạng hồ sơ, không hiển thị thông tin cá nhân.</p>'
    )
    return frame(f"Hồ sơ {pending.code}", portal_name, content)


def history(session: Session, dossier: Dossier) -> list[Event]:
    events = [Event(dossier.received_at or dossier.created_at, "Bộ phận một cửa đã tiếp nhận hồ sơ")]
    for revision in session.scalars(
        select(DossierRevision).where(DossierRevision.dossier_uuid == dossier.uuid, DossierRevision.revision > 1).order_by(DossierRevision.revision)
    ):
        events.append(Event(revision.portal_received_at, "Hồ sơ được bổ sung, điều chỉnh"))
    echoed = select(StatusChange, CounterEvent.at).outerjoin(CounterEvent, CounterEvent.status_change_id == StatusChange.id)
    for change, event_at in session.execute(echoed.where(StatusChange.dossier_uuid == dossier.uuid).order_by(StatusChange.id)):
        # A change that echoes a counter event (the result handed back, the dossier stopped) shows when it happened
        # at the counter, not when the kiosk could send it. The note may hold personal data: never shown.
        events.append(Event(event_at or change.at, statuses.label(change.status)))
    return sorted(events, key=lambda e: e.at)


def dossier_page(session: Session, dossier: Dossier, portal_name: str) -> str:
    status = dossier.status or statuses.RECEIVED
    css_class = "status wait" if status in WAIT else "status stop" if status in STOP else "status"
    hint = statuses.hint(status)
    name = procedure_name(dossier.procedure_code, dossier.procedure_version) or f"Thủ tục {dossier.procedure_code}"
    items = "\n".join(
        f'<li><time datetime="{escape(e.at.isoformat())}">{escape(_local(e.at))}</time>{escape(e.label)}</li>'
        for e in history(session, dossier)
    )
    content = (
        '<section class="card">\n'
        f'<p class="label">Mã hồ sơ</p>\n<p class="code">{escape(dossier.code)}</p>\n'
        f'<p class="label">Tình trạng hiện nay</p>\n<p class="{css_class}">{escape(statuses.label(status))}</p>\n'
        + (f'<p class="hint">{escape(hint)}</p>\n' if hint else "")
        + "<dl>\n"
        f"<dt>Thủ tục</dt><dd>{escape(name)}</dd>\n"
        f"<dt>Ngày tiếp nhận</dt><dd>{escape(_local(dossier.received_at))}</dd>\n"
        f"<dt>Hẹn trả kết quả</dt><dd>{escape(_appointment(dossier))}</dd>\n"
        "</dl>\n</section>\n"
        f'<section class="card">\n<h2>Quá trình giải quyết</h2>\n<ol>\n{items}\n</ol>\n</section>\n'
        '<p class="foot">Trang này chỉ hiển thị tình trạng hồ sơ, không hiển thị thông tin cá nhân. '
        "Giờ theo múi giờ Việt Nam.</p>"
    )
    return frame(f"Hồ sơ {dossier.code}", portal_name, content)
