"""Document models of the counter's other papers: forms 02, 03 and 05 of Circular 03/2025 and the hand-back slip, no Qt.

Plain data, built by the recording side (issue 13) from its rows and drawn by ``ui/printing/notice_layout.py`` with
the receipt's drawing code. Each model carries what is printed and nothing else: no database id, no status. The
wording of each form and what is assumed where the circular's template is not known field by field is in
docs/notices.md. Dates follow Decree 30/2020 through ``kiosk.printed.receipt``'s helpers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import ClassVar, Union

from forms.text import format_vnd
from forms.timezone import VN_TZ
from kiosk.printed.receipt import AuthorisedPerson

GUIDANCE = "guidance"
REFUSAL = "refusal"
STOP = "stop"
HAND_BACK = "hand_back"
KINDS = (GUIDANCE, REFUSAL, STOP, HAND_BACK)

# How a result leaves the counter (the logbook's "Phương thức nhận kết quả").
BY_COUNTER = "counter"
BY_POST = "post"
HAND_BACK_METHODS = (BY_COUNTER, BY_POST)
HAND_BACK_METHOD_LABELS = {
    BY_COUNTER: "Nhận trực tiếp tại Bộ phận Tiếp nhận và Trả kết quả",
    BY_POST: "Nhận qua dịch vụ bưu chính công ích",
}


def _aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def _required(value: str, name: str) -> None:
    if not value.strip():
        raise ValueError(f"{name} must not be empty")


@dataclass(frozen=True, kw_only=True)
class NoticeCommon:
    """What every notice has: the issuing unit, the place for the date line, its number, when it was issued, by whom.

    ``number`` is allocated by the recording side (``<kiosk>/<sequence>/<year>``, e.g. ``1/12/2026``); "" prints the
    blank ``Số: …/…/…`` for a hand-written number.
    """

    KIND: ClassVar[str] = ""
    FORM: ClassVar[str] = ""  # "02", "03", "05"; "" for the hand-back slip, which the circular has no form for
    TITLE: ClassVar[str] = ""

    agency_name: str  # "Ủy ban nhân dân xã Tân Hưng"; the header upper-cases it
    place_name: str  # "Tân Hưng", for "Tân Hưng, ngày 03 tháng 12 năm 2026"
    number: str
    issued_at: datetime  # timezone-aware: the date line, and for a hand-back the time the result was handed over
    officer_name: str

    def __post_init__(self) -> None:
        _required(self.agency_name, "agency_name")
        _aware(self.issued_at, "issued_at")
        if "\n" in self.number:
            raise ValueError(f"number must be one line: {self.number!r}")

    @property
    def kind(self) -> str:
        return self.KIND

    @property
    def title(self) -> str:
        return self.TITLE

    @property
    def issued_local(self) -> datetime:
        return self.issued_at.astimezone(VN_TZ)

    @property
    def number_line(self) -> str:
        """``Số: 1/12/2026`` under the receiving unit, or ``Số: …/…/…`` to fill by hand."""
        return f"Số: {self.number.strip() or '…/…/…'}"


@dataclass(frozen=True)
class Citizen:
    """The person or organisation a notice is addressed to (forms 02, 03, 05)."""

    name: str
    id_number: str = ""  # số định danh cá nhân/tổ chức
    address: str = ""
    phone: str = ""
    email: str = ""

    def __post_init__(self) -> None:
        _required(self.name, "citizen name")


@dataclass(frozen=True)
class MissingItem:
    """One line of a guidance notice: the checklist item and what the citizen must bring or correct."""

    name: str  # "Trích lục ghi chú ly hôn"
    needed: str = ""  # "Bản sao có chứng thực", "Bổ sung chữ ký của người yêu cầu"

    def __post_init__(self) -> None:
        _required(self.name, "missing item name")

    @property
    def text(self) -> str:
        name, needed = self.name.strip(), self.needed.strip()
        return f"{name}: {needed}" if needed else name


def _procedure_text(name: str, code: str) -> str:
    name, code = name.strip(), code.strip()
    return f"{name} (mã\u00a0thủ\u00a0tục\u00a0{code})" if code else name  # "mã thủ tục" and the code stay on one line


@dataclass(frozen=True, kw_only=True)
class GuidanceNotice(NoticeCommon):
    """Form 02 "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ": what the citizen must add before the dossier can be taken,
    or, with ``dossier_code``, what a received dossier sent back with status 5 needs."""

    KIND: ClassVar[str] = GUIDANCE
    FORM: ClassVar[str] = "02"
    TITLE: ClassVar[str] = "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"

    citizen: Citizen
    procedure_name: str
    procedure_code: str = ""
    items: tuple[MissingItem, ...] = ()
    note: str = ""  # the officer's note, or the resolving agency's reason for status 5
    contact_phone: str = ""  # where to call with a question: the counter's line
    dossier_code: str = ""  # set for a received dossier sent back for more documents
    dossier_received_at: datetime | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if not isinstance(self.citizen, Citizen):
            raise ValueError("a guidance notice needs the citizen")
        _required(self.procedure_name, "procedure_name")
        if not isinstance(self.items, tuple):
            object.__setattr__(self, "items", tuple(self.items))
        if not self.items and not self.note.strip():
            raise ValueError("a guidance notice needs at least one missing item or a note")
        if self.dossier_received_at is not None:
            _aware(self.dossier_received_at, "dossier_received_at")
            if not self.dossier_code.strip():
                raise ValueError("dossier_received_at without dossier_code")

    @property
    def procedure_text(self) -> str:
        return _procedure_text(self.procedure_name, self.procedure_code)


@dataclass(frozen=True, kw_only=True)
class RefusalNotice(NoticeCommon):
    """Form 03 "Phiếu từ chối tiếp nhận giải quyết hồ sơ": a request the unit cannot take, and why."""

    KIND: ClassVar[str] = REFUSAL
    FORM: ClassVar[str] = "03"
    TITLE: ClassVar[str] = "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"

    citizen: Citizen
    procedure_name: str
    procedure_code: str = ""
    reason: str
    dossier_code: str = ""  # "Mã hồ sơ (nếu có)"

    def __post_init__(self) -> None:
        super().__post_init__()
        if not isinstance(self.citizen, Citizen):
            raise ValueError("a refusal needs the citizen")
        _required(self.procedure_name, "procedure_name")
        _required(self.reason, "reason")

    @property
    def procedure_text(self) -> str:
        return _procedure_text(self.procedure_name, self.procedure_code)


@dataclass(frozen=True, kw_only=True)
class StopNotice(NoticeCommon):
    """Form 05 "Thông báo dừng giải quyết hồ sơ": a received dossier with no decision yet, stopped at the citizen's
    request."""

    KIND: ClassVar[str] = STOP
    FORM: ClassVar[str] = "05"
    TITLE: ClassVar[str] = "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"

    citizen: Citizen
    procedure_name: str
    procedure_code: str = ""
    dossier_code: str
    received_at: datetime  # when the dossier was received
    requested_on: date  # the day the citizen asked to stop
    reason: str

    def __post_init__(self) -> None:
        super().__post_init__()
        if not isinstance(self.citizen, Citizen):
            raise ValueError("a stop notice needs the citizen")
        _required(self.procedure_name, "procedure_name")
        _required(self.dossier_code, "dossier_code")
        _required(self.reason, "reason")
        _aware(self.received_at, "received_at")
        if self.requested_on < self.received_at.astimezone(VN_TZ).date():
            raise ValueError("the stop cannot be requested before the dossier was received")

    @property
    def procedure_text(self) -> str:
        return _procedure_text(self.procedure_name, self.procedure_code)


@dataclass(frozen=True, kw_only=True)
class HandBackSlip(NoticeCommon):
    """The slip signed when a result leaves the counter: who took it (the submitter, or ``collected_by`` with an ID
    number and an authorisation paper), when (``issued_at``), how, the result's number and any fee taken then."""

    KIND: ClassVar[str] = HAND_BACK
    FORM: ClassVar[str] = ""
    TITLE: ClassVar[str] = "PHIẾU GIAO NHẬN KẾT QUẢ GIẢI QUYẾT HỒ SƠ"

    dossier_code: str
    procedure_name: str
    procedure_code: str = ""
    submitter: Citizen  # the dossier's submitter
    received_at: datetime | None = None
    appointment_date: date | None = None
    collected_by: AuthorisedPerson | None = None  # None: the submitter collected it
    method: str = BY_COUNTER
    post_reference: str = ""  # the postal item number when sent by post
    result_name: str = ""  # "Giấy xác nhận tình trạng hôn nhân"
    result_number: str = ""  # "Số 45/2026/XNTTHN"
    fee_collected_vnd: int | None = None  # a fee taken at hand-back (not at receipt); None: none taken now

    def __post_init__(self) -> None:
        super().__post_init__()
        _required(self.dossier_code, "dossier_code")
        _required(self.procedure_name, "procedure_name")
        if not isinstance(self.submitter, Citizen):
            raise ValueError("a hand-back slip needs the submitter")
        if self.method not in HAND_BACK_METHODS:
            raise ValueError(f"unknown hand-back method {self.method!r}")
        if self.received_at is not None:
            _aware(self.received_at, "received_at")
        person = self.collected_by
        if person is not None:
            _required(person.name, "the authorised person's name")
            _required(person.id_number, "the authorised person's ID number")
            _required(person.authorisation_paper, "the authorisation paper")
        if self.fee_collected_vnd is not None and (
            isinstance(self.fee_collected_vnd, bool) or self.fee_collected_vnd < 0
        ):
            raise ValueError(f"fee_collected_vnd must be a non-negative int: {self.fee_collected_vnd!r}")

    @property
    def procedure_text(self) -> str:
        return _procedure_text(self.procedure_name, self.procedure_code)

    @property
    def method_label(self) -> str:
        return HAND_BACK_METHOD_LABELS[self.method]

    @property
    def receiver_name(self) -> str:
        return (self.collected_by.name if self.collected_by else self.submitter.name).strip()

    @property
    def fee_text(self) -> str:
        """``8.000 đồng``, or "Không" when nothing was collected at hand-back."""
        if not self.fee_collected_vnd:
            return "Không"
        return format_vnd(self.fee_collected_vnd)

    @property
    def result_text(self) -> str:
        return " ".join(part for part in (self.result_name.strip(), self.result_number.strip()) if part)


NoticeData = Union[GuidanceNotice, RefusalNotice, StopNotice, HandBackSlip]


# -- made-up people for previews and tests ------------------------------------------------------------------
_AGENCY = "Ủy ban nhân dân xã Tân Hưng"
_PLACE = "Tân Hưng"
_OFFICER = "Trần Văn Bình"
_HOTLINE = "0277 3 851 234"


def _sample_citizen() -> Citizen:
    return Citizen(
        name="Nguyễn Thị Ánh Tuyết",
        id_number="082190001234",
        address="Số 12, ấp Tân Lợi, xã Tân Hưng, tỉnh Đồng Tháp",
        phone="0912 345 678",
        email="anhtuyet.nguyen@example.vn",
    )


def sample_guidance() -> GuidanceNotice:
    """A guidance notice for a marital-status request missing two papers."""
    return GuidanceNotice(
        agency_name=_AGENCY, place_name=_PLACE, number="1/12/2026",
        issued_at=datetime(2026, 12, 3, 2, 40, tzinfo=timezone.utc),  # 09:40 in Vietnam
        officer_name=_OFFICER,
        citizen=_sample_citizen(),
        procedure_name="Xác nhận tình trạng hôn nhân", procedure_code="1.004873",
        items=(
            MissingItem("Trích lục ghi chú ly hôn", "Bản sao có chứng thực hoặc bản chính để đối chiếu"),
            MissingItem("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân",
                        "Ghi đầy đủ mục “Mục đích sử dụng” và ký, ghi rõ họ tên người yêu cầu"),
        ),
        note="Người yêu cầu đã ly hôn ở nước ngoài: cần giấy tờ đã được ghi chú vào sổ hộ tịch.",
        contact_phone=_HOTLINE,
    )


def sample_refusal() -> RefusalNotice:
    """A refusal: a land-use request brought to the civil-status counter."""
    return RefusalNotice(
        agency_name=_AGENCY, place_name=_PLACE, number="1/4/2026",
        issued_at=datetime(2026, 12, 3, 3, 15, tzinfo=timezone.utc),
        officer_name=_OFFICER,
        citizen=Citizen(name="Phạm Văn Khải", id_number="082075006789",
                        address="Số 40, ấp Tân Hòa, xã Tân Hưng, tỉnh Đồng Tháp", phone="0903 111 222"),
        procedure_name="Đăng ký khai sinh", procedure_code="1.001193",
        reason=("Người được khai sinh đã được đăng ký khai sinh tại Ủy ban nhân dân xã Mỹ An (Trích lục khai sinh "
                "số 125/2019); theo Luật Hộ tịch không đăng ký khai sinh lần thứ hai. Đề nghị Ông (Bà) yêu cầu cấp "
                "bản sao trích lục khai sinh."),
    )


def sample_stop() -> StopNotice:
    """A stop at the citizen's request of a dossier received a week earlier."""
    return StopNotice(
        agency_name=_AGENCY, place_name=_PLACE, number="1/2/2026",
        issued_at=datetime(2026, 11, 30, 7, 5, tzinfo=timezone.utc),
        officer_name=_OFFICER,
        citizen=_sample_citizen(),
        procedure_name="Xác nhận tình trạng hôn nhân", procedure_code="1.004873",
        dossier_code="000.31.05.H56-261123-0007",
        received_at=datetime(2026, 11, 23, 3, 5, tzinfo=timezone.utc),
        requested_on=date(2026, 11, 30),
        reason="Người yêu cầu không còn nhu cầu sử dụng giấy xác nhận.",
    )


def sample_hand_back() -> HandBackSlip:
    """A result collected at the counter by an authorised person, the fee taken then."""
    return HandBackSlip(
        agency_name=_AGENCY, place_name=_PLACE, number="1/37/2026",
        issued_at=datetime(2026, 11, 26, 8, 20, tzinfo=timezone.utc),  # 15:20 in Vietnam
        officer_name=_OFFICER,
        dossier_code="000.31.05.H56-261123-0007",
        procedure_name="Xác nhận tình trạng hôn nhân", procedure_code="1.004873",
        submitter=_sample_citizen(),
        received_at=datetime(2026, 11, 23, 3, 5, tzinfo=timezone.utc),
        appointment_date=date(2026, 11, 26),
        collected_by=AuthorisedPerson(
            name="Lê Văn Hùng", id_number="082088004321", phone="0987 654 321",
            address="Số 5, ấp Tân Phú, xã Tân Hưng, tỉnh Đồng Tháp",
            authorisation_paper="Văn bản ủy quyền có chứng thực ngày 20/11/2026",
        ),
        method=BY_COUNTER,
        result_name="Giấy xác nhận tình trạng hôn nhân",
        result_number="số 45/2026/XNTTHN",
        fee_collected_vnd=3000,
    )


SAMPLES = {GUIDANCE: sample_guidance, REFUSAL: sample_refusal, STOP: sample_stop, HAND_BACK: sample_hand_back}


def sample_notice(kind: str) -> NoticeData:
    """The sample of ``kind`` (one of ``KINDS``)."""
    try:
        return SAMPLES[kind]()
    except KeyError:
        raise ValueError(f"unknown notice kind {kind!r}; one of {', '.join(KINDS)}") from None
