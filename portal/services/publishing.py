"""Publishing procedure versions to kiosks, signed with the portal's Ed25519 catalogue key.

The key lives in an owner-only file (`--signing-key`, default `catalogue-signing.key` beside the SQLite
database or in the current folder) and is made on first use; `kiosk-portal catalogue-key` prints its
public half, which administrators bake into every per-site package (docs/admin.md). The signed message
is `sync.wire.CATALOGUE_MESSAGE_PREFIX` + the definition file's exact bytes.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import PublishedProcedure
from portal.services.outcomes import BadInput
from sync import wire

KEY_FILE = "catalogue-signing.key"


def default_key_path(db_file: Path | None) -> Path:
    return (db_file.resolve().parent if db_file is not None else Path.cwd()) / KEY_FILE


def load_or_create_key(path: Path) -> bytes:
    if path.exists():
        seed = path.read_bytes()
        if len(seed) != 32:
            raise BadInput(f"Tệp khóa ký danh mục {path} bị hỏng.")
        return seed
    path.parent.mkdir(parents=True, exist_ok=True)
    seed = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(seed)
        handle.flush()
        os.fsync(handle.fileno())
    return seed


def public_key_hex(seed: bytes) -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def sign(seed: bytes, definition: bytes) -> str:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(seed).sign(wire.CATALOGUE_MESSAGE_PREFIX + definition).hex()


def publish(session: Session, seed: bytes, definition: bytes) -> PublishedProcedure:
    """Publish one definition file (a new version of a procedure); a version is published once."""
    try:
        doc = json.loads(definition)
        code, version = str(doc["code"]), str(doc["version"])
    except (ValueError, KeyError, TypeError) as exc:
        raise BadInput("Tệp không phải định nghĩa thủ tục (JSON có code và version).") from exc
    existing = session.scalars(select(PublishedProcedure).where(PublishedProcedure.code == code, PublishedProcedure.version == version)).first()
    if existing is not None:
        if existing.definition == definition:
            return existing
        raise BadInput(f"Thủ tục {code} phiên bản {version} đã được công bố với nội dung khác; hãy tăng số phiên bản.")
    row = PublishedProcedure(code=code, version=version, definition=definition, signature=sign(seed, definition))
    session.add(row)
    session.flush()
    return row


def published(session: Session) -> list[dict[str, str]]:
    import base64

    return [
        {"code": p.code, "version": p.version, "definition_b64": base64.b64encode(p.definition).decode("ascii"), "signature": p.signature}
        for p in session.scalars(select(PublishedProcedure).order_by(PublishedProcedure.id))
    ]
