"""Decrypt every page of a SQLCipher 4 database or WAL file from its bytes, without SQLite: what a thief holding the
key could read, free pages and old WAL frames included (tests/scenarios/sync/test_retention_backups.py).

SQLCipher 4 as the kiosk uses it (kiosk/storage/db.py sets only a raw key): pages of 4096 bytes, each ending in 80
reserved bytes (a 16-byte IV, then a 64-byte HMAC-SHA512); page 1 starts with the file's 16-byte salt and its
encrypted part starts after it. With a raw key the AES-256-CBC key is the raw key itself. A WAL file is a 32-byte
header, then frames of a 24-byte header (page number first, big-endian) and one encrypted page.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE_SIZE = 4096
RESERVED = 80
IV_SIZE = 16
SALT_SIZE = 16
WAL_HEADER = 32
FRAME_HEADER = 24


def decrypt_page(raw: bytes, key: bytes, *, first: bool) -> bytes:
    """The plain bytes of one encrypted page (without the salt of page 1 and the reserved tail)."""
    start = SALT_SIZE if first else 0
    iv = raw[PAGE_SIZE - RESERVED:PAGE_SIZE - RESERVED + IV_SIZE]
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return decryptor.update(raw[start:PAGE_SIZE - RESERVED]) + decryptor.finalize()


def database_pages(path: Path, key: bytes) -> Iterator[bytes]:
    """Every page of a database file, decrypted (a trailing partial page is ignored)."""
    data = path.read_bytes()
    for number, offset in enumerate(range(0, len(data) - PAGE_SIZE + 1, PAGE_SIZE), start=1):
        yield decrypt_page(data[offset:offset + PAGE_SIZE], key, first=number == 1)


def wal_pages(path: Path, key: bytes) -> Iterator[bytes]:
    """The page of every frame of a WAL file, decrypted (old frames a checkpoint left behind included)."""
    data = path.read_bytes()
    step = FRAME_HEADER + PAGE_SIZE
    for offset in range(WAL_HEADER, len(data) - step + 1, step):
        number = int.from_bytes(data[offset:offset + 4], "big")
        yield decrypt_page(data[offset + FRAME_HEADER:offset + step], key, first=number == 1)


def file_pages(path: Path, key: bytes) -> Iterator[bytes]:
    """Pages of a database (`*.db`, any name) or of its WAL (`*-wal`); a `-shm` holds no page and yields nothing."""
    if path.name.endswith("-wal"):
        yield from wal_pages(path, key)
    elif not path.name.endswith("-shm"):
        yield from database_pages(path, key)


def forms_of(secret: str) -> set[bytes]:
    """How a value may sit in a page: UTF-8 in NFC and NFD, diacritic-free folded, and each as a JSON escape."""
    from forms.text import fold

    texts = {unicodedata.normalize("NFC", secret), unicodedata.normalize("NFD", secret), fold(secret)}
    return {t.encode("utf-8") for t in texts} | {json.dumps(t)[1:-1].encode("utf-8") for t in texts}


def found_in(paths: Iterable[Path], key: bytes, secrets: Iterable[str]) -> dict[str, list[str]]:
    """secret → the files (name:page index) where one of its forms appears in a decrypted page."""
    wanted = {secret: forms_of(secret) for secret in secrets}
    hits: dict[str, list[str]] = {}
    for path in paths:
        for index, page in enumerate(file_pages(path, key)):
            for secret, forms in wanted.items():
                if any(form in page for form in forms):
                    hits.setdefault(secret, []).append(f"{path.name}:{index}")
    return hits
