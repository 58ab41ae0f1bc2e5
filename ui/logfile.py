"""The rotating log file in the data folder (5 × 1 MB); personal data is never passed to the logger.

This module only builds the handler: logging is configured by the console scripts' `main` functions
(tests/unit/test_layering.py), never by a library function.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOG_HANDLER_NAME = "kiosk-file"


class _FolderMakingHandler(logging.handlers.RotatingFileHandler):
    """Creates the logs folder when the first record is written, so a command given a folder that does
    not exist yet (`kiosk-admin init`) neither fails nor leaves an empty folder behind when it logs nothing."""

    def _open(self):  # type: ignore[no-untyped-def]
        Path(self.baseFilename).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        return super()._open()


def rotating_file_handler(logs_dir: Path) -> logging.Handler:
    """A handler writing `logs_dir/kiosk.log`, opened at its first record."""
    handler = _FolderMakingHandler(str(logs_dir / "kiosk.log"), maxBytes=1_000_000, backupCount=5, encoding="utf-8", delay=True)
    handler.set_name(LOG_HANDLER_NAME)
    handler.setFormatter(logging.Formatter(FORMAT))
    return handler
