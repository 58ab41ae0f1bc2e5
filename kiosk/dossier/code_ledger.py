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
        self.advance_all({key: number})

    def advance_all(self, numbers: dict[str, int], held: dict[str, int] | None = None) -> None:
        """Record each number as handed out for its key, in one durable write (none when the ledger is already there).
        `held`: the ledger as the caller just read it (saves reading it again)."""
        data = dict(self.read() if held is None else held)
        higher = {key: number for key, number in numbers.items() if data.get(key, 0) < number}
        if not higher:
            return
        data.update(higher)
        # The rename made durable as well: without the folder's fsync a power cut can undo it while the dossier's
        # commit stays, and a restore from an older backup before the next submit would not know the code was issued.
        write_atomic(self.path, json.dumps(data, sort_keys=True).encode("utf-8"), sync_dir=True)

    def read_or_none(self) -> dict[str, int] | None:
        """The ledger, or None when it is missing or unreadable (a restore must then say it cannot tell)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        return {str(k): int(v) for k, v in data.items() if isinstance(v, int)}


def codes_after(ledger: dict[str, int], counters: dict[str, int], unit_id: str, known: set[str]) -> list[str]:
    """Dossier codes the ledger says were handed out above `counters` (a restored backup's) and not in `known`.

    These are the "codes that may have been issued": receipts printed after the backup whose dossier is not in
    the restored database, or numbers a crash burnt (the ledger is written before the dossier commits).
    Ledger keys of dossier codes are "day:YYMMDD:K" and "day:YYMMDD:SERIES:K" (kiosk/dossier/codes.py).
    """
    from datetime import date

    from forms.codes import format_code

    found = []
    for key, high in sorted(ledger.items()):
        parts = key.split(":")
        if parts[0] != "day" or len(parts) not in (3, 4) or not parts[-1].isdigit() or len(parts[1]) != 6 or not parts[1].isdigit():
            continue
        series = parts[2] if len(parts) == 4 else ""
        yymmdd = parts[1]
        try:
            day = date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:]))
        except ValueError:
            continue
        for number in range(counters.get(key, 0) + 1, high + 1):
            code = format_code(unit_id, day, int(parts[-1]), number, series)
            if code not in known:
                found.append(code)
    return found


def notices_after(ledger: dict[str, int], counters: dict[str, int], held: set[tuple[str, str]]) -> list[dict[str, str]]:
    """Notice numbers (guidance, refusal, stop, hand-back) the ledger says were handed out above `counters` and that
    no counter event in `held` ((kind, number) pairs of the restored database) carries: printed after the backup, or
    burnt by a crash. Ledger keys of notices are "KIND:YYYY:K" (kiosk/dossier/codes.py `allocate_notice_number`).
    Listed only: a notice is not re-entered, its paper copy is looked for."""
    from forms.counter import NUMBERED_KINDS

    found = []
    for key, high in sorted(ledger.items()):
        parts = key.split(":")
        if len(parts) != 3 or parts[0] not in NUMBERED_KINDS or not parts[1].isdigit() or not parts[2].isdigit():
            continue
        for number in range(counters.get(key, 0) + 1, high + 1):
            shown = f"{int(parts[2])}/{number}/{int(parts[1])}"
            if (parts[0], shown) not in held:
                found.append({"kind": parts[0], "number": shown})
    return found
