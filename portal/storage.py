"""Attachment bytes on disk, addressed by SHA-256, received in resumable chunks.

Layout of the files folder (`<db folder>/portal-files/` by default):
- `<sha256>`: a complete file whose content hashed to its name (the only place a complete file lives);
- `partial/<sha256>.part`: the bytes received so far, appended and fsynced chunk by chunk.

The length of the `.part` file *is* the number of bytes held, so the count can never disagree with the
bytes after a crash. A completed file is hashed, fsynced and renamed into place (then the folder is
fsynced) before the answer says `complete`.

A write that fails — a full disk (ENOSPC), a spent quota (EDQUOT), or anything else — may have left part of
its bytes (a full disk takes a short write, then refuses the rest): the file is cut back to its length before
that write and fsynced, so it never holds a torn chunk and its length stays the count the kiosk resumes from.
A chunk cut short by the network (portal/middleware.py) takes the same path: its prefix is one append.

`FileStore` is what the rest of the portal sees; `FolderStore` is the one implementation, a folder that every
worker shares (a local disk for one machine, a network file system for several). What it needs from that
folder (docs/portal.md, "Deployment: several workers"): an atomic rename (`os.replace`) to publish a complete
file, exclusive create (`O_EXCL`), and POSIX record locks (`fcntl.lockf`) that other machines honour: NFSv4
has them in the protocol; `flock` is emulated or local-only on many NFS clients, so it is not used.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

try:  # POSIX: also serialise writers in other processes and machines (several workers)
    import fcntl
except ImportError:  # pragma: no cover - Windows: one process, the thread lock is enough
    fcntl = None  # type: ignore[assignment]

HASH_BLOCK = 1024 * 1024
# A full disk, or the portal account's quota spent (EDQUOT does not exist on Windows).
NO_SPACE = frozenset(code for code in (errno.ENOSPC, getattr(errno, "EDQUOT", None)) if code is not None)

log = logging.getLogger("portal.storage")


@dataclass(frozen=True)
class Held:
    received: int
    complete: bool
    size: int | None = None  # of a complete file


class StorageFull(Exception):
    """The file system refused the bytes for lack of space (ENOSPC or EDQUOT); the partial file holds `held`, as before."""

    def __init__(self, held: Held) -> None:
        super().__init__("no space left for attachments")
        self.held = held


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


class FileStore(Protocol):
    """Attachment bytes by SHA-256, shared by every worker: the interface the routes and services use."""

    def ensure(self) -> None:
        """Make the store ready to take files (at start-up)."""

    def probe(self) -> None:
        """Raise OSError unless this worker can write a file now (the health check's question)."""

    def path(self, sha256: str) -> Path:
        """Where a complete file's bytes are read from."""

    def is_complete(self, sha256: str) -> bool: ...

    def held(self, sha256: str) -> Held:
        """How many bytes of the file are held, and whether it is complete."""

    def discard(self, sha256: str) -> None:
        """Drop the partial bytes of a file."""

    def locked(self, sha256: str) -> AbstractContextManager[None]:
        """One writer per file across threads, processes and machines, for as long as the context lasts."""

    def append(self, sha256: str, offset: int, size: int, data: bytes) -> Held:
        """Append a chunk (inside `locked`); see FolderStore.append."""


class FolderStore:
    """A FileStore in one folder: `<sha256>` complete files, `partial/<sha256>.part` uploads in progress."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.partial = self.root / "partial"
        self._locks: weakref.WeakValueDictionary[str, threading.Lock] = weakref.WeakValueDictionary()
        self._locks_guard = threading.Lock()

    def ensure(self) -> None:
        self.partial.mkdir(parents=True, exist_ok=True)

    def probe(self) -> None:
        """Create (exclusively), fsync and remove a small file in both folders: a full disk, a read-only mount or a
        lost network share raise OSError."""
        for folder in (self.root, self.partial):
            probe = folder / f".probe-{os.getpid()}-{threading.get_ident()}"
            fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, b"ok")
                os.fsync(fd)
            finally:
                os.close(fd)
                probe.unlink(missing_ok=True)

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
        """One writer per file: a thread lock in this process, then a POSIX record lock (`lockf`) across processes
        and machines. The thread lock comes first because record locks belong to the process: two threads of one
        worker would both get it, and closing any descriptor of the file would drop the other's."""
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
                fcntl.lockf(handle.fileno(), fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.lockf(handle.fileno(), fcntl.LOCK_UN)
                    # The lock file stays (removing it would race with a waiter); it is empty.

    def append(self, sha256: str, offset: int, size: int, data: bytes) -> Held:
        """Append `data` at `offset` of a `size`-byte file; call inside `locked(sha256)`.

        Raises ChunkError for a wrong offset (nothing written), data past `size`, or a completed file
        that does not hash to `sha256` (the partial file is discarded); StorageFull when the disk or the
        quota is full (the partial file cut back to `offset` bytes); OSError for any other failed write (cut
        back likewise).
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
            _append_whole(part, offset, data)
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


def _append_whole(part: Path, before: int, data: bytes) -> None:
    """Append and fsync all of `data`, or leave `part` at `before` bytes (its length before) and raise."""
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        try:
            view = memoryview(data)
            while view:  # a full disk takes what fits (a short write) and refuses the rest with the next write
                view = view[os.write(fd, view):]
            os.fsync(fd)
        except OSError as exc:
            try:
                os.ftruncate(fd, before)
                os.fsync(fd)
            except OSError as undo:  # it may hold a torn write: drop it (the upload starts again) rather than keep it
                log.error("partial file %s: cutting back to %d bytes failed (%s); discarded", part.name, before, errno.errorcode.get(undo.errno or 0, "?"))
                part.unlink(missing_ok=True)
                raise exc from None
            if exc.errno in NO_SPACE:
                raise StorageFull(Held(before, False)) from exc
            raise
    finally:
        os.close(fd)
