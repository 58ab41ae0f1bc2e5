"""`python -m bench`: the kiosk's speed as ratios against bare baselines measured in the same run.

Prints one JSON report and writes docs/benchmarks.md. Every figure is the median of at least 5 runs
(min and max given too) next to its baseline, which uses the same connection settings, key, chunk
size and keep-alive session as the product, so a ratio is never improved by slowing the baseline.
This is the first slice of issue 6: submit, search (10k and 100k dossiers; --large adds 1M), receipt
rendering and loopback sync goodput. Cold start, memory, the emulated rural link and portal ingest
under 200 reconnecting kiosks come next (docs/benchmarks.md says so).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the real portal process helper (tests/portal_server.py)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

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
    from kiosk.context import open_kiosk
    from kiosk.dossiers import OfficerRef
    from kiosk.officers import add_officer
    from kiosk.site import init_site

    init_site(root, dict(SITE, kiosk_number=kiosk_number))
    ctx = open_kiosk(root)
    with ctx.transaction() as session:
        officer = OfficerRef.of(add_officer(session, "lan", "Trần Thị Lan", "officer", "2468"))
    return ctx, officer


# --- 1. submit one dossier with 1 MB of attachments, durable ----------------------------------------


def bench_submit(scratch: Path, runs: int) -> dict[str, Any]:
    from kiosk.db import connect_encrypted
    from kiosk.dossiers import submit
    from kiosk.samples import sample_values

    ctx, officer = new_site(scratch / "submit")
    procedure = ctx.catalogue.get("1.004873")
    rng = random.Random(1)
    files = []
    for i in range(runs + 1):
        path = scratch / f"scan-{i}.pdf"
        path.write_bytes(rng.randbytes(1024 * 1024))
        files.append(path)
    values = [sample_values(procedure, seed=i, today=date.today()) for i in range(runs + 1)]
    submit(ctx, procedure=procedure, values=values[0], officer=officer, extra_files=[files[0]])  # warm-up
    product = []
    for i in range(1, runs + 1):
        started = time.perf_counter()
        submit(ctx, procedure=procedure, values=values[i], officer=officer, extra_files=[files[i]])
        product.append(time.perf_counter() - started)
    key = ctx.data_key
    ctx.close()

    bare = connect_encrypted(scratch / "bare.db", key)  # the same SQLCipher key and durability settings
    bare.isolation_level = None
    bare.execute("PRAGMA journal_mode=WAL")
    bare.execute("PRAGMA synchronous=FULL")
    bare.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT, blob BLOB)")
    body = json.dumps(values[0], ensure_ascii=False)
    baseline = []
    for i in range(runs + 1):
        blob = files[i].read_bytes()
        started = time.perf_counter()
        bare.execute("BEGIN IMMEDIATE")
        bare.execute("INSERT INTO t (body, blob) VALUES (?, ?)", (body, blob))
        bare.execute("COMMIT")
        if i:
            baseline.append(time.perf_counter() - started)
    bare.close()
    return figure("submit one dossier with 1 MB attachment (durable)", product, baseline, goal="≤ 1.5x")


# --- 2. diacritic-free search at each size ------------------------------------------------------------


def fill(ctx, officer, first: int, count: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """Bulk-insert `count` submitted dossiers with Vietnamese names and valid-format ID numbers."""
    from sqlalchemy import insert

    from kiosk.dossiers import search_key
    from kiosk.models import Dossier, OutboxEntry
    from kiosk.models import Procedure as ProcedureRow
    from kiosk.samples import id_number, person_name

    with ctx.read() as session:
        procedure_id = session.query(ProcedureRow.id).filter(ProcedureRow.code == "1.004873").first()[0]
    picks = []
    start = datetime(2026, 1, 5, 1, 0, tzinfo=timezone.utc)
    batch = 5000
    for offset in range(first, first + count, batch):
        rows = []
        for i in range(offset, min(first + count, offset + batch)):
            sex = rng.choice(["nam", "nu"])
            birth = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 25000))
            name, number = person_name(rng, sex), id_number(rng, birth, sex)
            day = start + timedelta(days=i // 400, minutes=(i % 400))  # 400 dossiers a day, as a busy commune's kiosk
            code = f"000.00.07.H26-{day:%y%m%d}-1{i % 400 + 1:03d}"
            values = {"submitter_name": name, "submitter_id_number": number}
            rows.append({
                "uuid": f"00000000-0000-4000-8000-{i:012d}", "code": code, "procedure_id": procedure_id, "procedure_code": "1.004873",
                "procedure_version": "2026.1", "values": values, "lifecycle": "submitted", "officer_id": officer.id,
                "received_at": day, "appointment_date": day.date(), "submitter_name": name, "submitter_id_number": number,
                "search_key": search_key(code, values), "created_at": day, "updated_at": day,
            })
            if rng.random() < 0.002:
                picks.append((code, name, number))
        with ctx.transaction() as session:
            ids = session.execute(insert(Dossier).returning(Dossier.id), rows).scalars().all()
            session.execute(insert(OutboxEntry), [{"dossier_id": d, "revision": 1, "state": "delivered", "attempts": 1, "created_at": start, "updated_at": start} for d in ids])
    return picks


def bench_search(scratch: Path, sizes: list[int], runs: int) -> list[dict[str, Any]]:
    from kiosk.db import connect_encrypted
    from kiosk.search import search_dossiers
    from kiosk.text import fold

    ctx, officer = new_site(scratch / "search")
    rng = random.Random(7)
    figures = []
    have = 0
    picks: list[tuple[str, str, str]] = []
    for size in sizes:
        picks += fill(ctx, officer, have, size - have, rng)
        have = size
        queries = []
        for code, name, number in picks[:10]:
            queries += [fold(name), number, code[-8:]]
        queries = queries[:30] or ["nguyen"]

        def product_once() -> None:
            with ctx.read() as session:
                for q in queries:
                    search_dossiers(session, q)

        bare = connect_encrypted(ctx.data.db_path, ctx.data_key)
        # The bare query on the same rows and the same trigram index (migration 0004): what SQLite itself costs.
        # The same answer as the product's (code, name, dates, procedure name, newest sync state), hand-written.
        sql = (
            "SELECT d.uuid, d.code, d.procedure_code, p.name, d.submitter_name, d.received_at, d.appointment_date, d.lifecycle, "
            "(SELECT o.state FROM outbox_entry o WHERE o.dossier_id = d.id ORDER BY o.revision DESC LIMIT 1), d.portal_status "
            "FROM dossier d JOIN procedure p ON p.id = d.procedure_id "
            "WHERE d.id IN (SELECT rowid FROM dossier_search WHERE search_key LIKE ?) "
            "AND d.lifecycle != 'draft' ORDER BY d.received_at DESC, d.id DESC LIMIT 200"
        )

        def baseline_once() -> None:
            for q in queries:
                bare.execute(sql, (f"%{fold(q)}%",)).fetchall()

        product_once(), baseline_once()  # warm the page cache for both
        per_query_p, per_query_b = [], []
        for _ in range(runs):
            for q in queries:
                started = time.perf_counter()
                with ctx.read() as session:
                    search_dossiers(session, q)
                per_query_p.append(time.perf_counter() - started)
                started = time.perf_counter()
                bare.execute(sql, (f"%{fold(q)}%",)).fetchall()
                per_query_b.append(time.perf_counter() - started)
        bare.close()
        fig = figure(f"search at {size:,} dossiers (per query)", per_query_p, per_query_b, goal="≤ 1.3x; < 3x growth 10k→1M")
        fig["product"]["p95"] = statistics.quantiles(per_query_p, n=20)[18]
        fig["baseline"]["p95"] = statistics.quantiles(per_query_b, n=20)[18]
        fig["size"] = size
        figures.append(fig)
    ctx.close()
    return figures


# --- 3. receipt rendering to PDF ------------------------------------------------------------------------


def bench_receipt(scratch: Path, runs: int) -> dict[str, Any]:
    import io

    import qrcode
    from PySide6.QtCore import QMarginsF, QRectF
    from PySide6.QtGui import QFont, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

    from kiosk.receipt import sample_receipt
    from ui.qt_app import ensure_gui_app
    from ui.receipt_render import render_pdf

    ensure_gui_app()
    data = sample_receipt()
    render_pdf(data, scratch / "warm.pdf")
    product = timed(lambda: render_pdf(data, scratch / "receipt.pdf"), runs)

    def bare() -> None:
        image = qrcode.make(data.tracking_url)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        qr = QImage.fromData(buffer.getvalue())
        writer = QPdfWriter(str(scratch / "bare.pdf"))
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(15, 15, 15, 15)))
        writer.setResolution(300)
        painter = QPainter(writer)
        painter.setFont(QFont("Noto Serif", 12))
        y = 100.0
        for line in (data.agency_name, data.dossier_code, data.submitter_name, data.procedure_name, data.result_collection, data.tracking_url):
            painter.drawText(QRectF(100, y, 2000, 80), line)
            y += 90
        painter.drawImage(QRectF(2000, 100, 400, 400), qr)
        painter.end()

    bare()
    baseline = timed(bare, runs)
    return figure("receipt rendered to PDF", product, baseline, goal="report only")


# --- 4. loopback sync goodput ---------------------------------------------------------------------------


def bench_sync(scratch: Path, runs: int, dossiers: int = 10, size: int = 1024 * 1024) -> dict[str, Any]:
    import hashlib

    import requests

    from kiosk.dossiers import submit
    from kiosk.samples import sample_values
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
            procedure = ctx.catalogue.get("1.004873")
            rng = random.Random(run)
            for i in range(dossiers):
                scan = scratch / f"s-{run}-{i}.pdf"
                scan.write_bytes(rng.randbytes(size))
                submit(ctx, procedure=procedure, values=sample_values(procedure, seed=run * 100 + i, today=date.today()), officer=officer, extra_files=[scan])
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


def write_markdown(report: dict[str, Any], path: Path) -> None:
    lines = [
        "# Benchmarks",
        "",
        "Made by `python -m bench` (README's Benchmark command), which overwrites this file. Machines here are shared and",
        "noisy, so each figure is a ratio against a bare baseline measured in the same run. Medians are of the runs",
        "shown, with min–max.",
        "",
        f"Run {report['started_at']} on {report['machine']['platform']}, {report['machine']['cpus']} CPUs, Python {report['machine']['python']}, "
        f"PySide6 {report['machine'].get('pyside6')}, sqlcipher3 {report['machine'].get('sqlcipher3')}; total {report['seconds']:.0f} s.",
        "",
        "| figure | product median (min–max) | baseline median (min–max) | ratio | goal |",
        "|---|---|---|---|---|",
    ]

    def fmt(stats: dict[str, float], unit: str) -> str:
        if unit == "B/s":
            return f"{stats['median'] / 2**20:.1f} MiB/s ({stats['min'] / 2**20:.1f}–{stats['max'] / 2**20:.1f}), {stats['runs']} runs"
        p95 = f", p95 {stats['p95'] * 1000:.2f} ms" if "p95" in stats else ""
        return f"{stats['median'] * 1000:.2f} ms ({stats['min'] * 1000:.2f}–{stats['max'] * 1000:.2f}){p95}, {stats['runs']} runs"

    for fig in report["figures"]:
        lines.append(f"| {fig['name']} | {fmt(fig['product'], fig['unit'])} | {fmt(fig['baseline'], fig['unit'])} | {fig['ratio']:.2f}x | {fig['goal']} |")
    search = [f for f in report["figures"] if "size" in f]
    if len(search) >= 2:
        growth = search[-1]["product"]["median"] / search[0]["product"]["median"]
        lines += ["", f"Search growth from {search[0]['size']:,} to {search[-1]['size']:,} dossiers: {growth:.2f}x (median per query)."]
    history = Path(__file__).with_name("HISTORY.md")
    if history.exists():
        lines += ["", history.read_text(encoding="utf-8").rstrip()]
    lines += [
        "",
        "Not measured yet (issue 6, next slices): cold start to the login window, resident memory with 100k dossiers,",
        "the emulated rural link (tc netem in a network namespace) and bytes re-sent after a cut, and portal ingest",
        "when 200 kiosks with 20 dossiers each reconnect at once. The 1M-dossier search runs with `--large`.",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (at least 5)")
    parser.add_argument("--large", action="store_true", help="also search at 1,000,000 dossiers")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    runs = min(9, max(5, args.runs))  # the sync figure uses one kiosk number (1–9) per run
    started = time.perf_counter()
    report: dict[str, Any] = {"started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": machine(), "figures": []}
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as scratch_name:
        scratch = Path(scratch_name)
        report["figures"].append(bench_submit(scratch, runs))
        report["figures"] += bench_search(scratch, [10_000, 100_000] + ([1_000_000] if args.large else []), runs)
        report["figures"].append(bench_receipt(scratch, runs))
        report["figures"].append(bench_sync(scratch, runs))
    report["seconds"] = time.perf_counter() - started
    print(json.dumps(report, ensure_ascii=False, indent=2))
    write_markdown(report, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
