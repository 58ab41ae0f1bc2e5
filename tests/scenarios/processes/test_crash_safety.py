"""SIGKILL at random moments during 200 headless submits: no printed code lost, none duplicated, database intact."""

from __future__ import annotations

import hashlib
import os
import random
import signal
from conftest import open_raw_db
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO

TARGET = 200


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL exists only on POSIX")
def test_sigkill_during_submits_loses_and_duplicates_nothing(site_dir: Path, tmp_path: Path) -> None:
    from kiosk.storage.context import open_kiosk
    from kiosk.security.officers import add_officer

    ctx = open_kiosk(site_dir)
    with ctx.transaction() as session:
        add_officer(session, "lan", "Trần Thị Lan", "officer", "246813")
    ctx.close()
    attachment = tmp_path / "scan.pdf"
    attachment.write_bytes(os.urandom(256 * 1024))

    rng = random.Random(20261122)
    printed: list[str] = []
    runs = 0
    while len(printed) < TARGET and runs < 150:
        runs += 1
        child = subprocess.Popen(
            [sys.executable, str(REPO / "tests" / "support" / "crash_child.py"), str(site_dir), str(runs * 100), str(attachment)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        ready = child.stdout.readline()
        assert ready.strip() == "READY", child.stderr.read() if child.stderr else ready
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(child.stdout), daemon=True)  # type: ignore[arg-type]
        reader.start()
        time.sleep(rng.uniform(0.01, 0.3))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        reader.join(timeout=30)
        assert child.returncode == -signal.SIGKILL, child.stderr.read() if child.stderr else ""
        printed.extend(line.split()[1] for line in lines if line.startswith("CODE ") and len(line.split()) == 2)

    assert len(printed) >= TARGET, f"only {len(printed)} submits in {runs} runs"
    assert len(set(printed)) == len(printed), "a code was printed twice"
    connection = open_raw_db(site_dir)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = [row[0] for row in connection.execute("SELECT code FROM dossier WHERE code IS NOT NULL")]
        outbox = connection.execute("SELECT count(*) FROM outbox_entry").fetchone()[0]
        orphans = connection.execute(
            "SELECT count(*) FROM dossier d WHERE d.lifecycle = 'submitted' AND NOT EXISTS (SELECT 1 FROM outbox_entry o WHERE o.dossier_id = d.id)"
        ).fetchone()[0]
    finally:
        connection.close()
    assert len(stored) == len(set(stored))
    missing = set(printed) - set(stored)
    assert not missing, f"printed but not stored: {sorted(missing)[:5]}"
    assert outbox == len(stored) and orphans == 0
    from kiosk.security import vault
    from kiosk.security.keystore import load_data_key

    file_key = vault.file_key(load_data_key(site_dir))
    attachments_ok = all(
        len(plain := vault.read_all(file_key, site_dir / "attachments" / name)) == 256 * 1024 and hashlib.sha256(plain).hexdigest() == name
        for name in os.listdir(site_dir / "attachments")
        if not name.startswith(".")
    )
    assert attachments_ok
