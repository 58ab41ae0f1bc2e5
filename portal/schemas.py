"""Request and answer shapes of API v1 (docs/sync-protocol.md), as pydantic models (they make the OpenAPI document)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema

from forms.codes import CODE_PATTERN, UNIT_ID_PATTERN
from portal.config import MAX_ATTACHMENT_SIZE
from sync import wire

SHA256_PATTERN = r"^[0-9a-f]{64}$"
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
TOKEN_PATTERN = r"^[A-Za-z0-9_\-]{2,128}$"
MAX_REVISION = 1_000_000
MAX_KIOSK_NUMBER = 9_999


_NOT_PLAIN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")  # one C-speed scan (every string of a body passes here)


def _plain_text(value: str) -> str:
    """No control characters (tab and newlines aside) and no lone surrogates: storable on every database."""
    if _NOT_PLAIN.search(value):
        raise ValueError("contains a control character or an invalid code point")
    return value


PLAIN_TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
ISO_DATETIME_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:?[0-9]{2})?$"


def _text(max_length: int, min_length: int = 0):
    return Annotated[
        str, StringConstraints(min_length=min_length, max_length=max_length, pattern=PLAIN_TEXT_PATTERN), AfterValidator(_plain_text)
    ]


def _iso_datetime(value: str) -> str:
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("not an ISO 8601 date and time") from None
    return value


def _iso_date_or_empty(value: str) -> str:
    if value:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise ValueError("not an ISO 8601 date (YYYY-MM-DD)") from None
    return value


Sha256 = Annotated[str, StringConstraints(pattern=SHA256_PATTERN)]
DossierCode = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
UnitId = Annotated[str, StringConstraints(pattern=UNIT_ID_PATTERN)]
KioskNumber = Annotated[int, Field(ge=1, le=MAX_KIOSK_NUMBER)]
Service = Literal["mot-cua-portal"]


# Unknown keys are ignored (a newer kiosk may send more; the raw body is stored as sent), but the
# document says `additionalProperties: false` so fuzzers generate the shapes that matter.
_CLOSED = ConfigDict(strict=True, extra="ignore", json_schema_extra={"additionalProperties": False})

_SCALAR = [{"type": "string"}, {"type": "number"}, {"type": "boolean"}, {"type": "null"}]
_FLAT_OBJECT = {"type": "object", "additionalProperties": {"anyOf": _SCALAR + [{"type": "array", "items": {"anyOf": _SCALAR}}]}}
# Documented shape of `values` (field id → value; a repeat group is a list of objects). The portal accepts
# any JSON there; the bounded description keeps schema-driven fuzzers away from unbounded recursion.
VALUES_SCHEMA = {
    "type": "object",
    "description": "field id → value as entered (text, number, yes/no, list of choices, or a repeat group's list of objects)",
    "additionalProperties": {
        "anyOf": _SCALAR + [{"type": "array", "items": {"anyOf": _SCALAR + [_FLAT_OBJECT]}}, _FLAT_OBJECT]
    },
}


class _In(BaseModel):
    model_config = _CLOSED


class _Out(BaseModel):
    service: Service = wire.SERVICE


# --- requests ------------------------------------------------------------------------------------


PublicKeyHex = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class EnrolIn(_In):
    code: _text(64, 1)
    unit_id: UnitId
    kiosk_number: KioskNumber
    app_version: _text(40) = ""
    receipt_public_key: PublicKeyHex | None = None  # Ed25519, hex: signs the receipt QR tokens
    unit_name: _text(200) = ""


class PublishedItemOut(BaseModel):
    kind: Literal["procedure", "fee_table"] = Field(description="a procedure definition, or a fee table (docs/fees.md)")
    code: str = Field(description="the procedure code, or `fee:` and the table id for a fee table")
    version: str
    definition_b64: str
    signature: str


class PublishedCatalogueOut(_Out):
    published: list[PublishedItemOut]


class AuditHeadIn(_In):
    """The kiosk's audit chain head (no content): its newest row, and its row at the seq the portal holds."""

    seq: Annotated[int, Field(ge=1, le=2**62)]
    mac: Sha256
    held_seq: Annotated[int, Field(ge=1, le=2**62)] | None = None  # the seq the portal answered last time
    held_mac: Sha256 | None = None  # the kiosk's MAC at held_seq; null when it has no such row any more


class KioskReportIn(_In):
    queue_length: Annotated[int, Field(ge=0, le=1_000_000)]
    app_version: _text(40) = ""
    kiosk_time: Annotated[str, StringConstraints(max_length=40), AfterValidator(_iso_datetime)]
    audit_head: AuditHeadIn | None = None  # sent by kiosks since the audit witness; older ones omit it


class AuditFlagOut(BaseModel):
    reason: Literal["lower", "diverged"]
    at: str
    held_seq: int
    reported_seq: int


class AuditWitnessOut(BaseModel):
    """What the portal holds of the kiosk's chain, and the flag it keeps once a head went back or forked."""

    seq: int
    mac: Sha256
    flag: AuditFlagOut | None = None


class KioskReportOut(_Out):
    recorded: bool
    portal_time: str
    clock_skew_s: float
    audit_witness: AuditWitnessOut | None = None  # present when the kiosk sent audit_head


class ReceiptKeyIn(_In):
    public_key: PublicKeyHex
    unit_name: _text(200) = ""
    unit_id: UnitId | None = None  # the identifier the kiosk issues codes under now, when re-issued since enrolment


class DocumentIn(BaseModel):
    model_config = _CLOSED

    doc_id: _text(60, 1)
    name: _text(500)
    kind: _text(40) | None
    quantity: Annotated[int, Field(ge=0, le=1000)]
    # How the item was provided (docs/receipt-2025.md); sent for dossiers received under the 2025 receipt only.
    way: Literal["submitted", "shown", "looked_up"] | None = None
    page_count: Annotated[int, Field(ge=1, le=1000)] | None = None
    record_number: _text(60) | None = None


class AttachmentRef(BaseModel):
    model_config = _CLOSED

    sha256: Sha256
    size: Annotated[int, Field(ge=0, le=MAX_ATTACHMENT_SIZE)]
    mime: _text(100) | None
    filename: _text(255) | None
    field_id: _text(60) | None
    doc_id: _text(60) | None = None  # the checklist item a scan belongs to, when it is one


class FeeExemptionIn(BaseModel):
    model_config = _CLOSED

    id: _text(40, 1)
    label: _text(200)
    legal_source: _text(300)


class FeeIn(BaseModel):
    """The fee as computed and completed at the counter (kiosk/dossier/fees.py, docs/fees.md); no personal data."""

    model_config = _CLOSED

    amount_vnd: Annotated[int, Field(ge=0, le=1_000_000_000)] | None
    source: Literal["table", "hand", "none"]
    lines: Annotated[list[_text(500)], Field(max_length=100)]
    detail: _text(500) = ""
    exemption: FeeExemptionIn | None = None
    exemptions_ticked: Annotated[list[_text(40)], Field(max_length=20)] = []
    table: _text(20) | None = None
    table_version: _text(20) | None = None
    legal_source: _text(300) = ""
    collected: bool = False
    fee_receipt_number: _text(40) | None = None


class DossierBody(BaseModel):
    """One revision of a dossier: `sync.wire.dossier_body`, sent as its canonical JSON (`wire.canonical_json`)."""

    model_config = _CLOSED

    format: Literal[1]
    uuid: Annotated[str, StringConstraints(pattern=UUID_PATTERN)]
    revision: Annotated[int, Field(ge=1, le=MAX_REVISION)]
    code: DossierCode
    unit_id: UnitId
    kiosk_number: KioskNumber
    procedure_code: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9.\-]{1,20}$")]
    procedure_version: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9.\-]{1,20}$")]
    received_at: Annotated[str, StringConstraints(max_length=40, pattern=ISO_DATETIME_PATTERN), AfterValidator(_iso_datetime)]
    appointment_date: Annotated[str, StringConstraints(pattern=r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$"), AfterValidator(_iso_date_or_empty)]
    appointment_time: Annotated[str, StringConstraints(pattern=r"^(([01][0-9]|2[0-3]):[0-5][0-9])?$")]
    officer: _text(120)
    values: Annotated[dict[str, Any], WithJsonSchema(VALUES_SCHEMA)]
    documents: Annotated[list[DocumentIn], Field(max_length=500)]
    attachments: Annotated[list[AttachmentRef], Field(max_length=500)]
    tracking_token: Annotated[str, StringConstraints(pattern=TOKEN_PATTERN)]
    supplements_revision: Annotated[int, Field(ge=0, le=MAX_REVISION)] | None
    fee: FeeIn | None = None  # only in bodies of dossiers with a fee record (docs/fees.md)


class EventBody(BaseModel):
    """One counter event: `sync.wire.event_body`, sent as its canonical JSON (docs/counter-events.md).

    `details` by kind: guidance {procedure_code, procedure_version, missing_items: [{doc_id, name}]}; refusal
    {procedure_code, procedure_version, reason}; stop {reason}; result_ready {}; hand_back {receiver:
    "submitter"|"authorised", authorisation, by: "counter"|"post", fee_vnd, result_no}; hand_back_void {voids,
    voids_notice_number, reason}; apology_handed {}; rating {score 1–4, reason, occasion: "receipt"|"hand_back"}.
    """

    model_config = _CLOSED

    format: Literal[1]
    uuid: Annotated[str, StringConstraints(pattern=UUID_PATTERN)]
    kind: Literal["guidance", "refusal", "stop", "result_ready", "hand_back", "hand_back_void", "apology_handed", "rating"]
    unit_id: UnitId
    kiosk_number: KioskNumber
    at: Annotated[str, StringConstraints(max_length=40, pattern=ISO_DATETIME_PATTERN), AfterValidator(_iso_datetime)]
    officer: _text(120)
    dossier_uuid: Annotated[str, StringConstraints(pattern=UUID_PATTERN)] | None
    code: DossierCode | None
    notice_number: Annotated[str, StringConstraints(pattern=r"^[0-9]{1,4}/[0-9]{1,9}/[0-9]{4}$")] | None
    details: Annotated[dict[str, Any], WithJsonSchema({"type": "object", "description": "what the event says, by kind"})]


# --- answers -------------------------------------------------------------------------------------


class HealthOut(_Out):
    api: int = wire.API_VERSION
    portal_name: str
    time: str = Field(description="the portal's clock, ISO 8601 UTC")


class ReadyOut(_Out):
    ready: bool = Field(description="this worker can serve: its database answers at the code's schema revision and its file store takes files")
    pid: int = Field(description="the worker process that answered (several workers share one port)")
    revision: str | None = Field(description="the schema revision the database holds (None: not read)")
    problems: list[str] = Field(description="what is wrong (empty when ready)")


class EnrolOut(_Out):
    kiosk_id: str
    secret: str = Field(description="shown once; the portal keeps only its SHA-256")
    unit_id: str
    kiosk_number: int
    portal_name: str


class ReceiptKeyOut(_Out):
    registered: bool
    public_key: str


class AttachmentOut(_Out):
    sha256: str
    size: int = Field(description="the file's size in bytes (0 while the portal knows nothing of it)")
    received: int = Field(description="bytes held; the next chunk starts here")
    complete: bool


class AttachmentErrorOut(AttachmentOut):
    error: str = Field(description="offset_mismatch (409: resume at `received`), size_conflict (409: another size is being uploaded) "
                       "or storage_full (507: the portal's disk is full)")
    message: str | None = None


class AttachmentProblemOut(_Out):
    error: str = Field(description="invalid (bad parameters), too_much_data, size_mismatch or sha256_mismatch (the file was discarded)")
    message: str | None = None
    detail: str | None = None
    sha256: str | None = None
    size: int | None = None
    received: int | None = Field(None, description="bytes held after the refusal (0 after sha256_mismatch)")
    complete: bool | None = None


class Ack(BaseModel):
    uuid: str
    revision: int
    body_sha256: str
    code: str
    portal_received_at: str


class AckOut(_Out):
    ack: Ack


class EventAck(BaseModel):
    uuid: str
    body_sha256: str
    code: str
    portal_received_at: str
    status_change: str | None = Field(description="cursor of the status change that echoes the event, if it implies a status")


class EventAckOut(_Out):
    ack: EventAck


class ErrorOut(_Out):
    error: str = Field(description="unauthorized, forbidden, conflict, missing_attachments, invalid, not_found, too_large, …")
    message: str | None = None
    detail: str | None = Field(None, description="for `invalid`: what is wrong, without the values sent")
    reason: str | None = Field(None, description="for `conflict`: body_differs, code_in_use or code_changed")
    missing: list[str] | None = Field(None, description="for `missing_attachments`: SHA-256 of files not held completely")


class StatusEventOut(BaseModel):
    uuid: str
    kind: str


class StatusChangeOut(BaseModel):
    cursor: str
    uuid: str
    code: str
    status: int = Field(ge=1, le=10)
    note: str | None
    at: str
    event: StatusEventOut | None = Field(default=None, description="the kiosk event this change echoes (docs/counter-events.md)")
    missing: list[str] = Field(default_factory=list, description="status 5: the items the resolving agency asks for")


class StatusChangesOut(_Out):
    changes: list[StatusChangeOut]
    next: str = Field(description="pass as `since` next time")
    more: bool = Field(description="true when `limit` cut the list: ask again at once")


class ProcedureOut(BaseModel):
    code: str
    version: str
    name: str
    digest: str


class CatalogueOut(_Out):
    procedures: list[ProcedureOut]
