"""Portal ingest when many kiosks reconnect at once after an outage (issue 6), against the same server's bare endpoint.

How it is measured, and why:

* **Real kiosks, real requests.** 200 real data folders (one commune = one unit id each, kiosk number 1),
  each enrolled through `sync.enrolment.enrol` (what `kiosk-admin enrol` runs) and holding 20 dossiers
  submitted through `kiosk.dossier.submit.submit`. Each kiosk then runs the real `SyncEngine.run_once(force=True)`
  once against the portal, and every HTTP request it sends is recorded at the requests level (a response
  hook on the engine's own session; the engine is not changed). The portal's folder is copied right after
  the enrolments, before any dossier arrived, so every measured run starts from the same state.
* **Measured runs replay those requests.** On this 2-CPU machine the kiosks' own share of a pass (freezing
  bodies, committing outbox states, the audit chain: about twice the portal's CPU per dossier) would leave
  the portal little CPU, so a run of 200 live engines measures the kiosks more than the portal (`live=True`
  adds one such run: the engines' process then uses ~0.9 CPU, the portal ~0.35). A replay sends each
  recorded request's exact bytes (request line, headers, body, written as urllib3 writes them) on one
  keep-alive connection per kiosk, each as soon as the answer to the previous one has arrived (no think
  time: harsher than real kiosks), from one asyncio loop, against a fresh copy of the portal in its own
  `kiosk-portal serve` process; every answer must have the recorded status.
* **The bare baseline** is the same server process, the same generator and the same shape: per kiosk the
  same number of requests in the same order, a request without a body as `GET /api/v1/health`, a request
  with a body as `PUT /api/v1/health` with the same headers and body (Starlette's router answers 405 with
  the service marker, without touching the database). Throughput is dossiers per second for both: dossier
  PUTs accepted (or their stand-ins answered) divided by the time from the start to the last of them.
* **Reconnect spread.** `herd`: every kiosk starts at t=0. `jittered`: kiosk i starts at
  `sync.outbox.backoff_delay(1, rng)` (full jitter over the first back-off step, 0–30 s), not compressed:
  the herd already needs about as long as the window, so compression would only overstate the offered load.
* **Cheaper preparation, same requests.** Folders are made in 2 processes; the shipped catalogue is
  validated once per process, the officer's Argon2 PIN hash computed once per process, and form values come
  from a pool of 40 `sample_values` sets per procedure. None of these reaches the portal except the values,
  and every dossier still has its own uuid, code, times and tracking token.
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import statistics
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bench.common import SITE, figure

KIOSKS = 200
QUEUE = 20
WORKERS = 2  # preparation processes (the submit and sync paths are CPU-bound; this machine has 2 CPUs)
THREADS_PER_WORKER = 8  # kiosks prepared at once in a worker: hides the waits on the portal's answers
VALUE_POOL = 40  # distinct sets of form values per procedure (each dossier still has its own uuid, code and times)
HERD_RUNS = 2  # a herd run takes ~35 s here: 2 (not 5) keep the whole figure to about 4 minutes
JITTER_RUNS = 1
JITTER_WINDOW_ATTEMPTS = 1  # failures in a row before the reconnect: backoff_delay(1) is 0–30 s
REQUEST_TIMEOUT_S = 120.0
PHASE_TIMEOUT_S = 300.0  # no load phase may run longer than this
GOAL = "≥ 0.5x"

Record = tuple[str, str, list[tuple[str, str]], bytes, int, bool]  # method, url, headers, body, answer status, body streamed
URLLIB3_BLOCK = 16384  # urllib3 sends a streamed body in blocks of this size, a bytes body in one send after the head


# --- small helpers ---------------------------------------------------------------------------------------


def unit_id(index: int) -> str:
    """A distinct receiving unit per commune (V1V2V3.Z1Z2.Y1Y2.MX1X2): dossier codes carry it, so they never collide."""
    return f"{index // 100:03d}.{index % 100:02d}.07.H26"


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0–100); 0 for no samples."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(len(ordered) * q / 100) - 1))]


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process (Linux /proc): shows whether the portal or the generator was busy."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def is_dossier_put(method: str, url: str) -> bool:
    return method == "PUT" and "/api/v1/dossiers/" in url


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1].split("/", 1)[0])


# --- preparation (in worker processes): real folders, real enrolment, real submits, one real sync pass each --


def _cache_catalogue() -> Any:
    """Load the shipped procedure catalogue once per process instead of once per folder; returns the original loader.

    `open_kiosk` spends ~0.3 s of its ~0.35 s validating the shipped forms against their JSON schema; a real
    kiosk does that once at start-up and the portal never sees it. Every folder here has an empty
    `catalogue/` (nothing is published), so the catalogue is the same for all of them. Workers keep the
    patch; the main process puts the original back (`_restore_catalogue`) so other figures are not affected.
    """
    import kiosk.storage.context
    from forms.catalogue import load_catalogue

    if getattr(kiosk.storage.context.load_catalogue, "bench_cached", False):
        return load_catalogue
    cached = load_catalogue()

    def load(*args: Any, extra_procedure_dirs: Any = (), **kwargs: Any) -> Any:
        if args or kwargs or any(Path(d).is_dir() and any(Path(d).iterdir()) for d in extra_procedure_dirs):
            return load_catalogue(*args, extra_procedure_dirs=extra_procedure_dirs, **kwargs)
        return cached

    load.bench_cached = True  # type: ignore[attr-defined]
    kiosk.storage.context.load_catalogue = load  # type: ignore[assignment]
    return load_catalogue


def _restore_catalogue(original: Any) -> None:
    import kiosk.storage.context

    kiosk.storage.context.load_catalogue = original  # type: ignore[assignment]


_OPENING = threading.Lock()  # alembic's migration context lives in module globals: one folder opens at a time


def _in_threads(fn: Any, jobs: list[Any]) -> list[Any]:
    with ThreadPoolExecutor(max_workers=THREADS_PER_WORKER) as pool:
        return list(pool.map(fn, jobs))


def _open(folder: str, init: dict[str, Any] | None = None) -> Any:
    """`init_site` (if `init`) and `open_kiosk`, one thread at a time."""
    from kiosk.storage.context import open_kiosk
    from kiosk.storage.site import init_site

    with _OPENING:
        if init is not None:
            init_site(Path(folder), init)
        return open_kiosk(Path(folder))


def enrol_kiosks(jobs: list[tuple[str, str, str, int]], portal_url: str) -> int:
    """Worker: init each folder (folder, unit id, code, index), add an officer, enrol with the portal.

    The officer's PIN hash (Argon2, ~0.1 s) is computed once per worker and stored in every folder's officer
    row: the portal never sees it, and 200 hashes would cost more than the figure's runs.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _cache_catalogue()
    from kiosk.storage.models import Officer
    from kiosk.security.officers import _hasher
    from sync.enrolment import enrol

    pin_hash = _hasher.hash("246813")

    def one(job: tuple[str, str, str, int]) -> None:
        folder, unit, code, index = job
        ctx = _open(folder, dict(SITE, unit_id=unit, kiosk_number=1, unit_name=f"UBND xã số {index + 1}"))
        try:
            with ctx.transaction() as session:
                session.add(Officer(username="lan", full_name="Trần Thị Lan", role="officer", pin_hash=pin_hash))
            enrol(ctx, portal_url, code)
        finally:
            ctx.close()

    return len(_in_threads(one, jobs))


_VALUES: dict[tuple[str, str, int], dict[str, Any]] = {}


def _values(procedure: Any, seed: int) -> dict[str, Any]:
    """`sample_values` from a pool of VALUE_POOL seeds per procedure (it costs ~10 ms, about as much as submit)."""
    from forms.samples import sample_values

    key = (procedure.code, procedure.version, seed % VALUE_POOL)
    if key not in _VALUES:
        _VALUES[key] = sample_values(procedure, seed=key[2], today=date.today())
    return _VALUES[key]


def fill_and_sync(jobs: list[tuple[str, int]], queue: int, attachment_bytes: int, sync: bool = True) -> list[tuple[int, int, list[Record]]]:
    """Worker: submit `queue` dossiers in each folder (folder, index), then (if `sync`) one recorded sync pass.

    Returns (index, dossiers delivered, the requests the engine sent with their answers' statuses).
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _cache_catalogue()
    from sqlalchemy import select

    from kiosk.dossier.submit import submit
    from kiosk.security.officers import OfficerRef
    from kiosk.storage.models import Officer
    from sync.engine import SyncEngine, default_client

    def one(job: tuple[str, int]) -> tuple[int, int, list[Record]]:
        folder, index = job
        ctx = _open(folder)
        records: list[Record] = []

        def hook(response: Any, *args: Any, **kwargs: Any) -> Any:
            request = response.request
            body, streamed = _body_of(request.body)
            records.append((request.method, request.url, list(request.headers.items()), body, response.status_code, streamed))
            return response

        def client(context: Any) -> Any:  # the engine's own client, observed
            made = default_client(context)
            made.session.hooks["response"].append(hook)
            return made

        try:
            with ctx.read() as session:
                officer = OfficerRef.of(session.scalars(select(Officer)).one())
            procedures = ctx.catalogue.latest()
            rng = random.Random(index)
            for i in range(queue):
                procedure = procedures[(index + i) % len(procedures)]
                scans = [Path(folder).parent / f"scan-{i}.pdf"] if attachment_bytes else []
                for scan in scans:
                    scan.write_bytes(rng.randbytes(attachment_bytes))
                submit(ctx, procedure=procedure, values=_values(procedure, index * queue + i), officer=officer, extra_files=scans)
                for scan in scans:
                    scan.unlink()
            delivered = SyncEngine(ctx, client_factory=client).run_once(force=True).delivered if sync else 0
        finally:
            ctx.close()
        return index, delivered, records

    return _in_threads(one, jobs)


@dataclass
class Prepared:
    portal_template: Path  # the portal's folder right after every kiosk enrolled, before any dossier
    port: int  # every portal of this figure listens here, so the Host header and the kiosks' portal URL stay right
    recorded: dict[int, list[Record]]
    delivered: int
    seconds: float
    enrol_s: float
    fill_and_record_s: float


def _issue_codes(db_url: str, units: list[str]) -> list[str]:
    """One enrolment code per unit, as `kiosk-portal enrolment-code` issues them (the same function, one transaction)."""
    from portal.db import Database
    from portal.services.enrolment import issue_enrolment_code

    db = Database(db_url)
    try:
        with db.transaction() as session:
            return [issue_enrolment_code(session, unit, 1)[0] for unit in units]
    finally:
        db.dispose()


def prepare(scratch: Path, kiosks: int, queue: int, attachment_bytes: int) -> Prepared:
    """Enrol every kiosk, keep the portal's folder as the runs' starting point, then fill, sync and record each kiosk."""
    import multiprocessing

    from portal_server import start_portal

    started = time.perf_counter()
    roots = [scratch / "kiosks" / f"k{i:03d}" / "data" for i in range(kiosks)]
    for root in roots:
        root.parent.mkdir(parents=True, exist_ok=True)
    live = scratch / "portal-prepare"
    template = scratch / "portal-template"
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=multiprocessing.get_context("spawn")) as pool:
        with start_portal(live) as portal:
            port = port_of(portal.url)
            codes = _issue_codes(portal.db_url, [unit_id(i) for i in range(kiosks)])
            jobs = [(str(roots[i]), unit_id(i), codes[i], i) for i in range(kiosks)]
            list(pool.map(enrol_kiosks, [jobs[w::WORKERS] for w in range(WORKERS)], [portal.url] * WORKERS))
        enrolled = time.perf_counter()
        shutil.copytree(live, template, ignore=shutil.ignore_patterns("portal.log"))
        with start_portal(live, extra_args=["--port", str(port)]):
            fills = [[(str(roots[i]), i) for i in range(w, kiosks, WORKERS)] for w in range(WORKERS)]
            results = [row for rows in pool.map(fill_and_sync, fills, [queue] * WORKERS, [attachment_bytes] * WORKERS) for row in rows]
    recorded = {index: records for index, _, records in sorted(results)}
    delivered = sum(n for _, n, _ in results)
    if delivered != kiosks * queue:
        raise RuntimeError(f"the recording passes delivered {delivered} of {kiosks * queue} dossiers")
    done = time.perf_counter()
    return Prepared(template, port, recorded, delivered, done - started, enrolled - started, done - enrolled)


# --- the replaying load generator ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One request of a replay: its bytes as they went on the wire (head, then the body's writes), and what must come back."""

    head: bytes
    body: tuple[bytes, ...]
    dossier: bool  # a dossier PUT (or, in the bare load, its stand-in)
    expected: tuple[int, ...]  # statuses that match the recording


@dataclass
class Sample:
    kiosk: int
    start: float
    end: float
    status: int
    dossier: bool


def wire_head(method: str, url: str, headers: list[tuple[str, str]]) -> bytes:
    """A request's head as urllib3 sends it for requests: request line, Host, the prepared headers."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"{method} {target} HTTP/1.1", f"Host: {parts.netloc}"] + [f"{k}: {v}" for k, v in headers if k.lower() != "host"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _body_of(body: Any) -> tuple[bytes, bool]:
    """The bytes of a prepared request's body, and whether it went as a stream (sync/client.py may send a BytesIO)."""
    if body is None:
        return b"", False
    if isinstance(body, (bytes, bytearray)):
        return bytes(body), False
    if isinstance(body, str):
        return body.encode("utf-8"), False
    if hasattr(body, "getvalue"):
        return body.getvalue(), True
    body.seek(0)
    return body.read(), True


def _chunks(body: bytes, streamed: bool) -> tuple[bytes, ...]:
    """The body as urllib3 writes it to the socket after the head."""
    if not body:
        return ()
    if not streamed:
        return (body,)
    return tuple(body[i : i + URLLIB3_BLOCK] for i in range(0, len(body), URLLIB3_BLOCK))


def product_steps(records: list[Record]) -> list[Step]:
    """The recorded requests as they were; a dossier PUT may come back 200 or 201 (the same acknowledgement)."""
    out = []
    for method, url, headers, body, status, streamed in records:
        dossier = is_dossier_put(method, url)
        expected = (200, 201) if dossier and status in (200, 201) else (status,)
        out.append(Step(wire_head(method, url, headers), _chunks(body, streamed), dossier, expected))
    return out


def bare_steps(records: list[Record]) -> list[Step]:
    """The same number of requests in the same order, to the cheapest answer: health (GET), or a PUT to it with the same body.

    The PUT is answered 405, or 413 for a body over the portal's 64 KiB limit for that path (an attachment chunk):
    either way the body is read and nothing touches the database.
    """
    out = []
    for method, url, headers, body, _, streamed in records:
        health = url.split("/api/v1/", 1)[0] + "/api/v1/health"
        if body:
            out.append(Step(wire_head("PUT", health, headers), _chunks(body, streamed), is_dossier_put(method, url), (405, 413)))
        else:
            kept = [(k, v) for k, v in headers if k.lower() not in ("content-length", "content-type")]
            out.append(Step(wire_head("GET", health, kept), (), False, (200,)))
    return out


async def _exchange(reader: Any, writer: Any, step: Step) -> tuple[int, bool]:
    """Send one request and read its whole answer (the portal always sends Content-Length): (status, server closes)."""
    writer.write(step.head)
    for block in step.body:
        writer.write(block)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length, close = 0, False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            raise AssertionError("chunked answer: the replay expects Content-Length")
        elif name == b"connection" and b"close" in value.lower():
            close = True
    if length:
        await reader.readexactly(length)
    return status, close


async def _kiosk(index: int, steps: list[Step], port: int, start_at: float, samples: list[Sample]) -> None:
    """One kiosk: one keep-alive connection (opened with its first request, as requests does), requests back to back."""
    import asyncio

    wait = start_at - time.perf_counter()
    if wait > 0:
        await asyncio.sleep(wait)
    writer = None
    try:
        for number, step in enumerate(steps):
            started = time.perf_counter()
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            status, close = await asyncio.wait_for(_exchange(reader, writer, step), REQUEST_TIMEOUT_S)
            samples.append(Sample(index, started, time.perf_counter(), status, step.dossier))
            if status not in step.expected:
                raise AssertionError(f"kiosk {index} request {number}: HTTP {status}, recorded {step.expected}")
            if close:
                writer.close()
                writer = None
    finally:
        if writer is not None:
            writer.close()


def replay(plans: dict[int, list[Step]], port: int, offsets: dict[int, float] | None = None) -> tuple[list[Sample], float, float]:
    """Every kiosk's steps at once (or each from its offset) from one asyncio loop: (samples, start, end).

    One event loop rather than 200 threads and requests sessions: the generator then needs a fraction of
    the portal's CPU per request (its share is reported next to the portal's), so it limits neither load.
    """
    import asyncio

    samples: list[Sample] = []

    async def main() -> tuple[float, float]:
        origin = time.perf_counter() + 0.01
        jobs = [_kiosk(k, steps, port, origin + (offsets or {}).get(k, 0.0), samples) for k, steps in plans.items()]
        await asyncio.wait_for(asyncio.gather(*jobs), PHASE_TIMEOUT_S)
        return origin, time.perf_counter()

    origin, end = asyncio.run(main())
    return samples, origin, end


# --- what one load looked like -------------------------------------------------------------------------------


def load_stats(samples: list[Sample], origin: float, end: float, accepted: tuple[int, ...]) -> dict[str, Any]:
    """Throughput, latency and how bunched the requests were, for one load.

    A dossier counts when its PUT got one of the `accepted` answers (the bare stand-ins get 405).
    """
    delivered = [s for s in samples if s.dossier and s.status in accepted]
    last = max((s.end for s in delivered), default=end)
    latencies = [s.end - s.start for s in samples]
    edges = sorted([(s.start, 1) for s in samples] + [(s.end, -1) for s in samples])
    in_flight = peak = 0
    for _, step in edges:
        in_flight += step
        peak = max(peak, in_flight)
    per_second: dict[int, int] = {}
    for s in samples:
        per_second[int(s.start - origin)] = per_second.get(int(s.start - origin), 0) + 1
    statuses: dict[str, int] = {}
    for s in samples:
        statuses[str(s.status)] = statuses.get(str(s.status), 0) + 1
    return {
        "dossiers_per_s": round(len(delivered) / max(1e-9, last - origin), 2),
        "requests_per_s": round(len(samples) / max(1e-9, end - origin), 1),
        "dossiers": len(delivered),
        "requests": len(samples),
        "to_last_dossier_s": round(last - origin, 3),
        "wall_s": round(end - origin, 3),
        "p50_latency_s": round(percentile(latencies, 50), 4),
        "p95_latency_s": round(percentile(latencies, 95), 4),
        "p95_dossier_latency_s": round(percentile([s.end - s.start for s in delivered], 95), 4),
        "max_latency_s": round(max(latencies, default=0.0), 4),
        "peak_in_flight": peak,
        "peak_requests_started_per_s": max(per_second.values(), default=0),
        "statuses": dict(sorted(statuses.items())),
    }


def server_durations(log_text: str) -> list[float]:
    """What the portal logged itself per request (GuardMiddleware: `METHOD path status N ms`), in seconds."""
    out = []
    for line in log_text.splitlines():
        if line.endswith(" ms") and " portal: " in line:
            try:
                out.append(float(line.rsplit(" ", 2)[1]) / 1000)
            except ValueError:
                continue
    return out


def measure(
    portal: Any, plans: dict[int, list[Step]], accepted: tuple[int, ...], offsets: dict[int, float] | None = None, cluster: Any = None
) -> dict[str, Any]:
    """Run one load against `portal`: client-side figures, CPU shares and per dossier (the serve process and its
    workers; the PostgreSQL cluster's processes), the portal's logged durations."""
    from bench.ingest_backends import cpu_snapshot, cpu_spent

    log_mark = len(portal.log())
    before, own_cpu = cpu_snapshot(portal.process.pid, cluster), time.process_time()
    samples, origin, end = replay(plans, port_of(portal.url), offsets)
    wall = max(1e-9, end - origin)
    spent = cpu_spent(before, cpu_snapshot(portal.process.pid, cluster))
    stats = load_stats(samples, origin, end, accepted)
    stats["portal_cpu_share"] = round(spent["portal"] / wall, 2)
    stats["generator_cpu_share"] = round((time.process_time() - own_cpu) / wall, 2)
    dossiers = max(1, stats["dossiers"])
    stats["portal_cpu_ms_per_dossier"] = round(spent["portal"] * 1000 / dossiers, 3)
    stats["postgres_cpu_ms_per_dossier"] = round(spent.get("postgres", 0.0) * 1000 / dossiers, 3)
    time.sleep(0.3)  # the portal's last log lines
    server = server_durations(portal.log()[log_mark:])
    stats["server_p50_s"], stats["server_p95_s"] = round(percentile(server, 50), 4), round(percentile(server, 95), 4)
    stats["server_max_s"] = round(max(server, default=0.0), 4)
    return stats


def delivered_revisions(prepared: Prepared) -> set[tuple[str, int]]:
    """(uuid, revision) of every dossier PUT the recording saw acknowledged: a replay that finished got the same."""
    out = set()
    for records in prepared.recorded.values():
        for method, url, _, _, status, _ in records:
            if is_dossier_put(method, url) and status in (200, 201):
                uuid, _, revision = url.split("/dossiers/", 1)[1].partition("/revisions/")
                out.add((uuid, int(revision.split("?", 1)[0])))
    return out


@dataclass
class Backend:
    """Where a run's portal keeps its data: SQLite in its folder, or a fresh copy of the PostgreSQL template."""

    name: str  # "sqlite" or "postgresql"
    workers: int  # asked for; serve_args says how many ran
    cluster: Any = None  # portal.devcluster.PgCluster for PostgreSQL
    template: str = ""  # the PostgreSQL database every run copies

    def label(self) -> str:
        from bench.ingest_backends import serve_args

        ran = serve_args(self.workers)[1]
        return f"{'PostgreSQL' if self.name == 'postgresql' else 'SQLite'}, {ran} worker{'s' if ran > 1 else ''}"


def run_portal_load(
    prepared: Prepared, folder: Path, *, bare: int, offsets: dict[int, float] | None = None, backend: Backend | None = None
) -> dict[str, list[dict[str, Any]]]:
    """A fresh copy of the enrolled portal in its own process: `bare` bare loads first, then the recorded one,
    then the delivery log's exactly-once check.

    The bare loads never touch the database, so several of them before the product load leave its state as it was.
    """
    from contextlib import nullcontext

    from bench.ingest_backends import check_exactly_once, serve_args
    from portal_server import start_portal

    backend = backend or Backend("sqlite", 1)
    shutil.copytree(prepared.portal_template, folder)
    out: dict[str, list[dict[str, Any]]] = {"bare": []}
    database = backend.cluster.database(backend.template) if backend.cluster is not None else nullcontext(None)
    with database as db_url:
        args = ["--port", str(prepared.port), *serve_args(backend.workers)[0]]
        with start_portal(folder, extra_args=args, db_url=db_url) as portal:
            for _ in range(bare):
                out["bare"].append(measure(portal, {k: bare_steps(r) for k, r in prepared.recorded.items()}, (405,), cluster=backend.cluster))
            out["product"] = [measure(portal, {k: product_steps(r) for k, r in prepared.recorded.items()}, (200, 201), offsets, backend.cluster)]
            held_url = portal.db_url
        out["product"][0]["exactly_once"] = check_exactly_once(held_url, delivered_revisions(prepared))
    shutil.rmtree(folder, ignore_errors=True)
    return out


# --- optional: one run of 200 live engines at once -----------------------------------------------------------


def live_engines(scratch: Path, kiosks: int, queue: int, attachment_bytes: int) -> dict[str, Any]:
    """All kiosks' real `SyncEngine.run_once(force=True)` at once from `kiosks` threads of this process.

    New folders and a new portal (the recording delivered the first ones), so this costs a second preparation.
    """
    import multiprocessing

    from kiosk.storage.context import open_kiosk
    from portal_server import start_portal
    from sync.engine import SyncEngine

    roots = [scratch / "live" / f"k{i:03d}" / "data" for i in range(kiosks)]
    for root in roots:
        root.parent.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=multiprocessing.get_context("spawn")) as pool, start_portal(scratch / "portal-live") as portal:
        codes = _issue_codes(portal.db_url, [unit_id(i) for i in range(kiosks)])
        jobs = [(str(roots[i]), unit_id(i), codes[i], i) for i in range(kiosks)]
        list(pool.map(enrol_kiosks, [jobs[w::WORKERS] for w in range(WORKERS)], [portal.url] * WORKERS))
        fills = [[(str(roots[i]), i) for i in range(w, kiosks, WORKERS)] for w in range(WORKERS)]
        list(pool.map(fill_and_sync, fills, [queue] * WORKERS, [attachment_bytes] * WORKERS, [False] * WORKERS))
        original = _cache_catalogue()
        try:
            contexts = [open_kiosk(root) for root in roots]
        finally:
            _restore_catalogue(original)
        reports: list[Any] = [None] * kiosks
        barrier = threading.Barrier(kiosks + 1)

        def run(index: int) -> None:
            barrier.wait(timeout=PHASE_TIMEOUT_S)
            reports[index] = SyncEngine(contexts[index]).run_once(force=True)

        try:
            portal_cpu, own_cpu = process_cpu_s(portal.process.pid), time.process_time()
            with ThreadPoolExecutor(max_workers=kiosks) as threads:
                futures = [threads.submit(run, i) for i in range(kiosks)]
                barrier.wait(timeout=PHASE_TIMEOUT_S)
                started = time.perf_counter()
                for future in futures:
                    future.result(timeout=PHASE_TIMEOUT_S)
            wall = time.perf_counter() - started
            portal_share = round((process_cpu_s(portal.process.pid) - portal_cpu) / wall, 2)
            generator_share = round((time.process_time() - own_cpu) / wall, 2)
        finally:
            for ctx in contexts:
                ctx.close()
    delivered = sum(r.delivered for r in reports)
    return {
        "dossiers_per_s": round(delivered / wall, 2),
        "delivered": delivered,
        "queued": kiosks * queue,
        "kiosks_with_problems": sum(1 for r in reports if r.message),
        "problems": sorted({r.message for r in reports if r.message})[:3],
        "wall_s": round(wall, 2),
        "portal_cpu_share": portal_share,
        "generator_cpu_share": generator_share,
        "note": f"{kiosks} real engines in one process started together; the kiosks' own CPU competes with the portal's",
    }


# --- the figure ----------------------------------------------------------------------------------------------

MEDIAN_KEYS = (
    "dossiers_per_s", "requests_per_s", "p50_latency_s", "p95_latency_s", "p95_dossier_latency_s", "max_latency_s",
    "peak_in_flight", "peak_requests_started_per_s", "to_last_dossier_s", "wall_s", "portal_cpu_share",
    "generator_cpu_share", "server_p50_s", "server_p95_s", "server_max_s", "portal_cpu_ms_per_dossier", "postgres_cpu_ms_per_dossier",
)


def _medians(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The median of each figure over the runs, and the answers seen in the first run."""
    if not rows:
        return {}
    out: dict[str, Any] = {key: statistics.median(row[key] for row in rows) for key in MEDIAN_KEYS}
    out["statuses_first_run"] = rows[0]["statuses"]
    return out


BACKENDS = (("postgresql", 2), ("sqlite", 1))  # (backend, workers asked for): production's shape first, then the default


def bench_ingest(
    scratch: Path, runs: int, kiosks: int = KIOSKS, queue: int = QUEUE, attachment_bytes: int = 0, live: bool = False
) -> list[dict[str, Any]]:
    """Portal ingest of `kiosks` × `queue` dossiers reconnecting at once, as a ratio against the bare endpoint: one
    figure per backend (PostgreSQL with 2 workers, SQLite with 1; bench/ingest_backends.py), the same recording.

    The product runs are capped at HERD_RUNS (each takes tens of seconds); the bare loads are at least `runs`,
    spread over the same portal processes. The figure's `note` says how many ran. The jittered run is made on the
    first backend only (it lasts the 30 s window).
    """
    from bench.ingest_backends import make_pg_template, start_cluster

    started = time.perf_counter()
    scratch.mkdir(parents=True, exist_ok=True)
    prepared = prepare(scratch, kiosks, queue, attachment_bytes)
    figures: list[dict[str, Any]] = []
    cluster = start_cluster()
    try:
        for name, workers in BACKENDS:
            backend = Backend(name, workers)
            if name == "postgresql":
                if cluster is None:
                    figures.append({"name": f"portal ingest on PostgreSQL, {workers} workers", "status": "not run", "goal": GOAL,
                                    "reason": "no PostgreSQL server installed (apt-get install postgresql)"})
                    continue
                backend.cluster, backend.template = cluster, make_pg_template(cluster, prepared.portal_template / "portal.db")
            figures.append(backend_figure(prepared, scratch / name, runs, backend, jitter=not figures))
    finally:
        if cluster is not None:
            cluster.stop()
    if live:
        figures[-1]["live_engine_pass"] = live_engines(scratch, kiosks, queue, attachment_bytes)
    for fig in figures:
        fig.setdefault("setup", {})["total_s"] = round(time.perf_counter() - started, 1)
    return figures


def backend_figure(prepared: Prepared, scratch: Path, runs: int, backend: Backend, *, jitter: bool) -> dict[str, Any]:
    """The herd (and, if `jitter`, the jittered) runs on one backend, each against its own bare baseline."""
    from sync.outbox import backoff_delay

    kiosks, queue = len(prepared.recorded), prepared.delivered // max(1, len(prepared.recorded))
    herd_runs = min(max(1, runs), HERD_RUNS)
    herd: list[dict[str, Any]] = []
    bare: list[dict[str, Any]] = []
    for run in range(herd_runs):
        loads = run_portal_load(prepared, scratch / f"portal-herd-{run}", bare=math.ceil(max(1, runs) / herd_runs), backend=backend)
        bare += loads["bare"]
        herd += loads["product"]
    rng = random.Random(6)
    offsets = {k: backoff_delay(JITTER_WINDOW_ATTEMPTS, rng) for k in sorted(prepared.recorded)}
    jittered = [
        run_portal_load(prepared, scratch / f"portal-jitter-{run}", bare=0, offsets=offsets, backend=backend)["product"][0]
        for run in range(JITTER_RUNS if jitter else 0)
    ]

    fig = figure(
        f"portal ingest on {backend.label()}, {kiosks} kiosks × {queue} dossiers reconnecting at once (replayed real sync requests)",
        [r["dossiers_per_s"] for r in herd],
        [r["dossiers_per_s"] for r in bare],
        unit="dossiers/s",
        goal=GOAL,
        higher_is_better=True,
    )
    fig["product"].update(_medians(herd))
    fig["baseline"].update(_medians(bare))
    fig["backend"] = {"name": backend.name, "workers_asked": backend.workers, "label": backend.label()}
    fig["exactly_once"] = [r["exactly_once"] for r in herd + jittered]
    fig["note"] = (
        f"{herd_runs} product runs, not 5: each takes ~{statistics.median(r['wall_s'] for r in herd):.0f} s here; {len(bare)} bare runs on "
        "the same portal processes, same generator: GET /api/v1/health, or PUT to it with the same body (405; 413 past 64 KiB)."
    )
    fig["setup"] = {
        "kiosks": kiosks,
        "queue_per_kiosk": queue,
        "requests_per_kiosk": round(statistics.mean(len(r) for r in prepared.recorded.values()), 1),
        "dossier_body_bytes_median": statistics.median(len(rec[3]) for r in prepared.recorded.values() for rec in r if is_dossier_put(rec[0], rec[1])),
        "streamed_bodies": any(rec[5] for r in prepared.recorded.values() for rec in r),
        "prepare_s": round(prepared.seconds, 1),
        "prepare_enrol_s": round(prepared.enrol_s, 1),
        "prepare_fill_and_record_s": round(prepared.fill_and_record_s, 1),
        "generator": "replay of the recorded bytes: one asyncio loop, one keep-alive connection per kiosk, no think time",
    }
    herd_m, bare_m = _medians(herd), fig["baseline"]
    postgres = f", PostgreSQL {herd_m['postgres_cpu_ms_per_dossier']:.2f} ms" if backend.cluster is not None else ""
    fig["details"] = [
        f"all {kiosks} at once: p50 {herd_m['p50_latency_s']:.2f} s, p95 {herd_m['p95_latency_s']:.2f} s per request, "
        f"{herd_m['peak_in_flight']:.0f} in flight at peak; the bare endpoint's p95 {bare_m['p95_latency_s']:.3f} s.",
        f"CPU per dossier: portal processes {herd_m['portal_cpu_ms_per_dossier']:.2f} ms{postgres} (bare: portal "
        f"{bare_m['portal_cpu_ms_per_dossier']:.2f} ms); exactly once after every run: "
        f"{', '.join(str(r['revisions_held']) + ' held/' + str(r['created']) + ' created' for r in fig['exactly_once'])}.",
    ]
    if jittered:
        jitter_m = _medians(jittered)
        fig["jitter"] = {
            "model": f"kiosk i starts at sync.outbox.backoff_delay({JITTER_WINDOW_ATTEMPTS}, rng): full jitter, 0–30 s, real time scale",
            "herd": herd_m,
            "jittered": jitter_m,
            "runs": JITTER_RUNS,
            "latest_start_s": round(max(offsets.values()), 2),
            # the spread only helps while the window's offered load stays under what the herd shows the portal can take
            "offered_dossiers_per_s": round(prepared.delivered / max(1e-9, max(offsets.values())), 1),
            "herd_capacity_dossiers_per_s": fig["product"]["median"],
            "note": f"{JITTER_RUNS} jittered run (it lasts at least the 30 s window); herd figures are the medians above",
        }
        fig["details"].append(
            f"starts spread by the full-jitter back-off (0–30 s): p95 {jitter_m['p95_latency_s']:.2f} s, {jitter_m['peak_in_flight']:.0f} in flight "
            f"at peak, last dossier at {jitter_m['to_last_dossier_s']:.0f} s (all at once: {herd_m['to_last_dossier_s']:.0f} s); the window offers "
            f"{fig['jitter']['offered_dossiers_per_s']:.0f} dossiers/s against a capacity of {fig['product']['median']:.0f}/s."
        )
    fig["details"].append(fig["note"])
    return fig


if __name__ == "__main__":
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="bare runs (product runs are capped at HERD_RUNS)")
    parser.add_argument("--kiosks", type=int, default=KIOSKS)
    parser.add_argument("--queue", type=int, default=QUEUE)
    parser.add_argument("--attachment-bytes", type=int, default=0, help="one attachment of this size per dossier (default none)")
    parser.add_argument("--live", action="store_true", help="also one run of the live engines at once (about two more minutes)")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-ingest-") as name:
        print(json.dumps(bench_ingest(Path(name), args.runs, args.kiosks, args.queue, args.attachment_bytes, args.live), ensure_ascii=False, indent=2))
