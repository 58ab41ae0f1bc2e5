"""Publishing procedure versions to kiosks, signed with the portal's Ed25519 catalogue key.

The key lives in an owner-only file (`--signing-key`, default `catalogue-signing.key` in the file store folder,
`--files`, which every worker and machine shares; a key already made at the old default, beside the SQLite
database or in the current folder, is still used while none is in the file store) and is made on first use; `kiosk-portal catalogue-key` prints its
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
FEE_PREFIX = wire.FEE_TABLE_CODE_PREFIX  # a fee table is published as "fee:" + its table id ("fee:national", "fee:01")


def legacy_key_path(db_file: Path | None) -> Path:
    """Where the key was made before the file store held it: beside the SQLite file, else in the current folder."""
    return (db_file.resolve().parent if db_file is not None else Path.cwd()) / KEY_FILE


def default_key_path(files_dir: Path, db_file: Path | None) -> Path:
    """`<files>/catalogue-signing.key`: one key for every machine that shares the file store. A key at the legacy
    place is used while the file store has none, so an upgraded portal keeps signing with the key kiosks pin."""
    shared = Path(files_dir) / KEY_FILE
    legacy = legacy_key_path(db_file)
    return legacy if not shared.exists() and legacy.exists() else shared


def _read_key(path: Path) -> bytes:
    seed = path.read_bytes()
    if len(seed) != 32:
        raise BadInput(f"Tệp khóa ký danh mục {path} bị hỏng.")
    return seed


def load_or_create_key(path: Path) -> bytes:
    """The key in `path`, made there if there is none. Two processes (or machines) making it at once agree: each
    writes a complete key to a file of its own, then links it to `path`, which fails if it exists (exclusive
    create of a complete file, atomic on NFS too); the loser reads the winner's key. Nobody ever reads a key
    half-written."""
    if path.exists():
        return _read_key(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    seed = secrets.token_bytes(32)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(seed)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(draft, path)
        except FileExistsError:
            return _read_key(path)  # another process made it first: its key is the key
    finally:
        draft.unlink(missing_ok=True)
    return seed


def public_key_hex(seed: bytes) -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def sign(seed: bytes, definition: bytes) -> str:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(seed).sign(wire.CATALOGUE_MESSAGE_PREFIX + definition).hex()


def publish(session: Session, seed: bytes, definition: bytes) -> PublishedProcedure:
    """Publish one definition file (a new version of a procedure) or fee table (docs/fees.md); a version is published once."""
    try:
        doc = json.loads(definition)
        is_fee_table = isinstance(doc, dict) and "table" in doc and "code" not in doc
        if not is_fee_table:
            code, version = str(doc["code"]), str(doc["version"])
    except (ValueError, KeyError, TypeError) as exc:
        raise BadInput("Tệp không phải định nghĩa thủ tục (JSON có code và version) hay biểu phí (JSON có table và version).") from exc
    if is_fee_table:
        code, version = _fee_table_key(doc, definition)
    existing = session.scalars(select(PublishedProcedure).where(PublishedProcedure.code == code, PublishedProcedure.version == version)).first()
    if existing is not None:
        if existing.definition == definition:
            return existing
        what = f"Biểu phí {code.removeprefix(FEE_PREFIX)}" if code.startswith(FEE_PREFIX) else f"Thủ tục {code}"
        raise BadInput(f"{what} phiên bản {version} đã được công bố với nội dung khác; hãy tăng số phiên bản.")
    row = PublishedProcedure(code=code, version=version, definition=definition, signature=sign(seed, definition))
    session.add(row)
    session.flush()
    return row


def _fee_table_key(doc: dict, definition: bytes) -> tuple[str, str]:
    """A fee table is checked here as the kiosk will check it: a table kiosks would refuse is never published."""
    from forms.fees import check_table

    table, problems = check_table(doc, "biểu phí", definition)
    if table is None:
        raise BadInput("Biểu phí không hợp lệ: " + "; ".join(str(p) for p in problems[:3]))
    return FEE_PREFIX + table.table, table.version


def published(session: Session) -> list[dict[str, str]]:
    import base64

    return [
        {"kind": "fee_table" if p.code.startswith(FEE_PREFIX) else "procedure", "code": p.code, "version": p.version, "definition_b64": base64.b64encode(p.definition).decode("ascii"), "signature": p.signature}
        for p in session.scalars(select(PublishedProcedure).order_by(PublishedProcedure.id))
    ]
