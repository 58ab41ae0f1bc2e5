"""`python -m bench.attachment_cpu [MIB]`: the portal's CPU per MiB of attachment, for the national arithmetic.

The ingest figure (bench/ingest.py) replays dossiers without attachments. A real dossier carries scans (≈ 1 MB
each), sent as 256 KiB chunks (`sync.wire.CHUNK_SIZE`), each appended, fsynced and at the end hashed by the portal.
This uploads MIB files of 1 MiB, chunk by chunk on one keep-alive session, to a real `kiosk-portal serve` (SQLite,
one worker) and reads the portal process's user + system CPU from /proc before and after. CPU time, not wall time:
it is what sizes the workers, and it is less disturbed by a shared machine than a rate is.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import tempfile
from pathlib import Path

from bench.common import REPO  # noqa: F401 - puts tests/support on the path (the real portal process helper)
from bench.ingest import process_cpu_s

UNIT = "000.00.07.H26"


def portal_cpu_per_mib(mib: int = 60) -> dict[str, float]:
    """Portal CPU seconds per MiB and per chunk for `mib` distinct 1 MiB files uploaded whole."""
    import requests
    from portal_server import start_portal

    from sync import wire

    rng = random.Random(5)
    files = [rng.randbytes(1 << 20) for _ in range(mib)]
    with tempfile.TemporaryDirectory(prefix="bench-attach-") as scratch, start_portal(Path(scratch)) as portal:
        headers = portal.auth_header(*portal.enrol(UNIT, 1))
        session = requests.Session()
        session.get(f"{portal.api}/health", timeout=30)  # the connection and the first request's imports, not counted
        before, chunks = process_cpu_s(portal.process.pid), 0
        for data in files:
            sha = hashlib.sha256(data).hexdigest()
            for offset in range(0, len(data), wire.CHUNK_SIZE):
                answer = session.put(f"{portal.api}/attachments/{sha}", params={"offset": offset, "size": len(data)},
                                     data=data[offset:offset + wire.CHUNK_SIZE], headers=headers, timeout=60)
                if answer.status_code not in (200, 201):
                    raise RuntimeError(f"chunk refused: {answer.status_code} {answer.text[:200]}")
                chunks += 1
        spent = process_cpu_s(portal.process.pid) - before
    return {"mib": mib, "chunks": chunks, "cpu_s": spent, "ms_per_mib": spent / mib * 1000, "ms_per_chunk": spent / chunks * 1000}


if __name__ == "__main__":
    print(json.dumps(portal_cpu_per_mib(int(sys.argv[1]) if len(sys.argv) > 1 else 60)))
