"""Durable file writes, written once: owner-only, fsynced, renamed into place (keys, ledger, audit head,
settings, markers, sealed attachments, backups, receipt PDFs). A power cut leaves the old file or the new
one, never half of one."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX); NTFS journals renames, and Windows cannot open a folder for fsync."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


@contextlib.contextmanager
def replacing(path: Path, *, tmp: Path | None = None, mode: int | None = 0o600, sync_dir: bool = False,
              synced: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside `path` for the caller (or a library such as SQLite or Qt) to fill;
    on success it is fsynced, given `mode` and renamed over `path`; on failure it is removed.

    `tmp` names the temporary file when a crash-recovery step must recognise it; `sync_dir` also makes
    the rename itself durable (for files whose loss after a power cut would matter before the next fsync);
    `synced`: the caller fsynced `tmp` already (the attachment store, which writes it through its own handle).
    """
    tmp = tmp or path.with_name(f".{path.name}.tmp")
    try:
        yield tmp
        if not synced:
            _fsync_file(tmp)
        if mode is not None:
            with contextlib.suppress(OSError):  # filesystems without POSIX modes
                tmp.chmod(mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if sync_dir:
        fsync_dir(path.parent)


def write_atomic(path: Path, data: bytes, *, mode: int = 0o600, sync_dir: bool = False) -> None:
    """Replace `path` atomically with `data` (mode 0600 unless said otherwise), fsynced before the rename;
    `sync_dir`: the rename made durable too (see `replacing`)."""
    with replacing(path, mode=mode, sync_dir=sync_dir) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)


def load_or_create_secret(path: Path, size: int = 32) -> bytes:
    """A random secret in an owner-only file, made on first use; never replaced once it exists."""
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(size)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # two processes racing: one wins, one fails loudly
    with os.fdopen(fd, "wb") as handle:
        handle.write(secret)
        handle.flush()
        os.fsync(handle.fileno())
    return secret
