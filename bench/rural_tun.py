"""The rural-link figures over the user-space link emulator (issue 15 items 3–4), for kernels without netem.

Link: tests/support/tun_link.py (two namespaces, two TUN devices, tests/support/link_emulator.py between them),
checked by its self-check before anything is measured over it; a failed self-check is reported as such and no
figure is made over that link. The real portal runs in the portal namespace, the real kiosk sync engine in the
kiosk namespace (bench/rural_child.py).

Figures, at 256 kbit/s, 300 ms round trip, 1% loss kiosk→portal, a 1 s queue:
- **goodput**: 5 dossiers with one 200 kB scan each, one `run_once(force=True)`, acknowledged bytes over the
  pass's wall time, against the set bandwidth; median of 3 runs (each a new kiosk);
- **bytes re-sent per 15 s cut** and **first delivery after the link comes back**: a kiosk with 8 such dossiers
  syncing on the window's own schedule (sync/schedule.py); the link is cut for 15 s at a random moment of the
  upload (1–5 s after the upload began or the last cut's first delivery), several times per kiosk; each cut's
  first delivery is the time from the link's return to the portal's acknowledgement of the next revision;
- **EDGE** (100 kbit/s, 600 ms, 2% loss): goodput once.
"""

from __future__ import annotations

import random
import statistics
import time
from pathlib import Path
from typing import Any

from bench.common import figure
from bench.rural import (
    READY_TIMEOUT, RESULT_TIMEOUT, Child, _compact, _failed_bytes, _logged, goodput_run, kiosk_child, portal_in_namespace,
)
from sync.wire import CHUNK_SIZE
from tun_link import LinkSpec, TunLink, missing_prerequisite

RURAL = LinkSpec(rate_bps=256_000, delay_ms=150, loss_up=0.01, queue_s=1.0, seed=15)
EDGE = LinkSpec(rate_bps=100_000, delay_ms=300, loss_up=0.02, queue_s=1.0, seed=16)
DOSSIERS, SCAN_BYTES = 5, 200_000
CUT_DOSSIERS = 8  # enough upload left for a few cuts per kiosk
CUTS_WANTED = 10
CUTS_PER_KIOSK = 4
CUT_SECONDS = 15.0
DELIVERY_TIMEOUT = 150.0
CUT_DEADLINE = 600.0  # the child keeps to the window's schedule this long

GOAL_GOODPUT = "≥ 0.85x of bandwidth"
GOAL_RESENT = f"≤ 1 chunk ({CHUNK_SIZE:,} B) re-sent per cut"
GOAL_FIRST = "p50 ≤ 10 s, p95 ≤ 15 s after a 15 s cut"


def _name(spec: LinkSpec, what: str) -> str:
    return f"{what} over an emulated link ({spec.describe()}; TUN emulator)"


def _not_run(reason: str, status: str = "not run") -> list[dict[str, Any]]:
    return [
        {"name": _name(RURAL, "sync goodput"), "status": status, "reason": reason, "goal": GOAL_GOODPUT},
        {"name": _name(RURAL, "bytes re-sent per 15 s cut"), "status": status, "reason": reason, "goal": GOAL_RESENT},
        {"name": _name(RURAL, "first delivery after a 15 s cut"), "status": status, "reason": reason, "goal": GOAL_FIRST},
    ]


def _check_summary(check: dict[str, Any]) -> str:
    rtt, bulk, loss = check["rtt"], check["bulk_tcp"], check["loss"]
    parts = [
        f"ping {rtt.get('median_ms')} ms (set {rtt.get('set_ms')} ms, {'ok' if rtt['ok'] else 'FAIL'})",
        f"bare TCP {bulk.get('ratio')}x of the set rate ({'ok' if bulk['ok'] else 'FAIL'})",
        f"loss {loss.get('lost')}/{loss.get('sent')} (99% interval {loss.get('interval_99')}, {'ok' if loss['ok'] else 'FAIL'})",
        f"cut {'ok' if check['cut']['ok'] else 'FAIL'}",
    ]
    return "self-check: " + "; ".join(parts) + f"; emulator {check['emulator_scheduling']}, TCP {check['tcp_congestion_control']}"


def goodput_figure(spec: LinkSpec, runs: list[dict[str, Any]], check: dict[str, Any]) -> dict[str, Any]:
    product = [r["goodput"] for r in runs]
    result = figure(_name(spec, "sync goodput"), product, [spec.bytes_per_s] * len(product), unit="B/s", goal=GOAL_GOODPUT, higher_is_better=True)
    failed = [r for r in runs if r["delivered"] < r["dossiers"]]
    result["status"] = "measured" if not failed else f"product failed: {len(failed)} of {len(runs)} runs did not deliver every dossier in one pass"
    if failed:
        result["reason"] = failed[0]["first_error"] or failed[0]["message"]
    result["sent"] = f"{DOSSIERS} dossiers × {SCAN_BYTES // 1000} kB scan each, one run_once(force=True) per run"
    bare = check["bulk_tcp"].get("measured_bytes_per_s")
    result["details"] = [_check_summary(check), f"against the bare TCP transfer of the self-check ({bare:,} B/s): {statistics.median(product) / bare:.2f}x"]
    result["self_check"] = check
    result["per_run"] = [_compact(r) for r in runs]
    return result


def _drain(child: Child, seconds: float, seen: dict[str, Any]) -> dict[str, Any] | None:
    """Read the child's events for `seconds`; counts deliveries; returns the result event if the child finished."""
    deadline = time.monotonic() + seconds
    while True:
        event = child.next_event(deadline - time.monotonic())
        if event is None:
            return None
        if event.get("event") == "delivered":
            seen["delivered"].append(event["mono"])
        elif event.get("event") == "result":
            return event


def cut_session(link: TunLink, portal: Any, root: Path, kiosk_number: int, cuts_wanted: int, rng: random.Random) -> dict[str, Any]:
    """One kiosk with CUT_DOSSIERS dossiers; up to `cuts_wanted` 15 s cuts during its upload."""
    seen: dict[str, Any] = {"delivered": []}
    cuts: list[dict[str, Any]] = []
    result = None
    with kiosk_child(link, portal, root, kiosk_number, dossiers=CUT_DOSSIERS, size=SCAN_BYTES, seed=200 + kiosk_number, mode="cut", deadline=CUT_DEADLINE) as child:
        child.wait_for("ready", READY_TIMEOUT)
        before = link.counters()
        child.go()
        started = time.monotonic()
        while len(cuts) < cuts_wanted and len(seen["delivered"]) < CUT_DOSSIERS - 1:
            result = _drain(child, rng.uniform(1.0, 5.0), seen)
            if result is not None:
                break
            cut_at = time.monotonic()
            link.cut()
            try:
                result = _drain(child, CUT_SECONDS, seen)
            finally:
                link.restore()
            back_at = time.monotonic()
            if result is not None:
                break
            before_count = len(seen["delivered"])
            waited = 0.0
            while len(seen["delivered"]) == before_count and waited < DELIVERY_TIMEOUT and result is None:
                result = _drain(child, 1.0, seen)
                waited = time.monotonic() - back_at
            first = next((m for m in seen["delivered"][before_count:] if m >= back_at), None)
            cuts.append({"cut_at_s": round(cut_at - started, 2), "restored_at_s": round(back_at - started, 2),
                         "first_delivery_s": round(first - back_at, 2) if first is not None else None})
            if result is not None:
                break
        if result is None:
            result = child.wait_for("result", RESULT_TIMEOUT)
        wire = {k: v - before.get(k, 0) for k, v in link.counters().items()}
    counters = result["counters"]
    for cut in cuts:
        cut["failed_chunk_bytes"] = _failed_bytes(counters["chunks"], cut["cut_at_s"], cut["restored_at_s"], inside=True)
    return {"kiosk_number": kiosk_number, "cuts": cuts, "dossiers": result["dossiers"], "delivered": result["delivered"],
            "resent_bytes": counters["resent_chunk_bytes"], "unique_chunk_bytes": counters["unique_chunk_bytes"],
            "chunk_failures": counters["chunk_failures"], "passes": result["passes"], "probes": result.get("probes", []),
            "seconds": result["seconds"], "chunks": counters["chunks"], "wire": wire}


def cut_figures(sessions: list[dict[str, Any]], check: dict[str, Any], goodput: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Re-sent bytes are counted on the wire: what the kiosk put on its link beyond what the same dossiers cost
    without a cut (the goodput runs' bytes per dossier), per cut. The client cannot count them itself: a chunk
    attempt that failed may have left only part of its bytes, and the portal keeps the part that arrived."""
    cuts = [c for s in sessions for c in s["cuts"]]
    undelivered = [s for s in sessions if s["delivered"] < s["dossiers"]]
    status = "measured" if not undelivered else f"product failed: {len(undelivered)} of {len(sessions)} kiosks did not deliver everything"
    per_dossier = statistics.median(r["wire"]["kiosk_tx_bytes"] / r["dossiers"] for r in goodput)
    per_cut_resent = [max(0.0, s["wire"]["kiosk_tx_bytes"] - per_dossier * s["dossiers"]) / len(s["cuts"]) for s in sessions if s["cuts"]]
    resent = figure(_name(RURAL, "bytes re-sent per 15 s cut"), per_cut_resent, [float(CHUNK_SIZE)] * len(per_cut_resent), unit="B", goal=GOAL_RESENT)
    resent.update(status=status, baseline_is="one chunk (sync/wire.py CHUNK_SIZE)",
                  runs_note=f"{len(cuts)} cuts on {len(sessions)} kiosks; per kiosk, its extra bytes on the wire ÷ its cuts")
    client_view = [s["resent_bytes"] / len(s["cuts"]) for s in sessions if s["cuts"]]
    resent["details"] = [
        f"extra bytes on the kiosk's link per cut (TCP/IP headers, TCP retransmissions into the cut, probes and repeated requests included), "
        f"against {per_dossier:,.0f} B per dossier without a cut",
        f"chunk bytes handed to the client again per cut (counts bytes a failed attempt never sent): median {statistics.median(client_view):,.0f} B"
        if client_view else "no cut",
    ]
    times = [c["first_delivery_s"] for c in cuts if c["first_delivery_s"] is not None]
    one_dossier = SCAN_BYTES / check["bulk_tcp"]["measured_bytes_per_s"]
    if times:
        first = figure(_name(RURAL, "first delivery after a 15 s cut"), times, [one_dossier] * len(times), unit="s", goal=GOAL_FIRST)
        first["product"]["p95"] = _percentile(times, 0.95)
        p50, p95 = statistics.median(times), first["product"]["p95"]
        first["status"] = status if len(times) == len(cuts) else f"product failed: {len(cuts) - len(times)} cuts with no delivery within {DELIVERY_TIMEOUT:.0f} s"
        first["baseline_is"] = "the time one dossier's scan takes at the self-check's bare TCP rate"
        first["details"] = [f"p50 {p50:.1f} s, p95 {p95:.1f} s over {len(times)} cuts (goal {GOAL_FIRST}): "
                            f"{'met' if p50 <= 10 and p95 <= 15 else 'NOT met'}", _check_summary(check)]
    else:
        first = {"name": _name(RURAL, "first delivery after a 15 s cut"), "status": "failed", "reason": "no delivery after any cut", "goal": GOAL_FIRST}
    for fig in (resent, first):
        fig["per_run"] = [_compact({k: v for k, v in s.items() if k != "chunks"}) for s in sessions]
    return [resent, first]


def _percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _failed_check(spec: LinkSpec, check: dict[str, Any]) -> dict[str, Any]:
    return {"name": _name(spec, "link self-check"), "status": "failed: the emulated link is not what it claims; nothing was measured over it",
            "reason": _check_summary(check), "self_check": check}


def measure(scratch: Path, runs: int) -> list[dict[str, Any]]:
    figures: list[dict[str, Any]] = []
    with TunLink(RURAL) as link:
        check = link.self_check()
        if not check["ok"]:
            return [_failed_check(RURAL, check)]
        with portal_in_namespace(link.portal_ns, scratch / "tun-portal-goodput", host=link.portal_addr) as portal:
            goodput = [_logged(scratch, goodput_run(link, portal, scratch / f"tun-goodput-{i}", i + 1, dossiers=DOSSIERS, size=SCAN_BYTES))
                       for i in range(max(3, min(runs, 3)))]
        figures.append(goodput_figure(RURAL, goodput, check))
        rng = random.Random(15)
        sessions: list[dict[str, Any]] = []
        with portal_in_namespace(link.portal_ns, scratch / "tun-portal-cut", host=link.portal_addr) as portal:
            kiosk = 0
            while sum(len(s["cuts"]) for s in sessions) < CUTS_WANTED and kiosk < 2 * CUTS_WANTED // CUTS_PER_KIOSK + 2:
                kiosk += 1
                left = CUTS_WANTED - sum(len(s["cuts"]) for s in sessions)
                sessions.append(_logged(scratch, cut_session(link, portal, scratch / f"tun-cut-{kiosk}", kiosk, min(CUTS_PER_KIOSK, left), rng)))
        figures += cut_figures(sessions, check, goodput)
    with TunLink(EDGE) as link:
        check = link.self_check()
        if not check["ok"]:
            return figures + [_failed_check(EDGE, check)]
        with portal_in_namespace(link.portal_ns, scratch / "tun-portal-edge", host=link.portal_addr) as portal:
            edge = [_logged(scratch, goodput_run(link, portal, scratch / "tun-edge", 1, dossiers=DOSSIERS, size=SCAN_BYTES))]
        fig = goodput_figure(EDGE, edge, check)
        fig["runs_note"] = "one run (EDGE is reported once)"
        figures.append(fig)
    return figures


def bench_rural_tun(scratch: Path, runs: int) -> list[dict[str, Any]]:
    """The figures, or "not run"/"failed" with the reason."""
    reason = missing_prerequisite()
    if reason is not None:
        return _not_run(reason)
    try:
        return measure(scratch, runs)
    except (RuntimeError, TimeoutError, OSError, KeyError, ValueError) as exc:
        return _not_run(f"{type(exc).__name__}: {exc}", status="failed")


def main() -> int:
    """`python -m bench.rural_tun [--keep DIR]`: these figures alone, as JSON, then one line each."""
    import argparse
    import json
    import tempfile

    parser = argparse.ArgumentParser(prog="python -m bench.rural_tun", description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="keep the scratch files (logs, rural-runs.jsonl) in this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kiosk-rural-tun-") as name:
        scratch = args.keep or Path(name)
        scratch.mkdir(parents=True, exist_ok=True)
        figures = bench_rural_tun(scratch, 3)
    print(json.dumps(figures, ensure_ascii=False, indent=1, default=str))
    for fig in figures:
        print(fig["name"], "—", fig.get("status"), fig.get("ratio"), fig.get("product", {}).get("median"), fig.get("details") or fig.get("reason"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
