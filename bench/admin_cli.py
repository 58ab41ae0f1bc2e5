"""`kiosk-admin --help` and `kiosk-admin dossiers` from spawn to exit, each against a bare `python -c`.

The baseline is what issue 17 defines: a fresh interpreter (the same one) that imports sqlcipher3 and argparse,
parses its arguments, reads the folder's data key, opens the same database with it (the kiosk's connection
pragmas) and runs one query — the dossier list's 200 newest rows — and prints them. Whatever the product does
beyond that (SQLAlchemy, the schema check, its own modules) is its start-up cost. Both are spawned the same way,
interleaved, the first run of each discarded (warm page cache: process start-up, not disk reads after a boot).

Also here, for the memory figure's notes: each suspect import's share of resident memory and of import time,
measured in a fresh child that has imported PySide6's widgets first (as the kiosk has by its login screen).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import REPO, figure, summary

ADMIN = Path(sys.executable).with_name("kiosk-admin")
TIMEOUT_S = 180

BARE = """
import argparse, sys
import sqlcipher3.dbapi2 as sqlcipher
parser = argparse.ArgumentParser(prog="bare")
parser.add_argument("--data-dir", required=True)
sub = parser.add_subparsers(dest="command", required=True)
sub.add_parser("dossiers").add_argument("--limit", type=int, default=200)
args = parser.parse_args()
key = open(args.data_dir + "/keys/data.key", "rb").read()
db = sqlcipher.connect(args.data_dir + "/kiosk.db", timeout=5)
db.execute("PRAGMA key = \\"x'%s'\\"" % key.hex())
for pragma in ("busy_timeout=5000", "journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "secure_delete=ON"):
    db.execute("PRAGMA " + pragma)
rows = db.execute(  # the product's list query written by hand, as bench/local.py's search baseline
    "SELECT d.uuid, d.code, d.procedure_code, p.name, d.submitter_name, d.received_at, d.appointment_date, d.lifecycle, "
    "(SELECT o.state FROM outbox_entry o WHERE o.dossier_id = d.id ORDER BY o.revision DESC LIMIT 1), d.portal_status "
    "FROM dossier d JOIN procedure p ON p.id = d.procedure_id WHERE d.lifecycle != 'draft' "
    "ORDER BY d.received_at DESC, d.id DESC LIMIT ?", (args.limit,)
).fetchall()
print("\\n".join(" ".join(map(str, row)) for row in rows))
"""

# Each suspect of issue 17 item 7, imported (or loaded) alone after PySide6's widgets, in a fresh child.
SUSPECTS = {
    "SQLAlchemy ORM": "import sqlalchemy.orm",
    "jsonschema": "import jsonschema",
    "holidays (Vietnam's calendar)": "from kiosk.dossier.appointment import WorkCalendar; import datetime; WorkCalendar().is_working_day(datetime.date(2026, 9, 2))",
    "the 2025 unit list (one commune looked up)": "from forms import geo; geo.commune('00004')",
    "the 2025 unit list (sorted for the pickers)": "from forms import geo; geo.communes('01')",
    "the procedure catalogue (loaded and checked)": "from forms.catalogue import load_catalogue; load_catalogue()",
    "requests": "import requests",
    "qrcode": "import qrcode",
}

SHARE = """
import gc, json, sys, time
def rss():
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))
import PySide6.QtWidgets
gc.collect()
before, started = rss(), time.perf_counter()
exec(sys.argv[1])
seconds = time.perf_counter() - started
gc.collect()
print(json.dumps({"bytes": rss() - before, "seconds": seconds}))
"""


def _env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}


def time_to_exit(command: list[str]) -> float:
    """Seconds from spawning `command` until it has exited; it must exit 0."""
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env(), cwd=REPO, timeout=TIMEOUT_S, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{command} exited {done.returncode}: {done.stderr.decode(errors='replace')[-2000:]}")
    return elapsed


def bench_admin(root: Path, runs: int, dossiers: int) -> list[dict[str, Any]]:
    """`kiosk-admin --help` and `kiosk-admin dossiers` over `root` (a set-up folder holding `dossiers`)."""
    admin = [str(ADMIN)] if ADMIN.exists() else [sys.executable, "-m", "ui.admin.cli"]
    bare = [sys.executable, "-c", BARE, "--data-dir", str(root), "dossiers"]
    imports_only = [sys.executable, "-c", "import argparse, sqlcipher3.dbapi2"]
    figures = []
    for name, args in (("--help", ["--help"]), ("dossiers", ["--data-dir", str(root), "dossiers"])):
        product, baseline, interpreter = [], [], []
        for run in range(runs + 1):  # interleaved, so a noisy moment lands on both; the first run warms the cache
            p, b, i = time_to_exit(admin + args), time_to_exit(bare), time_to_exit(imports_only)
            if run:
                product.append(p)
                baseline.append(b)
                interpreter.append(i)
        label = f"`kiosk-admin {name}`" + (f" with {dossiers:,} dossiers (200 newest listed)" if name == "dossiers" else "")
        fig = figure(f"{label}, spawn to exit", product, baseline, goal="≤ 3x")
        fig["interpreter_and_imports"] = summary(interpreter)
        fig["details"] = [
            "baseline: a bare `python -c` importing sqlcipher3 and argparse, opening the same database with its key and listing the "
            f"200 newest dossiers as the product's list does (bench/admin_cli.py); against the interpreter and those two imports alone "
            f"({fig['interpreter_and_imports']['median'] * 1000:.0f} ms): {fig['product']['median'] / fig['interpreter_and_imports']['median']:.1f}x."
        ]
        figures.append(fig)
    return figures


def import_shares() -> list[dict[str, Any]]:
    """Resident memory and time each suspect adds on its own, after PySide6's widgets (one fresh child each)."""
    out = []
    for name, code in SUSPECTS.items():
        done = subprocess.run([sys.executable, "-c", SHARE, code], capture_output=True, text=True, env=_env(), cwd=REPO, timeout=TIMEOUT_S, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"share of {name}: {done.stderr[-2000:]}")
        out.append({"name": name, **json.loads(done.stdout.strip().splitlines()[-1])})
    return out


def share_details(shares: list[dict[str, Any]]) -> list[str]:
    """One line for the memory figure's notes (each share includes what it imports that PySide6 had not)."""
    parts = [f"{s['name']} {s['bytes'] / 1e6:+.1f} MB ({s['seconds'] * 1000:.0f} ms)" for s in shares]
    return ["each suspect alone, after PySide6's widgets (shares overlap: SQLAlchemy and requests both bring ssl and asyncio): " + "; ".join(parts) + "."]
