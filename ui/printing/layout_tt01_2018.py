"""The 2018 receipt (form 01 of Circular 01/2018/TT-VPCP), frozen: every dossier received under it reprints with it.

Moved unchanged from receipt_layout.py when the 2025 form arrived. Do not edit what it draws: the
references in tests/data/receipt-references hold its text and 150 dpi pixels, and
tests/scenarios/processes/test_receipt_reprint_references.py compares every reprint of an old dossier with them.
"""

from __future__ import annotations

from kiosk.printed.receipt import (
    ReceiptData,
    format_appointment,
    format_time_received,
    processing_time_text,
)
from ui.printing.receipt_layout import BLANK as _BLANK, Composer, Style


def compose(device, dpi: float, width: float, data: ReceiptData, copy_label: str,
             style: Style, raster: bool, matrix: list[list[bool]]) -> Composer:
    c = Composer(device, dpi, width, style, raster)
    s = style
    body = c.font(s.body)
    c.header(data)
    c.title()
    c.code_and_qr(data, copy_label, matrix)
    c.field("Bộ phận tiếp nhận và trả kết quả: ", data.agency_name)
    c.field("Tiếp nhận hồ sơ của: ", data.submitter_name, bold_value=True)
    c.field("Địa chỉ: ", data.submitter_address)
    phone = data.submitter_phone.strip() or _BLANK
    email = data.submitter_email.strip() or _BLANK
    # No-break spaces keep each label with its value when the line wraps.
    c.paragraph([(f"Số điện thoại:\u00a0{phone}\u2003\u2003Email:\u00a0{email}", body)])
    procedure = data.procedure_name.strip() or _BLANK
    if data.procedure_code.strip():
        procedure += f" (mã thủ tục {data.procedure_code.strip()})"
    c.field("Nội dung yêu cầu giải quyết: ", procedure)
    c.paragraph([("1. Thành phần hồ sơ nộp gồm:", body)])
    c.documents_table(data)
    c.field("2. Số lượng hồ sơ: ", f"{data.dossier_sets:02d} (bộ)")
    c.field("3. Thời hạn giải quyết hồ sơ theo quy định: ",
            processing_time_text(data.processing_days, data.processing_note))
    c.field("4. Thời gian nhận hồ sơ: ", format_time_received(data.received_at))
    c.field("5. Thời gian trả kết quả giải quyết hồ sơ: ",
            format_appointment(data.appointment_date, data.appointment_time), bold_value=True)
    c.field("6. Đăng ký nhận kết quả tại: ", data.result_collection)
    volume = data.logbook_volume.strip() or _BLANK
    number = data.logbook_number.strip() or _BLANK
    c.paragraph([(f"Vào Sổ theo dõi hồ sơ, Quyển số: {volume}, Số thứ tự: {number}", body)])
    small = c.font(s.small, italic=True)
    notes = []
    if data.fee_text.strip():
        notes.append(f"Lệ phí: {data.fee_text.strip()}.")
    if data.hotline.strip():
        notes.append(f"Đường dây nóng: {data.hotline.strip()}.")
    if notes:
        c.paragraph([(" ".join(notes), small)], gap=0.0)
    c.paragraph([("Tra cứu hồ sơ: ", small), (data.tracking_url, c.font(s.small))])
    c.signatures(data)
    return c
