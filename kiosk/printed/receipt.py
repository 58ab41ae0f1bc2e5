"""Document model of the receipt "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" (form 01), no Qt.

Everything here is plain data and text formatting; ``ui/printing/receipt_painter.py`` draws it. Dates and
times follow Vietnamese administrative writing (Decree 30/2020/NĐ-CP): a day below 10 and the
months 1 and 2 get a leading zero ("ngày 05 tháng 02 năm 2026", but "tháng 11").
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone

from forms.model import CHANNEL_LABELS, CHANNELS
from forms.model import way_text as describe_way
from forms.text import format_vnd  # noqa: F401 - re-exported: the receipt's callers import it from here
from forms.timezone import VN_TZ
from kiosk.printed.token import make_token, tracking_url

TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
DEFAULT_COPIES = ("Liên 1: Lưu", "Liên 2: Giao người nộp")

# Receipt layout versions (docs/receipt-2025.md). A dossier keeps the layout it was received under
# (`dossier.layout_version`), so a reprint draws what was handed over, whatever the current form is.
LAYOUT_2018 = "tt01-2018"  # form 01 of Circular 01/2018/TT-VPCP: every dossier received before migration 0006
LAYOUT_2025 = "tt03-2025"  # form 01 of Circular 03/2025/TT-VPCP
CURRENT_LAYOUT = LAYOUT_2025  # what submit records from now on
LAYOUTS = (LAYOUT_2018, LAYOUT_2025)


_TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class ReceiptDocument:
    """One row of the documents table: name, kind (bản chính, bản sao…) and quantity; since 2025 also the way
    it was provided (submitted, shown, looked up), its page count and the record number looked up."""

    name: str
    kind_label: str
    quantity: int
    way: str = ""  # "" for a row of the 2018 layout, which has no way column
    page_count: int | None = None
    record_number: str = ""

    def __post_init__(self) -> None:
        if self.quantity < 0:
            raise ValueError(f"document quantity must not be negative: {self.quantity}")
        if self.page_count is not None and self.page_count < 0:
            raise ValueError(f"page count must not be negative: {self.page_count}")


@dataclass(frozen=True)
class AuthorisedPerson:
    """The person who files on the submitter's behalf (Circular 03/2025 form 01's authorised-person block)."""

    name: str
    address: str = ""
    id_number: str = ""
    phone: str = ""
    email: str = ""
    authorisation_paper: str = ""  # e.g. "Giấy ủy quyền số 12/2026 ngày 20/11/2026"


def way_text(doc: ReceiptDocument) -> str:
    """The way column of the 2025 table: "Nộp – Bản chính, 3 trang", "Xuất trình", "Khai thác CSDL (số …)"."""
    return describe_way(doc.way or "submitted", doc.kind_label, doc.page_count, doc.record_number)


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
    # Since the 2025 layout (each has a default that is what an older receipt meant):
    layout_version: str = LAYOUT_2018
    copy_marker: bool = True  # the site's "Liên 1 / Liên 2" option; the 2018 layout always prints both
    submitter_id_number: str = ""
    authorised: AuthorisedPerson | None = None  # set when an authorised person filed
    channel: str = ""  # "in_person", "post", "authorised" ("" when not recorded)
    resolving_agency: str = ""  # the agency that decides; printed when it is not the receiving unit

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
        if self.layout_version not in LAYOUTS:
            raise ValueError(f"unknown receipt layout {self.layout_version!r}")
        if self.channel and self.channel not in CHANNELS:
            raise ValueError(f"unknown channel {self.channel!r}")

    @property
    def received_local(self) -> datetime:
        return self.received_at.astimezone(VN_TZ)

    @property
    def copy_labels(self) -> tuple[str, ...]:
        """One label per printed copy: the 2018 layout always prints "Liên 1" and "Liên 2"; the 2025 one
        does only where the site keeps the marker, else one copy without it (the label "")."""
        if self.layout_version == LAYOUT_2018 or self.copy_marker:
            return DEFAULT_COPIES
        return ("",)

    @property
    def channel_label(self) -> str:
        return CHANNEL_LABELS.get(self.channel, "")

    @property
    def agency_to_print(self) -> str:
        """The resolving agency when it is set and is not the receiving unit itself, else ""."""
        agency = self.resolving_agency.strip()
        if not agency or " ".join(agency.casefold().split()) == " ".join(self.agency_name.casefold().split()):
            return ""
        return agency


def print_labels(data: ReceiptData, count: int) -> tuple[str, ...]:
    """The copy labels of ``count`` printed copies (the site's ``receipt_copies``): unmarked copies where the site
    prints no "Liên" marker; with it, "Liên 1: Lưu" and "Liên 2: Giao người nộp" first, then "Liên 3"…; a single
    marked copy is the one handed over (the counter keeps the dossier itself)."""
    if count < 1:
        raise ValueError(f"at least one copy is printed, got {count}")
    labels = data.copy_labels
    if labels == ("",):
        return ("",) * count
    if count == 1:
        return (labels[-1],)
    extra = tuple(f"Liên {i}" for i in range(len(labels) + 1, count + 1))
    return (tuple(labels) + extra)[:count]


def sheet_pairs(labels: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Copies two to an A4 sheet (the site's ``receipt_two_up``): a sheet always holds two, to be cut apart, so a
    lone last copy is printed twice rather than beside a blank half."""
    if not labels:
        raise ValueError("at least one copy label is needed")
    padded = labels + labels[-1:] if len(labels) % 2 else labels
    return tuple(padded[i:i + 2] for i in range(0, len(padded), 2))


def short_tracking_address(url: str) -> str:
    """``dichvucong.example.gov.vn/tra-cuu/000.31.05.H56-261123-0007``: what the citizen types, without the scheme and
    the token (the QR carries the whole address; the token only proves the paper is genuine)."""
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}" if parts.netloc else url


UNIT_NAME = "Bộ phận Tiếp nhận và Trả kết quả"


def result_collection_in_full(data: ReceiptData) -> str:
    """Where the result is collected, naming the unit in full ("Bộ phận Tiếp nhận và Trả kết quả, Ủy ban nhân dân xã
    Tân Hưng"): the site's text when it already names the agency, else the agency added after it; the shipped generic
    default ("… của UBND xã") becomes the full name of the receiving unit."""
    place = " ".join(data.result_collection.split())
    agency = " ".join(data.agency_name.split())
    if not agency:
        return place
    if agency.casefold() in place.casefold():
        return place
    if not place or place.casefold().startswith(UNIT_NAME.casefold()):
        return f"{UNIT_NAME}, {agency}"
    return f"{place}, {agency}"


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
    import qrcode  # with PIL it weighs ≈ 9 MB: imported when a receipt is drawn, not by whoever reads a constant here
    import qrcode.constants

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


def sample_receipt_2025() -> ReceiptData:
    """The sample as form 01 of Circular 03/2025 draws it: ID number, an authorised person, each way, a resolving agency."""
    base = sample_receipt()
    return replace(
        base,
        layout_version=LAYOUT_2025,
        copy_marker=False,
        submitter_id_number="082190001234",
        channel="authorised",
        authorised=AuthorisedPerson(
            name="Lê Văn Hùng",
            address="Số 5, ấp Tân Phú, xã Tân Hưng, tỉnh Đồng Tháp",
            id_number="082088004321",
            phone="0987 654 321",
            email="hung.le@example.vn",
            authorisation_paper="Văn bản ủy quyền có chứng thực ngày 20/11/2026",
        ),
        documents=(
            ReceiptDocument("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân (theo mẫu)", "Bản chính", 1, "submitted", 2),
            ReceiptDocument("Thẻ Căn cước của người yêu cầu", "Xuất trình bản chính", 1, "shown"),
            ReceiptDocument("Thông tin cư trú", "Bản chính", 1, "looked_up", None, "CSDLQG-DC 0123"),
            ReceiptDocument("Trích lục ghi chú ly hôn", "Bản sao có chứng thực", 1, "submitted", 3),
        ),
        resolving_agency="Ủy ban nhân dân xã Tân Hưng",
    )
