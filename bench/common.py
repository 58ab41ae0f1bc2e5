"""What every benchmark module shares: the site it sets up, timing, and the shape of one figure."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[1]
if str(REPO / "tests") not in sys.path:
    sys.path.insert(0, str(REPO / "tests" / "support"))  # the real portal process helper (tests/support/portal_server.py)

SITE = {"unit_id": "000.00.07.H26", "unit_name": "UBND xã Bát Tràng", "commune_code": "00583", "kiosk_number": 1, "portal_url": ""}


def summary(samples: list[float]) -> dict[str, float]:
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples), "runs": len(samples)}


def timed(fn: Callable[[], Any], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def figure(name: str, product: list[float], baseline: list[float], unit: str = "s", goal: str = "", higher_is_better: bool = False) -> dict[str, Any]:
    p, b = summary(product), summary(baseline)
    ratio = (p["median"] / b["median"]) if b["median"] else float("inf")
    return {"name": name, "unit": unit, "product": p, "baseline": b, "ratio": round(ratio, 3), "goal": goal, "higher_is_better": higher_is_better}


def new_site(root: Path, kiosk_number: int = 1):
    from kiosk.storage.context import open_kiosk
    from kiosk.security.officers import OfficerRef, add_officer
    from kiosk.storage.site import init_site

    init_site(root, dict(SITE, kiosk_number=kiosk_number))
    ctx = open_kiosk(root)
    with ctx.transaction() as session:
        officer = OfficerRef.of(add_officer(session, "lan", "Trần Thị Lan", "officer", "246813"))
    return ctx, officer


def queue_dossiers(ctx, officer, folder: Path, count: int, size: int, seed: int) -> None:  # noqa: ANN001 - KioskContext, OfficerRef
    """Submit `count` valid dossiers, each with one `size`-byte scan of random bytes, so they wait to be synced."""
    import random
    from datetime import date

    from kiosk.dossier.submit import submit
    from forms.samples import sample_values

    procedure = ctx.catalogue.get("1.004873")
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        scan = folder / f"scan-{seed}-{i}.pdf"
        scan.write_bytes(rng.randbytes(size))
        submit(ctx, procedure=procedure, values=sample_values(procedure, seed=seed * 100 + i, today=date.today()), officer=officer, extra_files=[scan])
