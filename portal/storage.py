"""Attachment bytes on disk, addressed by SHA-256, received in resumable chunks.

Layout of the files folder (`<db folder>/portal-files/` by default):
- `<sha256>`: a complete file whose content hashed to its name (the only place a complete file lives);
- `partial/<sha256>.part`: the bytes received so far, appended and fsynced chunk by chunk.

The length of the `.part` file *is* the number of bytes held, so the count can never disagree with the
bytes after a crash. A completed file is hashed, fsynced and renamed into place (then the folder is
fsynced) before the answer says `complete`.
"""

from __future__ import annotations

import hashlib
import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

try:  # POSIX: also serialise writers in other processes (several uvicorn workers)
    import fcntl
except ImportError:  # pragma: no cover - Windows: one process, the thread lock is enough
    fcntl = None  # type: ignore[assignment]

HASH_BLOCK = 1024 * 1024


@dataclass(frozen=True)
class Held:
    received: int
    complete: bool
    size: int | None = None  # of a complete file


class ChunkError(Exception):
    """A chunk that cannot be taken; `kind` names why (offset_mismatch, too_much_data, sha256_mismatch)."""

    def __init__(self, kind: str, held: Held) -> None:
        super().__init__(kind)
        self.kind = kind
        self.held = held


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":  # pragma: no cover
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.partial = self.root / "partial"
        self._locks: weakref.WeakValueDictionary[str, threading.Lock] = weakref.WeakValueDictionary()
        self._locks_guard = threading.Lock()

    def ensure(self) -> None:
        self.partial.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        return self.root / sha256

    def part_path(self, sha256: str) -> Path:
        return self.partial / f"{sha256}.part"

    def is_complete(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def held(self, sha256: str) -> Held:
        final = self.path(sha256)
        if final.is_file():
            size = final.stat().st_size
            return Held(size, True, size)
        part = self.part_path(sha256)
        return Held(part.stat().st_size if part.is_file() else 0, False)

    def discard(self, sha256: str) -> None:
        self.part_path(sha256).unlink(missing_ok=True)

    @contextmanager
    def locked(self, sha256: str) -> Iterator[None]:
        """One writer per file: a thread lock in this process, and an advisory file lock across processes."""
        with self._locks_guard:
            lock = self._locks.get(sha256)
            if lock is None:
                lock = threading.Lock()
                self._locks[sha256] = lock
        with lock:
            if fcntl is None:
                yield
                return
            self.ensure()
            with open(self.partial / f"{sha256}.lock", "a+b") as handle:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
                    # The lock file stays (removing it would race with a waiter); it is empty.

    def append(self, sha256: str, offset: int, size: int, data: bytes) -> Held:
        """Append `data` at `offset` of a `size`-byte file; call inside `locked(sha256)`.

        Raises ChunkError for a wrong offset (nothing written), data past `size`, or a completed file
        that does not hash to `sha256` (the partial file is discarded).
        """
        self.ensure()
        held = self.held(sha256)
        if held.complete:
            return held
        if offset != held.received:
            raise ChunkError("offset_mismatch", held)
        if offset + len(data) > size:
            raise ChunkError("too_much_data", held)
        part = self.part_path(sha256)
        if data:
            with open(part, "ab") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        elif not part.exists() and size == 0:
            part.touch()
        received = offset + len(data)
        if received < size:
            return Held(received, False)
        digest = hashlib.sha256()
        with open(part, "rb") as handle:
            for block in iter(lambda: handle.read(HASH_BLOCK), b""):
                digest.update(block)
        if digest.hexdigest() != sha256:
            part.unlink(missing_ok=True)
            raise ChunkError("sha256_mismatch", Held(0, False))
        os.replace(part, self.path(sha256))
        _fsync_dir(self.root)
        return Held(size, True, size)
