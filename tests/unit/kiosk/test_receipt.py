"""The receipt's document model (kiosk/printed/receipt.py): dates, amounts, QR matrix, validation.
Its drawing by Qt is tested in tests/scenarios/test_receipt_drawing.py."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from kiosk.printed.receipt import (
    SAMPLE_TRACKING_KEY,
    format_appointment,
    format_time_received,
    format_vnd,
    processing_time_text,
    qr_matrix,
    sample_receipt,
    vn_date_line,
)
from receipt_tokens import verify_token

# -- pure helpers ---------------------------------------------------------------------------

def test_date_line_follows_the_leading_zero_rule():
    assert vn_date_line("Tân Hưng", date(2026, 11, 22)) == "Tân Hưng, ngày 22 tháng 11 năm 2026"
    assert vn_date_line("Tân Hưng", date(2026, 2, 5)) == "Tân Hưng, ngày 05 tháng 02 năm 2026"
    assert vn_date_line("Tân Hưng", date(2026, 3, 9)) == "Tân Hưng, ngày 09 tháng 3 năm 2026"


def test_time_received_is_shown_in_vietnam_time():
    utc = datetime(2026, 11, 22, 3, 5, tzinfo=timezone.utc)
    assert format_time_received(utc) == "10 giờ 05 phút, ngày 22 tháng 11 năm 2026"
    late = datetime(2026, 12, 31, 17, 30, tzinfo=timezone.utc)  # already 1 January in Vietnam
    assert format_time_received(late) == "00 giờ 30 phút, ngày 01 tháng 01 năm 2027"
    with pytest.raises(ValueError):
        format_time_received(datetime(2026, 11, 22, 10, 5))


def test_appointment_text():
    assert format_appointment(date(2026, 11, 26), "16:30") == (
        "16 giờ 30 phút, ngày 26 tháng 11 năm 2026"
    )
    with pytest.raises(ValueError):
        format_appointment(date(2026, 11, 26), "4:30 PM")


@pytest.mark.parametrize(
    ("amount", "text"),
    [(8000, "8.000 đồng"), (0, "0 đồng"), (200, "200 đồng"), (1234567, "1.234.567 đồng"),
     (Decimal("2000"), "2.000 đồng")],
)
def test_format_vnd(amount, text):
    assert format_vnd(amount) == text


def test_format_vnd_refuses_fractions_and_floats():
    with pytest.raises(ValueError):
        format_vnd(Decimal("1000.5"))
    with pytest.raises(TypeError):
        format_vnd(8000.0)
    with pytest.raises(TypeError):
        format_vnd(True)


def test_processing_time_text():
    assert processing_time_text(0, "") == "Trong ngày"
    assert processing_time_text(3, "") == "03 ngày làm việc"
    assert processing_time_text(12, " ") == "12 ngày làm việc"
    assert processing_time_text(0, "sau 15 giờ trả ngày hôm sau") == (
        "Trong ngày (sau 15 giờ trả ngày hôm sau)"
    )
    # A note that already starts with the same words is not repeated in brackets.
    note = "03 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ"
    assert processing_time_text(3, note) == note


def test_qr_matrix_is_a_square_symbol_without_quiet_zone():
    matrix = qr_matrix("https://dichvucong.example.gov.vn/tra-cuu/X?t=1abc")
    n = len(matrix)
    assert all(len(row) == n for row in matrix) and (n - 17) % 4 == 0
    # Finder pattern in the top-left corner: the symbol starts at (0, 0).
    assert all(matrix[0][:7]) and all(matrix[r][0] for r in range(7)) and not matrix[1][1]


def test_receipt_data_validation():
    data = sample_receipt()
    with pytest.raises(ValueError):
        dataclasses.replace(data, received_at=datetime(2026, 11, 23, 10, 5))
    with pytest.raises(ValueError):
        dataclasses.replace(data, appointment_time="16h30")
    with pytest.raises(ValueError):
        dataclasses.replace(data, reprint=True)  # a reprint needs printed_at
    as_list = dataclasses.replace(data, documents=list(data.documents))
    assert isinstance(as_list.documents, tuple)


def test_sample_receipt_carries_a_genuine_tracking_url():
    data = sample_receipt()
    assert data.tracking_url.startswith("https://")
    assert f"/tra-cuu/{data.dossier_code}?t=" in data.tracking_url
    token = data.tracking_url.rsplit("?t=", 1)[1]
    assert verify_token(SAMPLE_TRACKING_KEY, data.dossier_code, token)


# -- rendering ------------------------------------------------------------------------------
