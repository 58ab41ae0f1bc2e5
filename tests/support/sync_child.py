"""Child process for test_sync_sigkill: sync passes forever through the fault proxy, until SIGKILL."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from kiosk.storage.context import open_kiosk
from sync.client import PortalClient
from sync.credentials import load_credentials
from sync.engine import SyncEngine


def main(root: str, portal_url: str) -> None:
    ctx = open_kiosk(Path(root))
    engine = SyncEngine(ctx, lambda c: PortalClient(portal_url, load_credentials(c.data), timeout=(2.0, 10.0)))
    print("READY", flush=True)
    while True:
        report = engine.run_once(force=True)
        print(f"PASS delivered={report.delivered} remaining={report.remaining}", flush=True)
        if report.remaining == 0:
            time.sleep(0.05)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
