"""The wire contract shared by the kiosk's sync engine and the portal (docs/sync-protocol.md): names, limits, canonical JSON."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Any

SERVICE = "mot-cua-portal"
API_VERSION = 1
API_PREFIX = "/api/v1"
CHUNK_SIZE = 256 * 1024  # at most this much is sent again after a cut mid-attachment
BODY_FORMAT = 1

HEADER_SENT_AT = "X-Kiosk-Sent-At"
HEADER_ATTEMPT = "X-Attempt"
HEADER_APP_VERSION = "X-Kiosk-App-Version"

PORTAL_STATUSES = range(1, 11)  # national dossier status codes 1–10 (DOMAIN.md)


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
) -> bytes:
    """The canonical, immutable record of one dossier revision (built once, stored, re-sent byte for byte)."""
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
    )


def is_portal_answer(payload: Any) -> bool:
    """True only for a JSON object that says it comes from the portal (a captive portal's page never does)."""
    return isinstance(payload, dict) and payload.get("service") == SERVICE
