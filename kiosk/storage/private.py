"""Everything the kiosk writes is private to its account: folders 0700, files 0600, whatever the umask.

The data folder holds personal data (the database and its -wal/-shm, attachments, backups, logs, keys), and
the files the kiosk exports (`backup --out`, receipt PDFs) hold it too. Rather than pass a mode at each of
the many places that create something (sqlite3 itself, shutil, tempfile, logging, Qt's PDF writer, the
SQLite -wal/-shm files, which take the database file's mode), each entry point (`kiosk`, `kiosk-admin`)
runs under umask 077: no creation point can forget. The portal does the same in portal/cli.py (it may not
import kiosk/). docs/security.md, "Private files".
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

PRIVATE_UMASK = 0o077  # group and others get nothing: new folders 0700, new files 0600


@contextmanager
def private_umask() -> Iterator[None]:
    """Run the body under umask 077 and put the caller's umask back after (main() run in-process by tests).

    The umask is per process, so threads started inside (the sync worker, Qt's) share it.
    """
    previous = os.umask(PRIVATE_UMASK)
    try:
        yield
    finally:
        os.umask(previous)
