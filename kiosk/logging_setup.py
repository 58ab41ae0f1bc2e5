"""Logging to a rotating file in the data folder; personal data is never passed to the logger."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

_HANDLER_NAME = "kiosk-file"


def setup_logging(logs_dir: Path, level: int = logging.INFO) -> None:
    """Attach (once per folder) a rotating file handler: 5 files of 1 MB each."""
    root = logging.getLogger()
    target = str(logs_dir / "kiosk.log")
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            if getattr(handler, "baseFilename", None) == target:
                return
            root.removeHandler(handler)
            handler.close()
    logs_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(target, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
