"""The portal's tables. Portable types only (no SQLite-only column types): runs on SQLite and PostgreSQL.

Personal data lives only in `dossier_revision.body` (the canonical JSON the kiosk sent) and possibly in a
status change's officer-facing `note`; every other column is a code, a hash, a number or a time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, UTCDateTime, utcnow


class EnrolmentCode(Base):
    """A one-time code an administrator hands to whoever sets up one kiosk (only its SHA-256 is kept)."""

    __tablename__ = "enrolment_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    unit_id: Mapped[str] = mapped_column(String(40))
    kiosk_number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    kiosk_id: Mapped[str | None] = mapped_column(String(40), nullable=True)


class Kiosk(Base):
    """Credentials of one enrolled kiosk; the secret is kept as SHA-256 only."""

    __tablename__ = "kiosk"
    __table_args__ = (Index("ix_kiosk_slot", "unit_id", "kiosk_number"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(40))
    kiosk_number: Mapped[int] = mapped_column(Integer)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    app_version: Mapped[str] = mapped_column(String(40), default="")
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class KioskReplacement(Base):
    """An enrolment code issued for a PC that replaces a lost or stolen one: using it revokes the old kiosk."""

    __tablename__ = "kiosk_replacement"

    code_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    replaces_kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosk.id"))


class PublishedProcedure(Base):
    """A procedure version the portal publishes to kiosks: the definition file's exact bytes and their signature."""

    __tablename__ = "published_procedure"
    __table_args__ = (UniqueConstraint("code", "version", name="uq_published_procedure"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    version: Mapped[str] = mapped_column(String(20))
    definition: Mapped[bytes] = mapped_column(LargeBinary)
    signature: Mapped[str] = mapped_column(String(128))  # Ed25519, hex
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class KioskReport(Base):
    """The fleet view: what each kiosk said at its latest sync (queue length, version, its clock)."""

    __tablename__ = "kiosk_report"

    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosk.id"), primary_key=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the portal's clock
    queue_length: Mapped[int] = mapped_column(Integer, default=0)
    app_version: Mapped[str] = mapped_column(String(40), default="")
    kiosk_time: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    clock_skew_s: Mapped[float | None] = mapped_column(Float, nullable=True)  # kiosk clock minus portal clock


class UnitAlias(Base):
    """Another unit identifier a kiosk issues codes under: a site moved to its re-issued identifier
    (kiosk-admin site change-unit-id) keeps its old codes, and the portal accepts both as this kiosk's."""

    __tablename__ = "unit_alias"
    __table_args__ = (Index("ix_unit_alias_slot", "unit_id", "kiosk_number"),)

    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosk.id"), primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kiosk_number: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReceiptKey(Base):
    """A kiosk's Ed25519 public key for receipt tokens: the portal tells a genuine receipt from a forged one
    with it even before the dossier has synced (docs/receipt-token.md)."""

    __tablename__ = "receipt_key"
    __table_args__ = (UniqueConstraint("kiosk_id", "public_key", name="uq_receipt_key"), Index("ix_receipt_key_slot", "unit_id", "kiosk_number"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosk.id"))
    unit_id: Mapped[str] = mapped_column(String(40))
    kiosk_number: Mapped[int] = mapped_column(Integer)
    public_key: Mapped[str] = mapped_column(String(64))  # hex
    unit_name: Mapped[str] = mapped_column(String(200), default="")  # shown on the "waiting to be sent" page
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attachment(Base):
    """A file addressed by its SHA-256; its bytes are on disk (storage.FileStore), this row is bookkeeping."""

    __tablename__ = "attachment"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    first_kiosk_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Dossier(Base):
    """A dossier as of its newest revision; it belongs to a kiosk slot (unit_id, kiosk_number)."""

    __tablename__ = "dossier"
    __table_args__ = (Index("ix_dossier_slot", "unit_id", "kiosk_number"),)

    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    unit_id: Mapped[str] = mapped_column(String(40))
    kiosk_number: Mapped[int] = mapped_column(Integer)
    kiosk_id: Mapped[str] = mapped_column(String(40))  # the credentials that first delivered it
    revision: Mapped[int] = mapped_column(Integer)  # the newest revision held
    procedure_code: Mapped[str] = mapped_column(String(20))
    procedure_version: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # kiosk's clock
    appointment_date: Mapped[str] = mapped_column(String(10), default="")
    appointment_time: Mapped[str] = mapped_column(String(5), default="")
    tracking_token: Mapped[str] = mapped_column(String(128))
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # portal's clock
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    revisions: Mapped[list[DossierRevision]] = relationship(back_populates="dossier", order_by="DossierRevision.revision")
    status_changes: Mapped[list[StatusChange]] = relationship(back_populates="dossier", order_by="StatusChange.id")


class DossierRevision(Base):
    """One revision exactly as received (canonical bytes), with the first delivery's times."""

    __tablename__ = "dossier_revision"
    __table_args__ = (UniqueConstraint("dossier_uuid", "revision", name="uq_dossier_revision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_uuid: Mapped[str] = mapped_column(ForeignKey("dossier.uuid"))
    revision: Mapped[int] = mapped_column(Integer)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    body_sha256: Mapped[str] = mapped_column(String(64))
    kiosk_id: Mapped[str] = mapped_column(String(40))
    portal_received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    kiosk_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    kiosk_sent_at_raw: Mapped[str] = mapped_column(String(64), default="")
    attempt: Mapped[int | None] = mapped_column(Integer, nullable=True)
    app_version: Mapped[str] = mapped_column(String(40), default="")

    dossier: Mapped[Dossier] = relationship(back_populates="revisions")


class Delivery(Base):
    """Every authenticated upload of a revision and what came of it (no personal data): the exactly-once audit."""

    __tablename__ = "delivery"
    __table_args__ = (Index("ix_delivery_dossier", "dossier_uuid", "revision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_uuid: Mapped[str] = mapped_column(String(36))
    revision: Mapped[int] = mapped_column(Integer)
    body_sha256: Mapped[str] = mapped_column(String(64))
    kiosk_id: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(24))  # created, repeat, conflict, missing_attachments, forbidden
    http_status: Mapped[int] = mapped_column(Integer)
    portal_received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    kiosk_sent_at_raw: Mapped[str] = mapped_column(String(64), default="")
    attempt_raw: Mapped[str] = mapped_column(String(16), default="")


class StatusChange(Base):
    """A status set by the back office. Kiosks page by `seq`, not by `id`: `seq` is numbered in commit order at the
    end of the writing transaction (portal/services/status_changes.py, docs/sync-protocol.md "Status changes"), so a
    cursor never passes a change still being written. NULL only inside the transaction that writes the row."""

    __tablename__ = "status_change"
    __table_args__ = (
        Index("ix_status_change_slot", "unit_id", "kiosk_number", "seq"),
        Index("ux_status_change_seq", "seq", unique=True),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    dossier_uuid: Mapped[str] = mapped_column(ForeignKey("dossier.uuid"))
    unit_id: Mapped[str] = mapped_column(String(40))
    kiosk_number: Mapped[int] = mapped_column(Integer)
    status: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)  # officer-facing; never on the public page
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    dossier: Mapped[Dossier] = relationship(back_populates="status_changes")


class StatusCursor(Base):
    """One row (id 1): the last `status_change.seq` given. A writing transaction locks it last, just before it
    commits, so seqs are handed out in commit order (migration 0003 starts it at the highest id then held)."""

    __tablename__ = "status_cursor"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class TrackingHits(Base):
    """Requests to the citizen tracking page per client in its current window: the rate limit every worker shares.

    A client's window opens at its first request and lasts a minute (portal/ratelimit.py counts with one upsert).
    `client` is the SHA-256 of the address: no address readable in a dump or backup (not anonymisation: IPv4
    addresses are few enough to hash them all). Rows whose window ended are deleted as requests come.
    """

    __tablename__ = "tracking_hits"
    __table_args__ = (Index("ix_tracking_hits_window_start", "window_start_ms"),)

    client: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start_ms: Mapped[int] = mapped_column(BigInteger)  # Unix time in milliseconds, the worker's clock
    hits: Mapped[int] = mapped_column(Integer)


class CounterEvent(Base):
    """A counter event a kiosk delivered (docs/counter-events.md): stored once by uuid, exactly as received.

    The body holds no personal data (procedure, items or reason, numbers, officer, time). `status_before` is the
    dossier's status when an event that implies one (result ready, stop, hand-back) arrived, so a void puts it back;
    `status_change_id` is the echo the portal emitted for it.
    """

    __tablename__ = "counter_event"
    __table_args__ = (Index("ix_counter_event_dossier", "dossier_uuid"), Index("ix_counter_event_slot", "unit_id", "kiosk_number"))

    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[str] = mapped_column(String(40))
    kiosk_number: Mapped[int] = mapped_column(Integer)
    kiosk_id: Mapped[str] = mapped_column(String(40))
    dossier_uuid: Mapped[str | None] = mapped_column(ForeignKey("dossier.uuid"), nullable=True)
    notice_number: Mapped[str | None] = mapped_column(String(30), nullable=True)
    at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # the kiosk's clock
    body: Mapped[bytes] = mapped_column(LargeBinary)
    body_sha256: Mapped[str] = mapped_column(String(64))
    portal_received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status_before: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status_change_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    voided_by: Mapped[str | None] = mapped_column(String(36), nullable=True)  # the hand_back_void event that voided it


class EventDelivery(Base):
    """Every authenticated upload of a counter event and what came of it (the exactly-once audit, like `delivery`)."""

    __tablename__ = "event_delivery"
    __table_args__ = (Index("ix_event_delivery_event", "event_uuid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_uuid: Mapped[str] = mapped_column(String(36))
    body_sha256: Mapped[str] = mapped_column(String(64))
    kiosk_id: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(24))  # created, repeat, conflict, unknown_dossier, forbidden
    http_status: Mapped[int] = mapped_column(Integer)
    portal_received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    kiosk_sent_at_raw: Mapped[str] = mapped_column(String(64), default="")
    attempt_raw: Mapped[str] = mapped_column(String(16), default="")


class StatusChangeDetail(Base):
    """What a status change says besides its status: the kiosk event it echoes, the items a status 5 asks for.

    A table of its own rather than columns of `status_change`: the portal made its schema with create_all then,
    which never adds a column to an existing table (migrations now can: portal/schema.py).
    """

    __tablename__ = "status_change_detail"

    status_change_id: Mapped[int] = mapped_column(ForeignKey("status_change.id"), primary_key=True)
    event_uuid: Mapped[str | None] = mapped_column(String(36), nullable=True)
    event_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    missing: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON list of item names


class KioskAuditHead(Base):
    """The witness of each kiosk's audit chain: the latest head it proved at a sync, and a flag that stays once
    a head came lower than the one held or did not extend it (sync/audit_witness.py, docs/security.md).

    Numbers and MACs only (no content). A table of its own: create_all never adds columns to `kiosk_report`.
    """

    __tablename__ = "kiosk_audit_head"

    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosk.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    mac: Mapped[str] = mapped_column(String(64))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    flag: Mapped[str | None] = mapped_column(String(16), nullable=True)  # "lower" | "diverged", kept once set
    flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    flag_held_seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # what the portal held then
    flag_reported_seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # what the kiosk sent then
