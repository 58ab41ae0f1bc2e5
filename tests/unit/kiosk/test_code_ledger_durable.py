"""The code ledger's rename is durable: its folder is fsynced after the rename, or a power cut could undo the
rename while the dossier's commit stayed (docs/power-cut.md, found in issue 17's fifth round)."""

from __future__ import annotations

import os
from pathlib import Path

from kiosk.dossier.code_ledger import FILE_NAME, CodeLedger


def test_advancing_the_ledger_fsyncs_the_file_then_its_folder_after_the_rename(tmp_path: Path, monkeypatch) -> None:
    synced: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    def replace(src, dst) -> None:
        synced.append(f"rename -> {dst}")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    ledger = CodeLedger(tmp_path / FILE_NAME)
    ledger.advance_all({"000.00.07.H26-260101": 7})

    assert ledger.read() == {"000.00.07.H26-260101": 7}
    rename = synced.index(f"rename -> {tmp_path / FILE_NAME}")
    assert any(entry.endswith(f".{FILE_NAME}.tmp") for entry in synced[:rename])  # the data, before the rename
    assert str(tmp_path) in synced[rename + 1:]  # the rename itself, after it
