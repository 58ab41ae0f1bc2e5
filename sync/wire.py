"""The wire contract shared by the kiosk's sync engine and the portal (docs/sync-protocol.md): names, limits, canonical JSON."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Any

from forms.counter import EVENT_KINDS
from forms.statuses import STATUSES

SERVICE = "mot-cua-portal"
API_VERSION = 1
API_PREFIX = "/api/v1"
CHUNK_SIZE = 256 * 1024  # at most this much is sent again after a cut mid-attachment
BODY_FORMAT = 1
EVENT_FORMAT = 1  # the "format" of a counter event's body (docs/counter-events.md); a new shape gets a new number

HEADER_SENT_AT = "X-Kiosk-Sent-At"
HEADER_ATTEMPT = "X-Attempt"
HEADER_APP_VERSION = "X-Kiosk-App-Version"

PORTAL_STATUSES = frozenset(STATUSES)  # national dossier status codes 1–10 (forms/statuses.py)


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_nfc(v) for v in value]
    return value


def canonical_json(value: Any) -> bytes:
    """The one byte form of a JSON value: NFC strings, sorted keys, no whitespace, UTF-8."""
    return json.dumps(_nfc(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False).encode("utf-8")


def body_sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def dossier_body(
    *,
    uuid: str,
    revision: int,
    code: str,
    unit_id: str,
    kiosk_number: int,
    procedure_code: str,
    procedure_version: str,
    received_at: str,
    appointment_date: str,
    appointment_time: str,
    officer: str,
    values: dict[str, Any],
    documents: list[dict[str, Any]],
    attachments: list[dict[str, Any]],
    tracking_token: str,
    supplements_revision: int | None = None,
    fee: dict[str, Any] | None = None,
) -> bytes:
    """The canonical, immutable record of one dossier revision (built once, stored, re-sent byte for byte).

    `fee` (docs/fees.md) is present only when the dossier has a fee record, so a revision queued before
    fees existed keeps its exact bytes.
    """
    return canonical_json(
        {
            "format": BODY_FORMAT,
            "uuid": uuid,
            "revision": revision,
            "code": code,
            "unit_id": unit_id,
            "kiosk_number": kiosk_number,
            "procedure_code": procedure_code,
            "procedure_version": procedure_version,
            "received_at": received_at,
            "appointment_date": appointment_date,
            "appointment_time": appointment_time,
            "officer": officer,
            "values": values,
            "documents": documents,
            "attachments": attachments,
            "tracking_token": tracking_token,
            "supplements_revision": supplements_revision,
        }
        | ({"fee": fee} if fee is not None else {})
    )


def event_body(
    *,
    uuid: str,
    kind: str,
    unit_id: str,
    kiosk_number: int,
    at: str,
    officer: str,
    dossier_uuid: str | None,
    code: str | None,
    notice_number: str | None,
    details: dict[str, Any],
) -> bytes:
    """The canonical, immutable record of one counter event (`PUT /events/{uuid}`), built once and re-sent byte for byte.

    No personal data: a guidance or refusal names the procedure, the items or the reason, the officer, the time
    and the notice number; a hand-back says "submitter" or "authorised", never who. `kind` is one of
    `EVENT_KINDS`; the portal records the status `EVENT_STATUS` names for it.
    """
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    return canonical_json(
        {
            "format": EVENT_FORMAT,
            "uuid": uuid,
            "kind": kind,
            "unit_id": unit_id,
            "kiosk_number": kiosk_number,
            "at": at,
            "officer": officer,
            "dossier_uuid": dossier_uuid,
            "code": code,
            "notice_number": notice_number,
            "details": details,
        }
    )


def is_portal_answer(payload: Any) -> bool:
    """True only for a JSON object that says it comes from the portal (a captive portal's page never does)."""
    return isinstance(payload, dict) and payload.get("service") == SERVICE


# --- genuine receipts (docs/receipt-token.md) -----------------------------------------------------
# The kiosk signs `RECEIPT_MESSAGE_PREFIX + code` with its Ed25519 receipt key (kiosk/tracking.py, a
# test keeps the two prefixes equal); the QR's token is "2" + base32 of the 64-byte signature.

RECEIPT_MESSAGE_PREFIX = b"mot-cua-kiosk receipt v2\n"
RECEIPT_TOKEN_LENGTH = 104


def verify_receipt_token(public_keys: Any, code: str, token: str) -> bool:
    """True when `token` is a version-2 signature of `code` by one of `public_keys` (32-byte Ed25519 keys)."""
    import base64

    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if not isinstance(token, str) or not isinstance(code, str) or len(token) != RECEIPT_TOKEN_LENGTH or token[0] != "2":
        return False
    text = token[1:].strip().upper()
    if not text.isascii():
        return False
    try:
        signature = base64.b32decode(text + "=" * (-len(text) % 8))
    except ValueError:
        return False
    if base64.b32encode(signature).decode("ascii").rstrip("=") != text:
        return False
    message = RECEIPT_MESSAGE_PREFIX + code.encode("utf-8")
    for public_key in public_keys:
        try:
            Ed25519PublicKey.from_public_bytes(bytes(public_key)).verify(signature, message)
            return True
        except (ValueError, InvalidSignature):
            continue
    return False


# --- signed catalogue (docs/catalogue-updates.md) ---------------------------------------------------
# The portal signs `CATALOGUE_MESSAGE_PREFIX + the definition file's exact bytes` with its Ed25519
# catalogue key; kiosks verify with the public key pinned in their package, never one fetched from the portal.

CATALOGUE_MESSAGE_PREFIX = b"mot-cua-portal catalogue v1\n"
# A fee table (docs/fees.md) is published in the same signed list, with kind "fee_table" and code "fee:<table id>".
FEE_TABLE_CODE_PREFIX = "fee:"


def verify_catalogue_signature(public_key: bytes, definition: bytes, signature_hex: str) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(bytes(public_key)).verify(bytes.fromhex(signature_hex), CATALOGUE_MESSAGE_PREFIX + definition)
    except (ValueError, InvalidSignature, TypeError):
        return False
    return True
