"""Tracking tokens printed in a receipt's QR code, and the citizen tracking URL they go into.

A token is one version character followed by the version's payload, so receipts printed under an
older scheme keep verifying after a new one is introduced (e.g. "2" for signatures).

Version "1" (receipts printed before issue 4): lower-case base32 (RFC 4648, no padding) of the first
10 bytes of HMAC-SHA256(kiosk key, dossier code as UTF-8): 16 characters, 80 bits. Only the kiosk can
check it; the portal compares it with the token the synced dossier carries.

Version "2" (current): lower-case base32 of the Ed25519 signature, by the kiosk's receipt key, of
`mot-cua-kiosk receipt v2\n` + the code: 103 characters. The public half is registered with the portal
at enrolment, so the portal can tell a genuine receipt from a forged one even before the dossier has
synced. The portal's verifier is `sync.wire.verify_receipt_token` (a test keeps the two in step).

The base32 alphabet has no "1", "0", "8" or "9", so the version character can never be mistaken for
payload, and the token survives being upper-cased (by a scanner or a person typing it) because
verification ignores case. See docs/receipt-token.md.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from urllib.parse import quote, urlsplit

CURRENT_VERSION = "2"
_V1_BYTES = 10
V2_MESSAGE_PREFIX = b"mot-cua-kiosk receipt v2\n"


def _check_key(key: bytes) -> None:
    if not isinstance(key, (bytes, bytearray)) or not key:
        raise ValueError("tracking key must be non-empty bytes")


def _v1_payload(key: bytes, code: str) -> str:
    digest = hmac.new(bytes(key), code.encode("utf-8"), hashlib.sha256).digest()[:_V1_BYTES]
    return base64.b32encode(digest).decode("ascii").rstrip("=").lower()


def make_token(receipt_key: bytes, code: str) -> str:
    """Token proving that ``code`` was issued by the holder of the Ed25519 ``receipt_key`` (32-byte seed)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    _check_key(receipt_key)
    if not code:
        raise ValueError("dossier code must not be empty")
    signature = Ed25519PrivateKey.from_private_bytes(bytes(receipt_key)).sign(V2_MESSAGE_PREFIX + code.encode("utf-8"))
    return CURRENT_VERSION + base64.b32encode(signature).decode("ascii").rstrip("=").lower()


def make_v1_token(hmac_key: bytes, code: str) -> str:
    """The token receipts carried before signatures (kept to check and test old receipts)."""
    _check_key(hmac_key)
    if not code:
        raise ValueError("dossier code must not be empty")
    return "1" + _v1_payload(hmac_key, code)


def public_key_of(receipt_key: bytes) -> bytes:
    """The 32-byte Ed25519 public key registered with the portal."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(bytes(receipt_key)).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def _verify_v1(key: bytes, code: str, payload: str) -> bool:
    expected = _v1_payload(key, code).encode("ascii")
    # compare_digest needs equal types; encoding also makes non-ASCII input just "wrong".
    return hmac.compare_digest(expected, payload.strip().lower().encode("utf-8"))


def _verify_v2(receipt_key: bytes, code: str, payload: str) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    text = payload.strip().upper()
    if len(text) != 103 or not text.isascii():
        return False
    try:
        signature = base64.b32decode(text + "=" * (-len(text) % 8))
        if base64.b32encode(signature).decode("ascii").rstrip("=") != text:
            return False  # spare bits in the last character set: not the canonical spelling
        Ed25519PublicKey.from_public_bytes(public_key_of(receipt_key)).verify(signature, V2_MESSAGE_PREFIX + code.encode("utf-8"))
    except (ValueError, InvalidSignature):
        return False
    return True


_VERIFIERS: dict[str, Callable[[bytes, str, str], bool]] = {"1": _verify_v1, "2": _verify_v2}


def verify_token(key: bytes, code: str, token: str, *, v1_key: bytes | None = None) -> bool:
    """True when ``token`` is genuine for ``code``: version 2 checked with the receipt ``key``, version 1
    with ``v1_key`` (the old HMAC key; defaults to ``key``). Unknown versions and malformed input: False."""
    _check_key(key)
    if not isinstance(code, str) or not code or not isinstance(token, str) or len(token) < 2:
        return False
    verifier = _VERIFIERS.get(token[0])
    if verifier is None:
        return False
    try:
        return verifier(bytes(v1_key or key) if token[0] == "1" else bytes(key), code, token[1:])
    except ValueError:  # a v1 key where a 32-byte receipt key was needed
        return False


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
