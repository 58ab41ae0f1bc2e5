"""Document model of the receipt "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" (form 01), no Qt.

Everything here is plain data and text formatting; ``ui/printing/receipt_painter.py`` draws it. Dates and
times follow Vietnamese administrative writing (Decree 30/2020/NĐ-CP): a day below 10 and the
months 1 and 2 get a leading zero ("ngày 05 tháng 02 năm 2026", but "tháng 11").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

import qrcode
import qrcode.constants

from forms.text import format_vnd  # noqa: F401 - re-exported: the receipt's callers import it from here
from forms.timezone import VN_TZ
from kiosk.printed.token import make_token, tracking_url

TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
DEFAULT_COPIES = ("Liên 1: Lưu", "Liên 2: Giao người nộp")


_TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class ReceiptDocument:
    """One row of the documents table: name, kind (bản chính, bản sao…) and quantity."""

    name: str
    kind_label: str
    quantity: int

    def __post_init__(self) -> None:
        if self.quantity < 0:
            raise ValueError(f"document quantity must not be negative: {self.quantity}")


@dataclass(frozen=True)
class ReceiptData:
    """Everything printed on one receipt; built by the dossier service, drawn by the UI."""

    agency_name: str  # e.g. "Ủy ban nhân dân xã Tân Hưng"; the header upper-cases it
    place_name: str  # for "Tân Hưng, ngày 23 tháng 11 năm 2026"
    dossier_code: str
    received_at: datetime  # timezone-aware
    appointment_date: date
    appointment_time: str  # "16:30"
    submitter_name: str
    submitter_address: str
    submitter_phone: str
    submitter_email: str
    procedure_name: str
    procedure_code: str
    documents: tuple[ReceiptDocument, ...]
    dossier_sets: int
    processing_days: int
    processing_note: str
    result_collection: str
    logbook_volume: str
    logbook_number: str
    officer_name: str
    fee_text: str
    hotline: str
    tracking_url: str
    reprint: bool = False
    printed_at: datetime | None = field(default=None)

    def __post_init__(self) -> None:
        if self.received_at.tzinfo is None or self.received_at.utcoffset() is None:
            raise ValueError("received_at must be timezone-aware")
        if not _TIME_RE.match(self.appointment_time):
            raise ValueError(f"appointment_time must be HH:MM, got {self.appointment_time!r}")
        if self.dossier_sets < 1:
            raise ValueError(f"dossier_sets must be at least 1: {self.dossier_sets}")
        if self.processing_days < 0:
            raise ValueError(f"processing_days must not be negative: {self.processing_days}")
        if self.printed_at is not None and self.printed_at.utcoffset() is None:
            raise ValueError("printed_at must be timezone-aware")
        if self.reprint and self.printed_at is None:
            raise ValueError("a reprint needs printed_at")
        if not isinstance(self.documents, tuple):
            object.__setattr__(self, "documents", tuple(self.documents))

    @property
    def received_local(self) -> datetime:
        return self.received_at.astimezone(VN_TZ)


def _day(n: int) -> str:
    return f"{n:02d}"


def _month(n: int) -> str:
    return f"{n:02d}" if n < 3 else str(n)


def vn_date(d: date) -> str:
    """``ngày 23 tháng 11 năm 2026``."""
    return f"ngày {_day(d.day)} tháng {_month(d.month)} năm {d.year}"


def vn_date_line(place: str, d: date) -> str:
    """``Tân Hưng, ngày 23 tháng 11 năm 2026``: the place-and-date line under the motto."""
    return f"{place}, {vn_date(d)}"


def format_time_received(dt: datetime) -> str:
    """``10 giờ 05 phút, ngày 23 tháng 11 năm 2026``, in Asia/Ho_Chi_Minh."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("a naive datetime has no defined local time")
    local = dt.astimezone(VN_TZ)
    return f"{local.hour:02d} giờ {local.minute:02d} phút, {vn_date(local.date())}"


def format_appointment(d: date, time_text: str) -> str:
    """``16 giờ 30 phút, ngày 26 tháng 11 năm 2026`` from a date and ``"16:30"``."""
    match = _TIME_RE.match(time_text)
    if not match:
        raise ValueError(f"time must be HH:MM, got {time_text!r}")
    return f"{match.group(1)} giờ {match.group(2)} phút, {vn_date(d)}"


def processing_time_text(days: int, note: str = "") -> str:
    """``Trong ngày`` for 0, else ``03 ngày làm việc``; a note is added in brackets."""
    if days < 0:
        raise ValueError(f"days must not be negative: {days}")
    text = "Trong ngày" if days == 0 else f"{days:02d} ngày làm việc"
    note = note.strip()
    if note.lower().startswith(text.lower()):
        return note  # the definition's note already says it in full ("Trong ngày; nếu nhận sau 15 giờ …")
    return f"{text} ({note})" if note else text


def format_printed_at(dt: datetime) -> str:
    """``23/11/2026 08:15`` in Asia/Ho_Chi_Minh, for the reprint mark."""
    return dt.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")


def reprint_mark(data: ReceiptData) -> str:
    """``BẢN IN LẠI – in ngày 24/11/2026 08:15``, or "" for an original."""
    if not data.reprint or data.printed_at is None:
        return ""
    return f"BẢN IN LẠI – in ngày {format_printed_at(data.printed_at)}"


def qr_matrix(text: str) -> list[list[bool]]:
    """QR modules of ``text`` (error correction M), True = dark, without the quiet zone."""
    if not text:
        raise ValueError("nothing to encode")
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, box_size=1)
    qr.add_data(text)
    qr.make(fit=True)
    return [[bool(cell) for cell in row] for row in qr.get_matrix()]


SAMPLE_TRACKING_KEY = b"sample receipt key, previews!!!!"  # 32 bytes: an Ed25519 seed
SAMPLE_PORTAL = "https://dichvucong.example.gov.vn"


def sample_receipt() -> ReceiptData:
    """A realistic receipt with made-up people, for previews, `kiosk-admin` demos and tests."""
    code = "000.31.05.H56-261123-0007"
    return ReceiptData(
        agency_name="Ủy ban nhân dân xã Tân Hưng",
        place_name="Tân Hưng",
        dossier_code=code,
        received_at=datetime(2026, 11, 23, 3, 5, tzinfo=timezone.utc),  # 10:05 in Vietnam
        appointment_date=date(2026, 11, 26),
        appointment_time="16:30",
        submitter_name="Nguyễn Thị Ánh Tuyết",
        submitter_address="Số 12, ấp Tân Lợi, xã Tân Hưng, tỉnh Đồng Tháp",
        submitter_phone="0912 345 678",
        submitter_email="anhtuyet.nguyen@example.vn",
        procedure_name="Xác nhận tình trạng hôn nhân",
        procedure_code="1.004873",
        documents=(
            ReceiptDocument(
                "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân (theo mẫu)", "Bản chính", 1
            ),
            ReceiptDocument("Thẻ Căn cước của người yêu cầu", "Xuất trình bản chính", 1),
            ReceiptDocument("Trích lục ghi chú ly hôn", "Bản sao có chứng thực", 1),
        ),
        dossier_sets=1,
        processing_days=3,
        processing_note="",
        result_collection="Bộ phận Tiếp nhận và Trả kết quả, Ủy ban nhân dân xã Tân Hưng",
        logbook_volume="03",
        logbook_number="0125",
        officer_name="Trần Văn Bình",
        fee_text=format_vnd(3000),
        hotline="0277 3 851 234",
        tracking_url=tracking_url(SAMPLE_PORTAL, code, make_token(SAMPLE_TRACKING_KEY, code)),
    )
