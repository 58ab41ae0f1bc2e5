"""Sync goodput over loopback to the real reference portal, against a bare keep-alive PUT loop."""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

from bench.common import SITE, figure, new_site, queue_dossiers


# --- 4. loopback sync goodput ---------------------------------------------------------------------------


def bench_sync(scratch: Path, runs: int, dossiers: int = 10, size: int = 1024 * 1024) -> dict[str, Any]:
    import hashlib

    import requests

    from portal_server import start_portal
    from sync import wire
    from sync.credentials import Credentials, save_credentials
    from sync.engine import SyncEngine

    product, baseline = [], []
    with start_portal(scratch / "portal") as portal:
        for run in range(runs):
            ctx, officer = new_site(scratch / f"sync-{run}", kiosk_number=run + 1)  # each run its own kiosk: codes differ
            kiosk_id, secret = portal.enrol(SITE["unit_id"], run + 1)
            save_credentials(ctx.data, Credentials(portal.url, kiosk_id, secret, "2026-12-01T00:00:00+00:00"))
            ctx.settings = ctx.settings.with_changes(portal_url=portal.url)
            queue_dossiers(ctx, officer, scratch / "scans", dossiers, size, seed=run)
            started = time.perf_counter()
            report = SyncEngine(ctx).run_once(force=True)
            elapsed = time.perf_counter() - started
            assert report.delivered == dossiers, report
            product.append(dossiers * size / elapsed)
            ctx.close()

            session = requests.Session()  # the bare loop: the same bytes, the same chunk size, keep-alive
            headers = portal.auth_header(kiosk_id, secret)
            blobs = [random.Random(10_000 + run * 100 + i).randbytes(size) for i in range(dossiers)]
            started = time.perf_counter()
            for blob in blobs:
                sha = hashlib.sha256(blob).hexdigest()
                for offset in range(0, size, wire.CHUNK_SIZE):
                    answer = session.put(
                        f"{portal.api}/attachments/{sha}", params={"offset": offset, "size": size}, data=blob[offset : offset + wire.CHUNK_SIZE],
                        headers={**headers, "Content-Type": "application/octet-stream"}, timeout=30,
                    )
                    answer.raise_for_status()
            elapsed = time.perf_counter() - started
            baseline.append(dossiers * size / elapsed)
            session.close()
    return figure(f"sync goodput over loopback ({dossiers} dossiers × {size // 1024} KiB)", product, baseline, unit="B/s", goal="≥ 0.8x", higher_is_better=True)
