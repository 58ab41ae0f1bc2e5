"""The highest dossier numbers ever handed out, kept outside the database so a restore cannot reissue one.

`code_sequence` in the database is the working counter; this file (`<data>/code-ledger.json`) is its
high-water mark. It is written, fsynced, *before* the dossier's transaction commits, so it is never
behind a printed receipt: after a crash it may be one ahead (a number skipped, never reused). A
database restored from an older backup then continues above every number already on a receipt.
The file holds only counter names and numbers.
"""

from __future__ import annotations

import json
from pathlib import Path

from kiosk.storage.files import write_atomic

FILE_NAME = "code-ledger.json"


class CodeLedger:
    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> dict[str, int]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            return {}  # unreadable: the database's own counters and highest codes still apply
        return {str(k): int(v) for k, v in data.items() if isinstance(v, int)}

    def floor(self, key: str) -> int:
        return self.read().get(key, 0)

    def advance(self, key: str, number: int) -> None:
        """Record `number` as handed out for `key` (durably, before the caller commits)."""
        data = self.read()
        if data.get(key, 0) >= number:
            return
        data[key] = number
        write_atomic(self.path, json.dumps(data, sort_keys=True).encode("utf-8"))
