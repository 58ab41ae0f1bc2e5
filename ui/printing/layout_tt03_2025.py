"""The 2025 receipt: form 01 of Circular 03/2025/TT-VPCP, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả".

What it adds to the 2018 form (docs/receipt-2025.md): the document-number line "Số: …" under the
receiving unit, the submitter's ID number, the authorised-person block when one filed, the way each
document was provided (a column of the table), the channel, the resolving agency when it is not the
receiving unit, "(nếu có)" on the logbook line and the note for the officer's digital signature. The
"Liên" marker is the site's option (``ReceiptData.copy_labels``). Composed from receipt_layout's blocks.
The result-collection line names the receiving unit in full and the tracking line is the short address (host and
path): the QR carries the token (docs/printing.md).
"""

from __future__ import annotations

from kiosk.printed.receipt import (
    ReceiptData,
    format_appointment,
    format_time_received,
    processing_time_text,
    result_collection_in_full,
    short_tracking_address,
    way_text,
)
from ui.printing.layout_blocks import pair
from ui.printing.receipt_layout import BLANK, Composer, Style

DIGITAL_SIGNATURE_NOTE = "(Chữ ký số của người tiếp nhận hồ sơ nếu là biểu mẫu điện tử)"


def number_line(data: ReceiptData) -> str:
    """"Số: 0125": the receipt is numbered by its logbook entry; "Số: …/…" when there is none to print."""
    number = data.logbook_number.strip()
    return f"Số: {number}" if number else "Số: …/…"


def compose(device, dpi: float, width: float, data: ReceiptData, copy_label: str,
            style: Style, raster: bool, matrix: list[list[bool]]) -> Composer:
    c = Composer(device, dpi, width, style, raster)
    s = style
    body = c.font(s.body)
    c.header(data, number_line(data))
    c.title()
    c.code_and_qr(data, copy_label, matrix)
    c.field("Bộ phận tiếp nhận và trả kết quả: ", data.agency_name)
    pair(c, ("Tiếp nhận hồ sơ của Ông (Bà)/Tổ chức: ", data.submitter_name),
          ("Số định danh cá nhân/tổ chức:\u00a0", data.submitter_id_number), bold_first=True)
    c.field("Địa chỉ: ", data.submitter_address)
    pair(c, ("Số điện thoại:\u00a0", data.submitter_phone), ("Email:\u00a0", data.submitter_email))
    person = data.authorised
    if person is not None:
        pair(c, ("Người được ủy quyền nộp hồ sơ: ", person.name),
              ("Số định danh cá nhân:\u00a0", person.id_number), bold_first=True)
        c.field("Địa chỉ người được ủy quyền: ", person.address)
        pair(c, ("Số điện thoại:\u00a0", person.phone), ("Email:\u00a0", person.email))
        c.field("Giấy tờ ủy quyền: ", person.authorisation_paper)
    procedure = data.procedure_name.strip() or BLANK
    if data.procedure_code.strip():
        procedure += f" (mã thủ tục {data.procedure_code.strip()})"
    c.field("Nội dung yêu cầu giải quyết: ", procedure)
    c.paragraph([("1. Thành phần hồ sơ gồm:", body)])
    c.documents_table(data, kind_header="Hình thức nộp", kind_text=way_text, kind_cap=0.36)
    c.field("2. Số lượng hồ sơ: ", f"{data.dossier_sets:02d} (bộ)")
    c.field("3. Thời hạn giải quyết hồ sơ theo quy định: ",
            processing_time_text(data.processing_days, data.processing_note))
    c.field("4. Thời gian nhận hồ sơ: ", format_time_received(data.received_at))
    c.field("5. Thời gian trả kết quả giải quyết hồ sơ: ",
            format_appointment(data.appointment_date, data.appointment_time), bold_value=True)
    c.field("6. Đăng ký nhận kết quả tại: ", result_collection_in_full(data))
    if data.channel_label:
        c.field("Hình thức nộp hồ sơ: ", data.channel_label)
    if data.agency_to_print:
        c.field("Cơ quan chủ trì giải quyết: ", data.agency_to_print)
    c.field("Phí, lệ phí: ", data.fee_text)
    volume = data.logbook_volume.strip() or "…"
    number = data.logbook_number.strip() or "…"
    c.paragraph([(f"Vào Sổ theo dõi hồ sơ, Quyển số: {volume}, Số thứ tự: {number} (nếu có)", body)])
    small = c.font(s.small, italic=True)
    if data.hotline.strip():
        c.paragraph([(f"Đường dây nóng: {data.hotline.strip()}.", small)], gap=0.0)
    c.paragraph([("Tra cứu hồ sơ: ", small), (short_tracking_address(data.tracking_url), c.font(s.small))])
    c.signatures(data, officer_note=DIGITAL_SIGNATURE_NOTE)
    return c
