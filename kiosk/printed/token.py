"""Tracking tokens printed in a receipt's QR code, and the citizen tracking URL they go into.

A token is one version character followed by the version's payload, so receipts printed under an
older scheme keep verifying after a new one is introduced (e.g. "2" for signatures).

Version "1" (receipts printed before issue 4): lower-case base32 (RFC 4648, no padding) of the first
10 bytes of HMAC-SHA256(kiosk key, dossier code as UTF-8): 16 characters, 80 bits. The kiosk no longer
makes them; the portal compares one with the token the synced dossier carries.

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
from urllib.parse import quote, urlsplit

CURRENT_VERSION = "2"
V2_MESSAGE_PREFIX = b"mot-cua-kiosk receipt v2\n"


def _check_key(key: bytes) -> None:
    if not isinstance(key, (bytes, bytearray)) or not key:
        raise ValueError("tracking key must be non-empty bytes")


def make_token(receipt_key: bytes, code: str) -> str:
    """Token proving that ``code`` was issued by the holder of the Ed25519 ``receipt_key`` (32-byte seed)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    _check_key(receipt_key)
    if not code:
        raise ValueError("dossier code must not be empty")
    signature = Ed25519PrivateKey.from_private_bytes(bytes(receipt_key)).sign(V2_MESSAGE_PREFIX + code.encode("utf-8"))
    return CURRENT_VERSION + base64.b32encode(signature).decode("ascii").rstrip("=").lower()


def public_key_of(receipt_key: bytes) -> bytes:
    """The 32-byte Ed25519 public key registered with the portal."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(bytes(receipt_key)).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


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
