"""Receipt tokens for tests: version-1 tokens as receipts printed before signatures carried them, and one
verifier for both versions (version 2 through the portal's own verifier, sync.wire.verify_receipt_token)."""

from __future__ import annotations

import base64
import hashlib
import hmac

from kiosk.printed.token import public_key_of
from sync import wire


def _v1_payload(key: bytes, code: str) -> str:
    digest = hmac.new(bytes(key), code.encode("utf-8"), hashlib.sha256).digest()[:10]
    return base64.b32encode(digest).decode("ascii").rstrip("=").lower()


def make_v1_token(hmac_key: bytes, code: str) -> str:
    if not hmac_key or not code:
        raise ValueError("key and code must not be empty")
    return "1" + _v1_payload(hmac_key, code)


def verify_token(key: bytes, code: str, token: object, *, v1_key: bytes | None = None) -> bool:
    """True when `token` is genuine for `code`: version 2 against the receipt key's public half, version 1
    against the old HMAC key `v1_key` (default `key`). Anything else, malformed input included: False."""
    if not isinstance(key, (bytes, bytearray)) or not key:
        raise ValueError("tracking key must be non-empty bytes")
    if not isinstance(code, str) or not code or not isinstance(token, str) or len(token) < 2:
        return False
    if token[0] == "2":
        try:
            public = public_key_of(key)
        except ValueError:
            return False
        return wire.verify_receipt_token([public], code, token)
    if token[0] == "1":
        expected = _v1_payload(v1_key or key, code).encode("ascii")
        return hmac.compare_digest(expected, token[1:].strip().lower().encode("utf-8"))
    return False
