"""`python -m bench`: the kiosk's speed as ratios against bare baselines measured in the same run.

Prints one JSON report and writes docs/benchmarks.md. Every figure is the median of at least 5 runs
(fewer only where one run takes minutes; the figure says so), with min and max, next to its baseline,
which uses the same connection settings, key, chunk size and keep-alive session as the product, so a
ratio is never improved by slowing the baseline. Figures: submit; search at 10k and 100k dossiers
(--large adds 1M); cold start to the login; resident memory at the dossier list with 100k dossiers;
`kiosk-admin --help` and `dossiers`; receipt rendering; loopback sync goodput; the emulated rural link (a user-space link emulator between two
TUN devices, checked by its own self-check first; tc netem as well where the kernel has it: bench/rural.py,
bench/rural_tun.py); portal ingest when 200 kiosks reconnect at once.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.admin_cli import bench_admin, import_shares, share_details
from bench.common import REPO
from bench.local import bench_receipt, bench_search, bench_submit, build_site
from bench.loopback import bench_sync
from bench.ingest import bench_ingest
from bench.rural import bench_rural
from bench.startup import bench_cold_start, bench_memory


GROUPS = ("submit", "search", "startup", "memory", "admin", "receipt", "sync", "rural", "ingest")


# --- report -----------------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    import sqlalchemy

    info = {"python": sys.version.split()[0], "platform": platform.platform(), "cpus": os.cpu_count(), "sqlalchemy": sqlalchemy.__version__}
    try:
        from importlib import metadata

        info["pyside6"] = metadata.version("PySide6-Essentials")
        info["sqlcipher3"] = metadata.version("sqlcipher3")
    except Exception:  # noqa: BLE001
        pass
    return info


def _row_name(line: str) -> str:
    """The figure a table row (`| name | …`) or a note (`- name: …`) of docs/benchmarks.md is about."""
    return line[2:].split(" | ", 1)[0] if line.startswith("| ") else line[2:].split(": ", 1)[0]


def _earlier(path: Path) -> tuple[list[str], list[str], list[str]]:
    """The run lines, table rows and notes of an earlier docs/benchmarks.md (empty when there is none)."""
    if not path.exists():
        return [], [], []
    text = path.read_text(encoding="utf-8").split("\n## ", 1)[0]  # METHOD.md and HISTORY.md follow; they are re-read
    lines = text.splitlines()
    runs = [line for line in lines if line.startswith(("Run ", "Re-measured "))]
    rows = [line for line in lines if line.startswith("| ") and not line.startswith(("| figure |", "|---"))]
    return runs, rows, [line for line in lines if line.startswith("- ")]


def write_markdown(report: dict[str, Any], path: Path, keep_others: bool = False) -> None:
    """Write the report; with `keep_others` (a `--only` run) the figures not run keep their rows from `path`."""
    run_line = (
        f"Run {report['started_at']} on {report['machine']['platform']}, {report['machine']['cpus']} CPUs, Python {report['machine']['python']}, "
        f"PySide6 {report['machine'].get('pyside6')}, sqlcipher3 {report['machine'].get('sqlcipher3')}; total {report['seconds']:.0f} s."
    )
    earlier_runs, earlier_rows, earlier_notes = _earlier(path) if keep_others else ([], [], [])
    if earlier_runs:
        names = ", ".join(f["name"] for f in report["figures"])
        run_lines = [*earlier_runs, "", f"Re-measured {report['started_at']} (`python -m bench --only`, same machine, {report['seconds']:.0f} s): {names}."]
    else:
        run_lines = [run_line]
    lines = [
        "# Benchmarks",
        "",
        "Made by `python -m bench` (README's Benchmark command), which overwrites this file. Machines here are shared and",
        "noisy, so each figure is a ratio against a bare baseline measured in the same run. Medians are of the runs",
        "shown, with min–max.",
        "",
        *run_lines,
        "",
        "| figure | product median (min–max) | baseline median (min–max) | ratio | goal |",
        "|---|---|---|---|---|",
    ]

    def fmt(stats: dict[str, float], unit: str) -> str:
        runs = f", {stats['runs']} runs"
        if unit == "B" and stats["median"] < 1e6:
            return f"{stats['median'] / 1000:.1f} kB ({stats['min'] / 1000:.1f}–{stats['max'] / 1000:.1f}){runs}"
        if unit == "B":
            return f"{stats['median'] / 1e6:.1f} MB ({stats['min'] / 1e6:.1f}–{stats['max'] / 1e6:.1f}){runs}"
        if unit == "B/s":
            if stats["median"] < 2**20:
                return f"{stats['median'] / 1000:.1f} kB/s ({stats['min'] / 1000:.1f}–{stats['max'] / 1000:.1f}){runs}"
            return f"{stats['median'] / 2**20:.1f} MiB/s ({stats['min'] / 2**20:.1f}–{stats['max'] / 2**20:.1f}){runs}"
        if unit != "s":
            return f"{stats['median']:.1f} {unit} ({stats['min']:.1f}–{stats['max']:.1f}){runs}"
        p95 = f", p95 {stats['p95'] * 1000:.2f} ms" if "p95" in stats else ""
        return f"{stats['median'] * 1000:.2f} ms ({stats['min'] * 1000:.2f}–{stats['max'] * 1000:.2f}){p95}{runs}"

    notes: list[str] = []
    rows: list[str] = []
    for fig in report["figures"]:
        if "product" not in fig:  # not run here (e.g. no netem in this kernel), or the product failed outright
            rows.append(f"| {fig['name']} | **{fig.get('status', 'not run')}**: {fig.get('reason', '')} | — | — | {fig.get('goal', '')} |")
            continue
        if fig.get("status", "measured") != "measured":
            notes.append(f"- {fig['name']}: **{fig['status']}** — {fig.get('reason', '')}")
        rows.append(f"| {fig['name']} | {fmt(fig['product'], fig['unit'])} | {fmt(fig['baseline'], fig['unit'])} | {fig['ratio']:.2f}x | {fig['goal']} |")
        notes += [f"- {fig['name']}: {line}" for line in fig.get("details", [])]
    search = [f for f in report["figures"] if "size" in f]
    if len(search) >= 2:
        growth = search[-1]["product"]["median"] / search[0]["product"]["median"]
        notes.append(f"- search growth from {search[0]['size']:,} to {search[-1]['size']:,} dossiers: {growth:.2f}x (median per query).")
    if earlier_rows:  # each earlier row keeps its place; a figure measured now replaces its row
        fresh = {_row_name(row): row for row in rows}
        kept = [fresh.pop(_row_name(row), None) or row for row in earlier_rows]
        rows = kept + list(fresh.values())
        measured_now = {f["name"] for f in report["figures"]}
        kept_notes = [n for n in earlier_notes if _row_name(n) not in measured_now]
        notes = [n for n in kept_notes if not (search and n.startswith("- search growth"))] + notes
    lines += rows
    if notes:
        lines += ["", *notes]
    for name in ("METHOD.md", "NATIONAL.md", "HISTORY.md"):  # how each figure is made; the national sizing; what changed
        lines += ["", Path(__file__).with_name(name).read_text(encoding="utf-8").rstrip()]
    lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (at least 5)")
    parser.add_argument("--large", action="store_true", help="also search at 1,000,000 dossiers")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    parser.add_argument("--only", action="append", choices=GROUPS, metavar="GROUP",
                        help=f"run only these figures ({', '.join(GROUPS)}; repeatable): their rows in --out are replaced, the others kept")
    args = parser.parse_args(argv)
    runs = min(9, max(5, args.runs))  # the sync figure uses one kiosk number (1–9) per run
    only = set(args.only or GROUPS)
    started = time.perf_counter()
    report: dict[str, Any] = {"started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": machine(), "figures": []}
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as scratch_name:
        scratch = Path(scratch_name)
        if "submit" in only:
            report["figures"].append(bench_submit(scratch, runs))
        at_10k, at_100k = scratch / "site-10k", scratch / "site-100k"
        if "search" in only:
            sizes = [10_000, 100_000] + ([1_000_000] if args.large else [])
            report["figures"] += bench_search(scratch, sizes, runs, snapshots={10_000: at_10k, 100_000: at_100k})
        else:  # the same folders the search figures leave behind
            if only & {"startup", "memory"}:
                build_site(at_100k, 100_000)
            if "admin" in only:
                build_site(at_10k, 10_000)
        if "startup" in only:
            report["figures"].append(bench_cold_start(at_100k, runs))
        if "memory" in only:
            report["figures"].append(bench_memory(at_100k, runs, 100_000))
            report["figures"][-1]["import_shares"] = shares = import_shares()
            report["figures"][-1]["details"] += share_details(shares)
        if "admin" in only:
            report["figures"] += bench_admin(at_10k, runs, 10_000)
        if "receipt" in only:
            report["figures"].append(bench_receipt(scratch, runs))
        if "sync" in only:
            report["figures"].append(bench_sync(scratch, runs))
        if "rural" in only:
            report["figures"] += bench_rural(scratch, runs)
        if "ingest" in only:
            report["figures"] += bench_ingest(scratch / "ingest", runs)
    report["seconds"] = time.perf_counter() - started
    print(json.dumps(report, ensure_ascii=False, indent=2))
    write_markdown(report, args.out, keep_others=args.only is not None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
