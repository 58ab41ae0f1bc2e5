"""The counter's notices drawn with the receipt's blocks: forms 02, 03 and 05 of Circular 03/2025 and the hand-back slip.

Each ``compose_*`` lays one page out top to bottom with ``receipt_layout.Composer`` (the header with the agency and
"BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", the number line, the motto, the place and date, the title, fields, signatures);
``paint_notice`` fills the page in the largest type that fits, as the receipt does. The wording and what of it is
assumed is in docs/notices.md.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter

from kiosk.printed.notices import (
    BY_POST,
    Citizen,
    GuidanceNotice,
    HandBackSlip,
    NoticeData,
    RefusalNotice,
    StopNotice,
)
from kiosk.printed.receipt import format_time_received, vn_date
from ui.printing.layout_blocks import list_item, pair
from ui.printing.receipt_layout import BLANK, Composer, Signature, Style
from ui.printing.receipt_painter import paint_fitted

UNIT = "Bộ phận Tiếp nhận và Trả kết quả"
SIGN = "(Ký và ghi rõ họ tên)"


def _start(c: Composer, data: NoticeData) -> None:
    c.header_blocks(data.agency_name, data.place_name, data.issued_local.date(), data.number_line)
    c.title(data.title)


def _citizen(c: Composer, who: Citizen, label: str) -> None:
    """The addressee's block: name and ID number, address, phone and e-mail."""
    # The ID number on its own line: beside a long name its label would break at the slash.
    c.field(label, who.name, bold_value=True)
    c.field("Số định danh cá nhân/tổ chức: ", who.id_number)
    c.field("Địa chỉ: ", who.address)
    pair(c, ("Số điện thoại:\u00a0", who.phone), ("Email:\u00a0", who.email))


def _text(c: Composer, text: str) -> None:
    c.paragraph([(text, c.font(c.style.body))])


def _quoted(c: Composer, text: str) -> None:
    """A reason, indented under the sentence that announces it."""
    indent = 8 * c.u
    c.paragraph([(text.strip(), c.font(c.style.body))], x=indent, width=c.width - indent)


def compose_guidance(c: Composer, data: GuidanceNotice) -> None:
    """Form 02: whose dossier, what it asks for, the numbered items to add or correct, why, whom to ask."""
    if data.dossier_code.strip():
        c.field("Mã hồ sơ: ", data.dossier_code, bold_value=True)
        if data.dossier_received_at is not None:
            c.field("Thời gian nhận hồ sơ: ", format_time_received(data.dossier_received_at))
    _citizen(c, data.citizen, "Hồ sơ của Ông (Bà)/Tổ chức: ")
    c.field("Nội dung yêu cầu giải quyết: ", data.procedure_text)
    body = c.font(c.style.body)
    if data.items:
        _text(c, "Yêu cầu bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:")
        for i, item in enumerate(data.items, 1):
            name, needed = item.name.strip(), item.needed.strip()
            runs = [(name, c.font(c.style.body, bold=True))]
            if needed:
                runs.append((f": {needed}", body))
            list_item(c, f"{i}.", runs, indent_pt=8)
    if data.note.strip():
        c.field("Lý do, ghi chú: ", data.note)
    if data.dossier_code.strip():
        _text(c, "Thời hạn giải quyết được tính lại từ ngày Bộ phận Tiếp nhận và Trả kết quả nhận đủ "
                 "hồ sơ đã bổ sung, hoàn thiện.")
    contact = data.officer_name.strip() or UNIT
    phone = data.contact_phone.strip()
    where = f"{contact}, số điện thoại {phone}," if phone else f"{contact}"
    _text(c, f"Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông (Bà) liên hệ với {where} "
             "để được hướng dẫn./.")
    c.signature_columns((Signature("NGƯỜI HƯỚNG DẪN", SIGN, name=data.officer_name),))


def compose_refusal(c: Composer, data: RefusalNotice) -> None:
    """Form 03: whose request, its dossier code if it has one, what was asked, and the reason it is not taken."""
    c.field(f"{UNIT}: ", data.agency_name)
    _citizen(c, data.citizen, "Tiếp nhận hồ sơ của Ông (Bà)/Tổ chức: ")
    c.field("Mã hồ sơ (nếu có): ", data.dossier_code)
    c.field("Nội dung yêu cầu giải quyết: ", data.procedure_text)
    _text(c, f"Qua xem xét, {UNIT} thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:")
    _quoted(c, data.reason)
    _text(c, "Xin thông báo để Ông (Bà) được biết và thực hiện./.")
    c.signature_columns((Signature("NGƯỜI TIẾP NHẬN HỒ SƠ", SIGN, name=data.officer_name),))


def compose_stop(c: Composer, data: StopNotice) -> None:
    """Form 05: the dossier received, the citizen's request to stop it and its reason, the unit's notice."""
    _citizen(c, data.citizen, "Kính gửi Ông (Bà)/Tổ chức: ")
    _text(c, f"{UNIT} đã tiếp nhận hồ sơ của Ông (Bà):")
    c.field("Mã hồ sơ: ", data.dossier_code, bold_value=True)
    c.field("Nội dung yêu cầu giải quyết: ", data.procedure_text)
    c.field("Thời gian nhận hồ sơ: ", format_time_received(data.received_at))
    requested = vn_date(data.requested_on)
    _text(c, f"{requested[0].upper()}{requested[1:]}, Ông (Bà) đề nghị dừng giải quyết hồ sơ nêu trên với lý do:")
    _quoted(c, data.reason)
    _text(c, f"{UNIT} thông báo dừng giải quyết hồ sơ nêu trên theo đề nghị của Ông (Bà)./.")
    c.signature_columns((
        Signature("NGƯỜI ĐỀ NGHỊ DỪNG GIẢI QUYẾT", SIGN),
        Signature("NGƯỜI TIẾP NHẬN HỒ SƠ", SIGN, name=data.officer_name),
    ))


def compose_hand_back(c: Composer, data: HandBackSlip) -> None:
    """The hand-back slip: the dossier, the result, when and how it left, who took it, any fee, "Ký nhận"."""
    c.field("Mã hồ sơ: ", data.dossier_code, bold_value=True)
    c.field("Hồ sơ của Ông (Bà)/Tổ chức: ", data.submitter.name, bold_value=True)
    c.field("Số định danh cá nhân/tổ chức: ", data.submitter.id_number)
    c.field("Nội dung yêu cầu giải quyết: ", data.procedure_text)
    if data.received_at is not None:
        c.field("Thời gian nhận hồ sơ: ", format_time_received(data.received_at))
    if data.appointment_date is not None:
        c.field("Hẹn trả kết quả: ", vn_date(data.appointment_date))
    c.field("Kết quả giải quyết: ", data.result_text)
    c.field("Thời gian trả kết quả: ", format_time_received(data.issued_at), bold_value=True)
    c.field("Phương thức nhận kết quả: ", data.method_label)
    if data.method == BY_POST:
        c.field("Số hiệu bưu gửi: ", data.post_reference)
    person = data.collected_by
    who, id_number = (data.submitter.name, data.submitter.id_number) if person is None else (
        person.name, person.id_number)
    role = "người nộp hồ sơ" if person is None else "người được ủy quyền"
    body = c.font(c.style.body)
    c.paragraph([("Người nhận kết quả: ", body), (who.strip(), c.font(c.style.body, bold=True)), (f" ({role})", body)])
    c.field("Số định danh cá nhân: ", id_number)
    if person is not None:
        c.field("Giấy tờ ủy quyền: ", person.authorisation_paper)
    c.field("Phí, lệ phí thu khi trả kết quả: ", data.fee_text)
    c.signature_columns((
        Signature("NGƯỜI NHẬN KẾT QUẢ", "(Ký nhận, ghi rõ họ tên)", name=data.receiver_name),
        Signature("NGƯỜI TRẢ KẾT QUẢ", SIGN, name=data.officer_name),
    ))


_COMPOSERS = {
    GuidanceNotice: compose_guidance,
    RefusalNotice: compose_refusal,
    StopNotice: compose_stop,
    HandBackSlip: compose_hand_back,
}


def compose(device, dpi: float, width: float, data: NoticeData, style: Style, raster: bool) -> Composer:
    """One notice laid out in ``style`` on a page ``width`` layout units wide."""
    try:
        body = _COMPOSERS[type(data)]
    except KeyError:
        raise TypeError(f"not a notice: {type(data).__name__}") from None
    c = Composer(device, dpi, width, style, raster)
    _start(c, data)
    body(c, data)
    return c


def paint_notice(painter: QPainter, page_rect: QRectF, data: NoticeData) -> None:
    """Draw ``data`` on one page inside ``page_rect`` (device units), in the largest type that fits."""

    def layout(device, dpi: float, width: float, style: Style, raster: bool) -> Composer:
        return compose(device, dpi, width, data, style, raster)

    paint_fitted(painter, page_rect, layout, f"{data.kind} notice {data.number or BLANK}")
