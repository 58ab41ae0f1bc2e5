"""SQLAlchemy models of the kiosk database. Schema changes go through Alembic (kiosk/storage/migrations)."""

from __future__ import annotations

import uuid as uuid_module
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC; SQLite keeps no zone, so we put it back on read."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: kiosk times are always timezone-aware")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    pass


ROLES = ("officer", "admin")


class Procedure(Base):
    """A procedure version as it was when a dossier was filed; the raw definition is kept so old dossiers still render."""

    __tablename__ = "procedure"
    __table_args__ = (UniqueConstraint("code", "version", name="uq_procedure_code_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    version: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    digest: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Officer(Base):
    __tablename__ = "officer"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    pin_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    lockout_level: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # lockouts in a row (0009)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Dossier(Base):
    """A hồ sơ: a draft until submitted; then it has a code, a receipt and an outbox entry."""

    __tablename__ = "dossier"
    __table_args__ = (Index("ix_dossier_lifecycle_received", "lifecycle", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid_module.uuid4()))
    code: Mapped[str | None] = mapped_column(String(40), unique=True, nullable=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"))
    procedure_code: Mapped[str] = mapped_column(String(20))
    procedure_version: Mapped[str] = mapped_column(String(20))
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    lifecycle: Mapped[str] = mapped_column(String(12), default="draft")
    void_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    portal_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    portal_status_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    portal_status_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id"))
    wizard_page: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    appointment_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    appointment_time: Mapped[str | None] = mapped_column(String(5), nullable=True)
    logbook_volume: Mapped[str | None] = mapped_column(String(20), nullable=True)
    logbook_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    submitter_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    submitter_id_number: Mapped[str | None] = mapped_column(String(12), nullable=True)
    search_key: Mapped[str] = mapped_column(Text, default="")
    # What the dossier was received under (migration 0006, docs/rules-2025.md): the receipt layout ("tt01-2018",
    # "tt03-2025"), the channel ("in_person", "post", "authorised"), the agency that resolves it, and the fee as
    # computed at the counter (JSON, kiosk/dossier/fees.py) with the amount due. NULL before 0006 except the layout.
    layout_version: Mapped[str | None] = mapped_column(String(20), nullable=True)
    channel: Mapped[str | None] = mapped_column(String(20), nullable=True)
    resolving_agency: Mapped[str | None] = mapped_column(String(300), nullable=True)
    fee: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    fee_amount_vnd: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Set when retention removed the personal data (values, names, search key, attachments); code, dates and status stay.
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The counter's own record of its events (migration 0007, docs/counter-events.md): when the result was marked
    # ready here, when the dossier was stopped at the citizen's request, when the result was handed back (None
    # again after a void). portal_status still changes only through pulls; portal_status_cursor is the portal's
    # sequence number of the status shown, so a change pulled late never replaces a newer one.
    result_ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    handed_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    portal_status_cursor: Mapped[int | None] = mapped_column(Integer, nullable=True)

    procedure: Mapped[Procedure] = relationship()
    officer: Mapped[Officer] = relationship()
    documents: Mapped[list["DossierDocument"]] = relationship(
        back_populates="dossier", cascade="all, delete-orphan", order_by="DossierDocument.position"
    )
    attachments: Mapped[list["Attachment"]] = relationship(back_populates="dossier", cascade="all, delete-orphan")
    outbox: Mapped[list["OutboxEntry"]] = relationship(back_populates="dossier", cascade="all, delete-orphan")


class DossierDocument(Base):
    """A checklist item of a dossier (the receipt's table): name, kind, quantity, and the way it was provided.

    way: "submitted" (kept: kind is original, certified copy or copy, with its page count), "shown" (xuất trình:
    seen and returned, never scanned) or "looked_up" (khai thác: in the national population or civil-status
    database; record_number when the officer has it).
    """

    __tablename__ = "dossier_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    doc_id: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[int] = mapped_column(Integer)
    way: Mapped[str | None] = mapped_column(String(12), nullable=True)
    page_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    record_number: Mapped[str | None] = mapped_column(String(60), nullable=True)

    dossier: Mapped[Dossier] = relationship(back_populates="documents")


class Attachment(Base):
    """A scanned file, stored content-addressed as attachments/<sha256>."""

    __tablename__ = "attachment"
    __table_args__ = (UniqueConstraint("dossier_id", "sha256", name="uq_attachment_dossier_sha"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    field_id: Mapped[str | None] = mapped_column(String(60), nullable=True)
    doc_id: Mapped[str | None] = mapped_column(String(60), nullable=True)  # the checklist item it is a scan of
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    dossier: Mapped[Dossier] = relationship(back_populates="attachments")


class OutboxEntry(Base):
    """One thing waiting to reach the portal: a dossier revision (dossier_id, revision) or a counter event
    (event_id; docs/counter-events.md). Both share the sync state machine that lives here."""

    __tablename__ = "outbox_entry"
    __table_args__ = (
        UniqueConstraint("dossier_id", "revision", name="uq_outbox_dossier_revision"),
        UniqueConstraint("event_id", name="uq_outbox_event"),
        Index("ix_outbox_state_next", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), nullable=True)
    revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("counter_event.id", ondelete="CASCADE", name="fk_outbox_event"), nullable=True)
    state: Mapped[str] = mapped_column(String(12), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # What this revision says, taken when it was queued (kiosk/dossier/revisions.py RevisionSnapshot): the
    # body is built from it, not from the dossier row, which a later amendment changes. None when delivered
    # before migration 0005, and after a retention purge.
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # The canonical body of this revision, built from the snapshot before the first send and re-sent byte for byte.
    payload: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    payload_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    portal_received_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    dossier: Mapped[Dossier | None] = relationship(back_populates="outbox")
    event: Mapped["CounterEvent | None"] = relationship()


class CounterEvent(Base):
    """Something the counter did that is not a dossier revision (docs/counter-events.md); sent once through the outbox.

    `body` is what the portal gets (procedure, items or reason, numbers, no personal data); `local` stays on this
    PC (the answers typed so far of a guidance notice, a hand-back's receiver, a refusal's citizen ID number, a note).
    A guidance or refusal notice has no dossier; a rating has no officer.
    """

    __tablename__ = "counter_event"
    __table_args__ = (
        UniqueConstraint("kind", "notice_number", name="uq_counter_event_notice"),
        Index("ix_counter_event_dossier", "dossier_id", "kind"),
        Index("ix_counter_event_kind_at", "kind", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid_module.uuid4()))
    kind: Mapped[str] = mapped_column(String(20))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), nullable=True)
    notice_number: Mapped[str | None] = mapped_column(String(30), nullable=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    local: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    void_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    echo_cursor: Mapped[str | None] = mapped_column(String(40), nullable=True)  # the portal's status change naming it

    dossier: Mapped[Dossier | None] = relationship()
    officer: Mapped[Officer | None] = relationship()


class AuditEvent(Base):
    """Who did what, when (logins, views, edits, prints, exports, purges, deliveries); append-only, chained (kiosk/audit.py)."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id", ondelete="SET NULL"), nullable=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The chain: seq counts 1, 2, 3 … with no gap; mac = HMAC-SHA256(audit key, prev_mac ‖ canonical row).
    seq: Mapped[int | None] = mapped_column(Integer, unique=True, nullable=True)
    prev_mac: Mapped[str | None] = mapped_column(String(64), nullable=True)
    mac: Mapped[str | None] = mapped_column(String(64), nullable=True)


class CodeSequence(Base):
    """Last number handed out per key ("day:261122", "book:2026"); advanced in the dossier's own transaction."""

    __tablename__ = "code_sequence"

    key: Mapped[str] = mapped_column(String(20), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class PortalStatusEvent(Base):
    """A status change reported by the portal (history for the detail view); the latest is on the dossier."""

    __tablename__ = "portal_status_event"
    __table_args__ = (UniqueConstraint("dossier_id", "cursor", name="uq_status_event_cursor"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    status: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    cursor: Mapped[str] = mapped_column(String(40))
    # A change that echoes a kiosk event names it; a status 5 lists the items asked for (migration 0007).
    event_uuid: Mapped[str | None] = mapped_column(String(36), nullable=True)
    event_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    missing: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)


class SyncMeta(Base):
    """Small key/value facts of the sync engine: status cursor, last successful sync, last error."""

    __tablename__ = "sync_meta"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
