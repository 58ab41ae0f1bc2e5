"""Attachments encrypted at rest: AES-256-GCM in 64 KiB segments, readable at any offset.

A file is `HEADER || segment_0 || segment_1 …`. The header is the magic, a random 8-byte nonce prefix
and the plaintext size; segment i is AES-GCM of plaintext bytes [i·64 KiB, (i+1)·64 KiB) with the nonce
`prefix || i` and the header plus i as associated data, so segments cannot be reordered, swapped
between files or truncated without the tag failing. Random access matters because the sync engine
resumes an upload at whatever offset the portal holds. The file key is derived from the data key
(HKDF, its own label) so the database key and the attachment key never coincide.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import struct
from pathlib import Path
from typing import BinaryIO, Iterator

from kiosk.errors import KioskError

MAGIC = b"MCKENC01"
HEADER = struct.Struct(">8s8sQ")  # magic, nonce prefix, plaintext size
SEGMENT = 64 * 1024
TAG = 16


class DamagedFile(KioskError):
    """An encrypted attachment whose bytes were altered, truncated or sealed with another key."""


def file_key(data_key: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"mot-cua-kiosk attachments v1").derive(data_key)


def is_encrypted(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def encrypted_size(plain_size: int) -> int:
    segments = max(1, -(-plain_size // SEGMENT))
    return HEADER.size + plain_size + segments * TAG


class Sealer:
    """Writes one encrypted file from plaintext pushed in any block sizes; hashes the plaintext on the way."""

    def __init__(self, key: bytes, out: BinaryIO, plain_size: int) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._aead = AESGCM(key)
        self._out = out
        self._header = HEADER.pack(MAGIC, secrets.token_bytes(8), plain_size)
        self._prefix = self._header[8:16]
        self._size = plain_size
        self._buffer = bytearray()
        self._index = 0
        self._written = 0
        self.sha256 = hashlib.sha256()
        out.write(self._header)

    def write(self, data: bytes) -> None:
        self.sha256.update(data)
        self._written += len(data)
        self._buffer += data
        while len(self._buffer) >= SEGMENT:
            self._seal(bytes(self._buffer[:SEGMENT]))
            del self._buffer[:SEGMENT]

    def close(self) -> None:
        if self._written != self._size:
            raise ValueError(f"{self._written} bytes written for a file declared as {self._size}")
        if self._buffer or self._index == 0:
            self._seal(bytes(self._buffer))
            self._buffer.clear()

    def _seal(self, plain: bytes) -> None:
        nonce = self._prefix + struct.pack(">I", self._index)
        self._out.write(self._aead.encrypt(nonce, plain, self._header + struct.pack(">Q", self._index)))
        self._index += 1


class Opened:
    """An encrypted file open for reading plaintext at any offset."""

    def __init__(self, key: bytes, path: Path) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._aead = AESGCM(key)
        self._handle = open(path, "rb")
        header = self._handle.read(HEADER.size)
        try:
            magic, self._prefix, self.size = HEADER.unpack(header)
        except struct.error:
            self._handle.close()
            raise DamagedFile(f"Tệp đính kèm {path.name[:12]}… bị hỏng (thiếu phần đầu).") from None
        if magic != MAGIC:
            self._handle.close()
            raise DamagedFile(f"Tệp đính kèm {path.name[:12]}… không phải tệp đã mã hóa của máy tiếp nhận.")
        self._header = header
        self._name = path.name
        if os.fstat(self._handle.fileno()).st_size != encrypted_size(self.size):
            self._handle.close()
            raise DamagedFile(f"Tệp đính kèm {path.name[:12]}… bị cắt cụt hoặc thừa dữ liệu.")

    def __enter__(self) -> "Opened":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def sha256(self) -> str:
        """The plaintext's SHA-256 (the content address), read through from the start."""
        digest = hashlib.sha256()
        for block in self.blocks():
            digest.update(block)
        return digest.hexdigest()

    def close(self) -> None:
        self._handle.close()

    def _segment(self, index: int) -> bytes:
        from cryptography.exceptions import InvalidTag

        self._handle.seek(HEADER.size + index * (SEGMENT + TAG))
        sealed = self._handle.read(SEGMENT + TAG)
        try:
            return self._aead.decrypt(self._prefix + struct.pack(">I", index), sealed, self._header + struct.pack(">Q", index))
        except InvalidTag:
            raise DamagedFile(f"Tệp đính kèm {self._name[:12]}… bị sửa hoặc hỏng (đoạn {index}).") from None

    def read_at(self, offset: int, length: int) -> bytes:
        """Plaintext bytes [offset, offset + length), cut at the end of the file."""
        end = min(self.size, offset + length)
        if offset >= end:
            return b""
        out = bytearray()
        for index in range(offset // SEGMENT, (end - 1) // SEGMENT + 1):
            plain = self._segment(index)
            start = index * SEGMENT
            out += plain[max(0, offset - start) : end - start]
        return bytes(out)

    def blocks(self) -> Iterator[bytes]:
        for index in range(max(1, -(-self.size // SEGMENT))):
            yield self._segment(index)


def read_all(key: bytes, path: Path) -> bytes:
    with Opened(key, path) as opened:
        return b"".join(opened.blocks())


def seal_existing(key: bytes, path: Path) -> None:
    """Encrypt a plaintext file in place (data folders made before encryption): temp file, fsync, rename."""
    size = path.stat().st_size
    from kiosk.storage.files import replacing

    with replacing(path, tmp=path.with_name(f".seal-{path.name}"), mode=None) as tmp:
        with open(path, "rb") as src, open(tmp, "wb") as dst:
            sealer = Sealer(key, dst, size)
            for block in iter(lambda: src.read(1 << 20), b""):
                sealer.write(block)
            sealer.close()
