"""A real size-limited filesystem for full-disk tests: a 12 MB tmpfs, and a way to fill it."""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def tmpfs(mount: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` (mount's syntax: "12m") mounted at `mount` (made if missing); the test skips, saying why,
    where mounting is not permitted (the test machine runs as root)."""
    mount.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(mount)], capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a size-limited tmpfs here (needs root and mount permission): {result.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, timeout=30)


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 12 MB tmpfs mounted for the test."""
    with tmpfs(tmp_path / "small", "12m") as mount:
        yield mount


def fill(disk: Path) -> Path:
    """Take every free byte of the filesystem; returns the filler file (delete it to free the space)."""
    filler = disk / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    block = b"\0" * (64 * 1024)
    try:
        while True:
            try:
                os.write(fd, block)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                if len(block) == 1:
                    break
                block = block[: len(block) // 2]
    finally:
        os.close(fd)
    return filler
