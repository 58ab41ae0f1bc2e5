"""Tracking tokens printed in a receipt's QR code, and the citizen tracking URL they go into.

A token is one version character followed by the version's payload, so receipts printed under an
older scheme keep verifying after a new one is introduced (e.g. "2" for signatures).

Version "1": lower-case base32 (RFC 4648, no padding) of the first 10 bytes of
HMAC-SHA256(key, dossier code as UTF-8): 16 characters, 80 bits. The base32 alphabet has no "1",
"0", "8" or "9", so the version character can never be mistaken for payload, and the token survives
being upper-cased (by a scanner or a person typing it) because verification ignores case.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from urllib.parse import quote, urlsplit

CURRENT_VERSION = "1"
_V1_BYTES = 10


def _check_key(key: bytes) -> None:
    if not isinstance(key, (bytes, bytearray)) or not key:
        raise ValueError("tracking key must be non-empty bytes")


def _v1_payload(key: bytes, code: str) -> str:
    digest = hmac.new(bytes(key), code.encode("utf-8"), hashlib.sha256).digest()[:_V1_BYTES]
    return base64.b32encode(digest).decode("ascii").rstrip("=").lower()


def make_token(key: bytes, code: str) -> str:
    """Token proving that ``code`` was issued by the holder of ``key`` (current version)."""
    _check_key(key)
    if not code:
        raise ValueError("dossier code must not be empty")
    return CURRENT_VERSION + _v1_payload(key, code)


def _verify_v1(key: bytes, code: str, payload: str) -> bool:
    expected = _v1_payload(key, code).encode("ascii")
    # compare_digest needs equal types; encoding also makes non-ASCII input just "wrong".
    return hmac.compare_digest(expected, payload.strip().lower().encode("utf-8"))


_VERIFIERS: dict[str, Callable[[bytes, str, str], bool]] = {"1": _verify_v1}


def verify_token(key: bytes, code: str, token: str) -> bool:
    """True when ``token`` is genuine for ``code``; unknown versions and malformed input: False."""
    _check_key(key)
    if not isinstance(code, str) or not code or not isinstance(token, str) or len(token) < 2:
        return False
    verifier = _VERIFIERS.get(token[0])
    if verifier is None:
        return False
    return verifier(bytes(key), code, token[1:])


def tracking_url(portal_base: str, code: str, token: str) -> str:
    """``<portal_base>/tra-cuu/<code>?t=<token>``, the text encoded in the receipt's QR code."""
    parts = urlsplit(portal_base)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ValueError(f"portal address must be an http(s) URL, got {portal_base!r}")
    if parts.query or parts.fragment:
        raise ValueError(f"portal address must not have a query or fragment: {portal_base!r}")
    if not code or not token:
        raise ValueError("dossier code and token must not be empty")
    base = portal_base.rstrip("/")
    # Codes hold letters, digits, dots and dashes; quote anything else so a bad code cannot
    # change the path or smuggle in a query.
    return f"{base}/tra-cuu/{quote(code, safe='.-')}?t={quote(token, safe='')}"
