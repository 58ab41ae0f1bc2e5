"""Everything the kiosk writes is private to its account: folders 0700, files 0600, whatever the umask.

The data folder holds personal data (the database and its -wal/-shm, attachments, backups, logs, keys), and
the files the kiosk exports (`backup --out`, receipt PDFs, reports) hold it too. Rather than pass a mode at
each of the many places that create something (sqlite3/SQLCipher, whose -wal/-shm take the database file's
mode; shutil; tempfile; logging's rotating handler; Qt's PDF writer), each entry point runs under this
umask, so no creation point can forget: `kiosk` (ui/window/app.py, for the whole process) and
`kiosk-admin` (ui/admin/cli.py, around the command, restoring the caller's umask because tests run its
main in-process). The umask is per process, so threads share it. The portal does the same in
portal/cli.py (it may not import kiosk/). docs/security.md, "Secrets and private files".
"""

from __future__ import annotations

PRIVATE_UMASK = 0o077  # group and others get nothing: new folders 0700, new files 0600
