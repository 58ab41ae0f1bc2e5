"""Schemathesis against a live portal with an enrolled kiosk's credentials: no request may get a 5xx.

The same run by hand is documented in docs/portal.md ("Fuzzing the API").
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from portal_server import portal  # noqa: F401  (the fixture)
from portal_server import on_both_backends as portal_db_url  # noqa: F401 - fixture: each test on SQLite and on PostgreSQL

MAX_EXAMPLES = 25  # per operation and phase: about 800 requests, 30–60 s on two cores
RUN_TIMEOUT = 300
FUZZER_INTERNAL = {"Runtime Error"}  # the generator's own crashes (no request involved); anything else fails the test


@pytest.mark.slow
@pytest.mark.timeout(RUN_TIMEOUT + 60)
def test_schemathesis_finds_no_server_error(portal, tmp_path: Path) -> None:  # noqa: F811
    kiosk_id, secret = portal.enrol("000.00.07.H26", 1)
    report = tmp_path / "schemathesis.json"
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", portal.url + "/openapi.json",
        "--header", f"Authorization: Bearer {kiosk_id}:{secret}",
        "--checks", "not_a_server_error",
        "--max-examples", str(MAX_EXAMPLES),
        "--generation-database", "none",
        "--request-timeout", "20",
        "--workers", "2",
        "--no-color",
        "--report", "json", "--report-json-path", str(report),
    ]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=RUN_TIMEOUT)
    tail = (result.stdout[-4000:] + "\n" + result.stderr[-2000:]).replace(secret, "[secret]")
    assert report.is_file(), f"schemathesis wrote no report (exit {result.returncode}):\n{tail}"
    summary = json.loads(report.read_text(encoding="utf-8"))

    assert summary["failures"] == [], f"5xx answers found:\n{tail}"
    assert summary["test_cases"]["with_failures"] == 0, tail
    other_errors = [e for e in summary["errors"] if e.get("title") not in FUZZER_INTERNAL]
    assert other_errors == [], f"errors while fuzzing (network errors mean the portal broke a connection):\n{tail}"
    assert summary["operations"]["tested"] == summary["operations"]["total"] >= 8
    assert summary["test_cases"]["generated"] >= 200, tail

    assert portal.alive(), "the portal died under fuzzing:\n" + portal.log()[-4000:]
    log = portal.log()
    assert "internal error" not in log and "Traceback" not in log, log[-4000:]
    assert secret not in log
