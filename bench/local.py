"""Figures measured on this machine alone: submit, search at each size, receipt rendering."""

from __future__ import annotations

import json
import random
import statistics
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bench.common import figure, new_site, timed


# --- 1. submit one dossier with 1 MB of attachments, durable ----------------------------------------


def bench_submit(scratch: Path, runs: int) -> dict[str, Any]:
    from kiosk.storage.db import connect_encrypted
    from kiosk.dossier.submit import submit
    from forms.samples import sample_values

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


def _templates(ctx) -> list[tuple[int, str, str, dict[str, Any]]]:  # noqa: ANN001 - a KioskContext
    """Full, valid answers for every procedure in the catalogue (20 each): (procedure row id, code, version, values)."""
    from kiosk.storage.catalogue_store import procedure_row
    from forms.samples import sample_values

    out = []
    with ctx.transaction() as session:
        for procedure in ctx.catalogue.latest():
            row = procedure_row(session, procedure)
            session.flush()
            for seed in range(20):
                out.append((row.id, procedure.code, procedure.version, sample_values(procedure, seed=seed, today=date(2026, 6, 1))))
    return out


def fill(ctx, officer, first: int, count: int, rng: random.Random) -> list[tuple[str, str, str]]:  # noqa: ANN001
    """Bulk-insert `count` submitted dossiers as a busy commune's kiosk makes them, 400 a day.

    Each row is a full, valid answer of one of the catalogue's procedures (forms.samples), with a fresh
    Vietnamese name with diacritics, a valid-format 12-digit ID number agreeing with birth year and sex,
    and addresses in real communes of the 2025 unit list (vietnam-provinces, via forms.geo). Rows go in
    by bulk INSERT (the product's submit is measured on its own); they carry no attachment files — the
    figures that move attachment bytes use 1 MiB scans (a 3–5 page A4 scan at 150 dpi).
    """
    from sqlalchemy import insert

    from kiosk.dossier.search import search_key
    from kiosk.storage.models import Dossier, OutboxEntry
    from forms.samples import address, id_number, person_name

    templates = _templates(ctx)
    picks = []
    start = datetime(2026, 1, 5, 1, 0, tzinfo=timezone.utc)
    batch = 5000
    for offset in range(first, first + count, batch):
        rows = []
        for i in range(offset, min(first + count, offset + batch)):
            procedure_id, procedure_code, version, template = templates[rng.randrange(len(templates))]
            sex = rng.choice(["nam", "nu"])
            birth = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 25000))
            name, number = person_name(rng, sex), id_number(rng, birth, sex)
            day = start + timedelta(days=i // 400, minutes=(i % 400))  # 400 dossiers a day, as a busy commune's kiosk
            code = f"000.00.07.H26-{day:%y%m%d}-1{i % 400 + 1:03d}"
            values = {key: (address(rng) if isinstance(value, dict) and "commune_code" in value else value) for key, value in template.items()}
            values.update(submitter_name=name, submitter_id_number=number)
            rows.append({
                "uuid": f"00000000-0000-4000-8000-{i:012d}", "code": code, "procedure_id": procedure_id, "procedure_code": procedure_code,
                "procedure_version": version, "values": values, "lifecycle": "submitted", "officer_id": officer.id,
                "received_at": day, "appointment_date": day.date(), "submitter_name": name, "submitter_id_number": number,
                "search_key": search_key(code, values), "created_at": day, "updated_at": day,
            })
            if rng.random() < 0.002:
                picks.append((code, name, number))
        with ctx.transaction() as session:
            ids = session.execute(insert(Dossier).returning(Dossier.id), rows).scalars().all()
            session.execute(insert(OutboxEntry), [{"dossier_id": d, "revision": 1, "state": "delivered", "attempts": 1, "created_at": start, "updated_at": start} for d in ids])
    return picks


def build_site(root: Path, size: int) -> None:
    """A set-up data folder holding `size` dossiers, as `bench_search` leaves its snapshot (same generator, same seed),
    for a `--only` run that measures start-up, memory or kiosk-admin without the search figures."""
    ctx, officer = new_site(root)
    fill(ctx, officer, 0, size, random.Random(7))
    with ctx.read() as session:
        session.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    ctx.close()


def bench_search(scratch: Path, sizes: list[int], runs: int, snapshots: dict[int, Path] | None = None) -> list[dict[str, Any]]:
    """Search figures at each size; `snapshots` maps a size to where a copy of the data folder at that size goes."""
    import shutil

    from kiosk.storage.db import connect_encrypted
    from kiosk.dossier.search import search_dossiers
    from forms.text import fold

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
        select_sql = (
            "SELECT d.uuid, d.code, d.procedure_code, p.name, d.submitter_name, d.received_at, d.appointment_date, d.lifecycle, "
            "(SELECT o.state FROM outbox_entry o WHERE o.dossier_id = d.id ORDER BY o.revision DESC LIMIT 1), d.portal_status "
            "FROM dossier d JOIN procedure p ON p.id = d.procedure_id WHERE d.lifecycle != 'draft'"
        )

        def bare_query(q: str) -> tuple[str, list[str]]:
            """The product's plan by hand: words of 3+ letters in one FTS5 MATCH, shorter ones by LIKE on the column."""
            words = fold(q).split()
            long_words, short = [w for w in words if len(w) >= 3], [w for w in words if len(w) < 3]
            sql, params = select_sql, []
            for word in short:
                sql += " AND d.search_key LIKE ?"
                params.append(f"%{word}%")
            if long_words:
                sql += " AND d.id IN (SELECT rowid FROM dossier_search WHERE dossier_search MATCH ?)"
                params.append(" AND ".join('"' + w + '"' for w in long_words))
            return sql + " ORDER BY d.received_at DESC, d.id DESC LIMIT 200", params

        def baseline_once() -> None:
            for q in queries:
                bare.execute(*bare_query(q)).fetchall()

        product_once(), baseline_once()  # warm the page cache for both
        per_query_p, per_query_b = [], []
        for _ in range(runs):
            for q in queries:
                started = time.perf_counter()
                with ctx.read() as session:
                    search_dossiers(session, q)
                per_query_p.append(time.perf_counter() - started)
                started = time.perf_counter()
                bare.execute(*bare_query(q)).fetchall()
                per_query_b.append(time.perf_counter() - started)
        bare.close()
        fig = figure(f"search at {size:,} dossiers (per query)", per_query_p, per_query_b, goal="≤ 1.3x; < 3x growth 10k→1M")
        fig["product"]["p95"] = statistics.quantiles(per_query_p, n=20)[18]
        fig["baseline"]["p95"] = statistics.quantiles(per_query_b, n=20)[18]
        fig["size"] = size
        figures.append(fig)
        if snapshots and size in snapshots:
            with ctx.read() as session:  # a checkpoint, so the copy holds every row in the main file
                session.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            shutil.copytree(ctx.data.root, snapshots[size])
    ctx.close()
    return figures


# --- 3. receipt rendering to PDF ------------------------------------------------------------------------


def bench_receipt(scratch: Path, runs: int) -> dict[str, Any]:
    import io

    import qrcode
    from PySide6.QtCore import QMarginsF, QRectF
    from PySide6.QtGui import QFont, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

    from kiosk.printed.receipt import sample_receipt
    from ui.window.qt_app import ensure_gui_app
    from ui.printing.receipt_render import render_pdf

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
