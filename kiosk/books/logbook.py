"""The logbook, form 07 of Circular 03/2025 (Sổ theo dõi hồ sơ): one book per kiosk and year, read from the dossiers.

Nothing is written here: a dossier's entry number (STT) is allocated at submit and printed on its receipt
(`dossier.logbook_volume` "NN/YYYY", `logbook_number`), so the book is a query over received dossiers, ordered
by volume and number, for a period of local days and optionally one lĩnh vực (`forms.model.procedure_field`).
The hand-back columns come from the dossier's live hand-back event. A dossier purged by retention shows its
code, procedure and dates, not the citizen. Column sources: docs/logbook-and-reports.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from forms import geo
from forms.model import FIELD_LABELS, procedure_field
from forms.timezone import VN_TZ
from kiosk.errors import InputError
from kiosk.printed.notices import HAND_BACK_METHOD_LABELS
from kiosk.storage.models import CounterEvent, Dossier, Procedure

# Form 07's eleven column headings, in its order and wording.
HEADINGS = (
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Tên tổ chức/cá nhân",
    "Địa chỉ/Số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Nhận hồ sơ",
    "Hẹn trả",
    "Trả kết quả",
    "Phương thức nhận kết quả",
    "Ký nhận",
)
PURGED = "(Đã xóa dữ liệu cá nhân)"
MAX_DAYS = 3 * 366  # a period longer than this is a typing mistake, not a book


@dataclass(frozen=True)
class LogbookRow:
    """One entry of the book as form 07 prints it (texts ready to show; times local)."""

    volume: str
    number: int
    code: str
    procedure: str
    person: str
    address_phone: str
    resolving_agency: str
    received_at: datetime
    appointment: date | None
    appointment_time: str
    handed_back_at: datetime | None
    method: str
    purged: bool

    def cells(self) -> tuple[str, ...]:
        """The eleven cells of form 07 as text; "Ký nhận" stays empty for a signature on paper."""
        appointment = "" if self.appointment is None else f"{self.appointment_time + ' ' if self.appointment_time else ''}{self.appointment:%d/%m/%Y}"
        handed = "" if self.handed_back_at is None else f"{self.handed_back_at.astimezone(VN_TZ):%H:%M %d/%m/%Y}"
        return (
            str(self.number), self.code, self.procedure, self.person, self.address_phone, self.resolving_agency,
            f"{self.received_at.astimezone(VN_TZ):%H:%M %d/%m/%Y}", appointment, handed, self.method, "",
        )


@dataclass(frozen=True)
class Logbook:
    """The entries of a period (one or more volumes: a period across a new year spans two books)."""

    start: date
    end: date
    field: str  # "" for every lĩnh vực
    rows: tuple[LogbookRow, ...]

    @property
    def volumes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.volume for r in self.rows))

    @property
    def field_label(self) -> str:
        return FIELD_LABELS.get(self.field, "Tất cả lĩnh vực")


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, end+1 00:00) in Vietnam's time: the UTC instants a query compares `received_at` with."""
    if end < start:
        raise InputError(f"Ngày kết thúc ({end:%d/%m/%Y}) trước ngày bắt đầu ({start:%d/%m/%Y}).")
    if (end - start).days > MAX_DAYS:
        raise InputError("Khoảng thời gian quá dài: tối đa 3 năm mỗi lần.")
    return (datetime.combine(start, time(), VN_TZ), datetime.combine(end + timedelta(days=1), time(), VN_TZ))


def check_field(field: str | None) -> str:
    """A lĩnh vực id or "" (all); an InputError naming the known ones otherwise."""
    field = (field or "").strip()
    if field and field not in FIELD_LABELS:
        known = ", ".join(f"{k} ({v})" for k, v in FIELD_LABELS.items())
        raise InputError(f"Không có lĩnh vực {field!r}; các lĩnh vực: {known}.")
    return field


def procedure_ids_of_field(session: Session, field: str) -> list[int]:
    """The stored procedure versions of a lĩnh vực (a small table: one row per definition version)."""
    rows = session.execute(select(Procedure.id, Procedure.code, Procedure.definition)).all()
    return [pid for pid, code, definition in rows if procedure_field(code, definition) == field]


def live_hand_back():
    """A subquery: each dossier's live (not voided) hand-back event, the latest if several (dossier_id, by, fee_vnd)."""
    ranked = (
        select(
            CounterEvent.dossier_id.label("dossier_id"),
            func.json_extract(CounterEvent.body, "$.details.by").label("by"),
            func.json_extract(CounterEvent.body, "$.details.fee_vnd").label("fee_vnd"),
            func.row_number().over(partition_by=CounterEvent.dossier_id, order_by=(CounterEvent.at.desc(), CounterEvent.id.desc())).label("rank"),
        )
        .where(CounterEvent.kind == "hand_back", CounterEvent.voided_at.is_(None))
        .subquery()
    )
    return select(ranked.c.dossier_id, ranked.c.by, ranked.c.fee_vnd).where(ranked.c.rank == 1).subquery()


def _address_phone(values: dict[str, Any]) -> str:
    address = values.get("submitter_address")
    text = geo.format_address(address) if isinstance(address, dict) else str(address or "").strip()
    phone = str(values.get("submitter_phone") or "").strip()
    return " / ".join(p for p in (text, phone) if p)


def logbook(session: Session, start: date, end: date, *, field: str | None = None, receiving_unit: str = "") -> Logbook:
    """The book's entries for dossiers received from `start` to `end` (local days, both included), by volume and STT.

    `receiving_unit` fills "Cơ quan chủ trì giải quyết" where the dossier names no other agency.
    """
    field = check_field(field)
    lo, hi = period_bounds(start, end)
    handed = live_hand_back()
    query = (
        select(Dossier, Procedure.name, handed.c.by)
        .join(Procedure, Procedure.id == Dossier.procedure_id)
        .outerjoin(handed, and_(handed.c.dossier_id == Dossier.id, Dossier.handed_back_at.is_not(None)))
        .where(Dossier.logbook_number.is_not(None), Dossier.received_at >= lo, Dossier.received_at < hi)
        .order_by(Dossier.logbook_volume, Dossier.logbook_number)
    )
    if field:
        query = query.where(Dossier.procedure_id.in_(procedure_ids_of_field(session, field)))
    rows = []
    for dossier, procedure_name, by in session.execute(query):
        purged = dossier.purged_at is not None
        values = {} if purged else (dossier.values or {})
        rows.append(LogbookRow(
            volume=dossier.logbook_volume or "",
            number=int(dossier.logbook_number),
            code=dossier.code or "",
            procedure=procedure_name,
            person=PURGED if purged else str(values.get("submitter_name") or dossier.submitter_name or ""),
            address_phone="" if purged else _address_phone(values),
            resolving_agency=dossier.resolving_agency or receiving_unit,
            received_at=dossier.received_at,
            appointment=dossier.appointment_date,
            appointment_time=dossier.appointment_time or "",
            handed_back_at=dossier.handed_back_at,
            method=HAND_BACK_METHOD_LABELS.get(by or "", "") if dossier.handed_back_at is not None else "",
            purged=purged,
        ))
    return Logbook(start, end, field, tuple(rows))



def load_logbook(ctx: Any, start: date, end: date, field: str | None = None) -> Logbook:
    """The book of a period read from the open data folder; the receiving unit fills the agency column's gaps."""
    with ctx.read() as session:
        return logbook(session, start, end, field=field, receiving_unit=ctx.settings.unit_name)


def record_export(ctx: Any, actor: str, what: str, start: date, end: date, fmt: str) -> None:
    """An export of the logbook (names, addresses, phones) or the report goes in the audit chain: who, which period, which format."""
    from kiosk.security import audit

    with ctx.transaction() as session:
        audit.record(session, actor, f"{what}.exported", start=start.isoformat(), end=end.isoformat(), format=fmt)
