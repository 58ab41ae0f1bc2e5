"""The kiosk side of the rural-link figure (bench/rural.py): runs inside the "commune" network namespace.

    ip netns exec <ns> python -m bench.rural_child --root DIR --portal-url URL --kiosk-number N   (enrolment code in $RURAL_ENROLMENT_CODE) ...

It must be its own process because a network namespace belongs to a process: only sockets opened in
here use the emulated link. It builds a kiosk like bench/loopback.py does, enrols over the link with the
product's own enrolment (sync.enrolment.enrol), submits the dossiers, prints `{"event": "ready"}` and
waits for `go` on stdin, so that the parent can read the link's counters before the first byte moves.
Then it runs the product's `SyncEngine.run_once(force=True)` (the officer's "Đồng bộ ngay"): once in
mode `goodput`; in mode `cut`, where the parent cuts the link meanwhile, the kiosk window's own schedule
follows until everything is delivered: sync/schedule.py's `Reconnect`, as ui/window/sync_controller.py drives
it (after a network failure a health probe every 2–3 s, a pass 0–5 s after the first answer; otherwise
`run_once(force=False)` every AUTO_INTERVAL_MS ± jitter, the engine honouring its own back-off).
Each revision the portal acknowledges is announced at once (`{"event": "delivered", "mono": …}`, the
system-wide CLOCK_MONOTONIC, which the parent's time.monotonic() shares), so the parent can time the first
delivery after it restored the link.

The client is the product's own (`sync.engine.default_client`, its timeouts untouched); only two of its
methods and its session's `request` are wrapped, to count bytes and time requests. Every line on
stdout is one JSON object; the log goes to stderr.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import random
import re
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]


def ui_interval_s() -> float:
    """The kiosk window's automatic sync interval, read from ui/window/sync_controller.py's source (importing it loads Qt)."""
    try:
        match = re.search(r"^AUTO_INTERVAL_MS\s*=\s*([\d_]+)", (REPO / "ui" / "window" / "sync_controller.py").read_text(encoding="utf-8"), re.M)
    except OSError:
        match = None
    return int(match.group(1).replace("_", "")) / 1000 if match else 20.0


def emit(event: str, **fields: Any) -> None:
    """One JSON line on stdout, flushed at once: the parent reacts to progress while the upload runs."""
    sys.stdout.write(json.dumps({"event": event, **fields}, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


@dataclass
class Counters:
    """What crossed the HTTP layer, counted where the product hands bytes to its client."""

    chunk_calls: int = 0
    chunk_failures: int = 0
    offered_chunk_bytes: int = 0  # every byte handed to upload_chunk, re-sent ones included
    held: dict[str, int] = field(default_factory=dict)  # sha256 -> bytes the portal said it holds
    complete: dict[str, int] = field(default_factory=dict)  # sha256 -> size, once the portal said complete
    bodies: int = 0
    body_bytes: int = 0  # bodies the portal acknowledged
    chunks: list[dict[str, Any]] = field(default_factory=list)  # one record per upload_chunk call
    requests: list[dict[str, Any]] = field(default_factory=list)  # one record per HTTP request

    @property
    def unique_chunk_bytes(self) -> int:
        return sum(self.held.values())

    def summary(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("held")
        data.pop("complete")
        data["unique_chunk_bytes"] = self.unique_chunk_bytes
        data["complete_bytes"] = sum(self.complete.values())
        data["resent_chunk_bytes"] = self.offered_chunk_bytes - self.unique_chunk_bytes
        data["by_kind"] = _by_kind(self.requests)
        return data


def _body_length(data: Any) -> int:
    """Bytes of a request body as the client passes it: bytes, or a stream (sync/client.py streams bodies)."""
    if isinstance(data, io.BytesIO):
        return data.getbuffer().nbytes
    return len(data or b"")


def _kind(method: str, url: str) -> str:
    """A short name for one API call, for the time-per-phase table (`PUT attachments`, `GET catalogue`…)."""
    parts = [p for p in urlsplit(url).path.split("/") if p][2:]  # drop api, v1
    return f"{method} {parts[0] if parts else '/'}{' revision' if 'revisions' in parts else ''}"


def _by_kind(requests_made: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    table: dict[str, dict[str, float]] = {}
    for r in requests_made:
        row = table.setdefault(r["kind"], {"count": 0, "seconds": 0.0, "sent": 0, "received": 0, "errors": 0})
        row["count"] += 1
        row["seconds"] = round(row["seconds"] + r["seconds"], 3)
        row["sent"] += r["sent"]
        row["received"] += r["received"]
        row["errors"] += 1 if r.get("error") else 0
    return table


def _describe(exc: BaseException) -> str:
    """The exception and what caused it (the product's PortalError hides the transport's reason in __cause__)."""
    text = type(exc).__name__
    cause = exc.__cause__ or exc.__context__
    if cause is not None:
        text += f" <- {type(cause).__name__}: {str(cause)[:300]}"
    return text


def counting_factory(counters: Counters, started: list[float], connect_timeout: float | None = None) -> Any:
    """A client factory for SyncEngine: the product's default client, with counting wrappers around it.

    `connect_timeout` replaces the product's connect timeout (a diagnostic of the plumbing check only).
    """
    from sync.client import DEFAULT_TIMEOUT
    from sync.engine import default_client

    timeout = DEFAULT_TIMEOUT if connect_timeout is None else (connect_timeout, DEFAULT_TIMEOUT[1])

    def make(ctx: Any) -> Any:
        client = default_client(ctx, timeout=timeout)
        _wrap_session(client, counters, started)
        _wrap_upload(client, counters, started)
        _wrap_put_revision(client, counters)
        return client

    return make


def _wrap_session(client: Any, counters: Counters, started: list[float]) -> None:
    request = client.session.request

    def timed_request(method: str, url: str, **kwargs: Any) -> Any:
        data = kwargs.get("data")
        record: dict[str, Any] = {"kind": _kind(method, url), "at": round(time.perf_counter() - started[0], 3), "sent": _body_length(data), "received": 0}
        begun = time.perf_counter()
        try:
            response = request(method, url, **kwargs)
            record["status"] = response.status_code
            record["received"] = len(response.content)
            return response
        except BaseException as exc:
            record["error"] = _describe(exc)
            raise
        finally:
            record["seconds"] = round(time.perf_counter() - begun, 3)
            counters.requests.append(record)

    client.session.request = timed_request


def _wrap_upload(client: Any, counters: Counters, started: list[float]) -> None:
    upload = client.upload_chunk

    def upload_chunk(sha256: str, offset: int, size: int, chunk: bytes, **kwargs: Any) -> Any:
        counters.chunk_calls += 1
        counters.offered_chunk_bytes += len(chunk)
        record: dict[str, Any] = {"offset": offset, "bytes": len(chunk), "at": round(time.perf_counter() - started[0], 3)}
        begun = time.perf_counter()
        try:
            state = upload(sha256, offset, size, chunk, **kwargs)  # on_sent: sync/ahead.py
        except BaseException as exc:
            counters.chunk_failures += 1
            record["error"] = _describe(exc)
            raise
        finally:
            record["seconds"] = round(time.perf_counter() - begun, 3)
            counters.chunks.append(record)
        counters.held[sha256] = state.received
        if state.complete:
            counters.complete[sha256] = state.size or size
        return state

    client.upload_chunk = upload_chunk


def _wrap_put_revision(client: Any, counters: Counters) -> None:
    put = client.put_revision

    def put_revision(uuid: str, revision: int, body: bytes, **kwargs: Any) -> Any:
        ack = put(uuid, revision, body, **kwargs)
        counters.bodies += 1
        counters.body_bytes += len(body)
        emit("delivered", uuid=uuid, revision=revision, mono=time.monotonic())
        return ack

    client.put_revision = put_revision


CODE_ENV = "RURAL_ENROLMENT_CODE"  # the enrolment code: in the environment, never in argv (docs/security.md, "Secrets")


def make_kiosk(root: Path, portal_url: str, code: str, kiosk_number: int, dossiers: int, size: int, seed: int) -> Any:
    """A kiosk enrolled over the link with `dossiers` dossiers waiting, each with one `size`-byte scan."""
    from bench.common import new_site, queue_dossiers
    from sync.enrolment import enrol

    ctx, officer = new_site(root / "kiosk", kiosk_number=kiosk_number)
    enrol(ctx, portal_url, code, actor="bench")  # over the emulated link, like a real first start
    queue_dossiers(ctx, officer, root, dossiers, size, seed)
    return ctx


def _report_fields(report: Any, seconds: float) -> dict[str, Any]:
    return {
        "seconds": round(seconds, 3),
        "reachable": report.reachable,
        "attempted": report.attempted,
        "delivered": report.delivered,
        "failed": report.failed,
        "remaining": report.remaining,
        "message": report.message,
        "errors": [e.message for e in report.errors],
    }


def ui_interval_jitter() -> float:
    """The window's INTERVAL_JITTER, read from its source like ui_interval_s()."""
    try:
        match = re.search(r"^INTERVAL_JITTER\s*=\s*([\d.]+)", (REPO / "ui" / "window" / "sync_controller.py").read_text(encoding="utf-8"), re.M)
    except OSError:
        match = None
    return float(match.group(1)) if match else 0.5


def run(args: argparse.Namespace) -> int:
    from sync.engine import Progress, SyncEngine, probe
    from sync.schedule import Reconnect, Step

    ctx = make_kiosk(Path(args.root), args.portal_url, os.environ[CODE_ENV], args.kiosk_number, args.dossiers, args.size, args.seed)
    counters = Counters()
    started = [time.perf_counter()]
    engine = SyncEngine(ctx, counting_factory(counters, started, args.connect_timeout), rng=random.Random(args.seed))  # a reproducible back-off

    def progress(event: Progress) -> None:
        emit("progress", code=event.code, sent=event.sent, total=event.total, at=round(time.perf_counter() - started[0], 3))

    emit("ready", attachment_bytes=args.dossiers * args.size)
    if sys.stdin.readline().strip() != "go":
        ctx.close()
        return 1  # the parent went away before starting the run
    started[0] = time.perf_counter()
    passes: list[dict[str, Any]] = []
    probes: list[dict[str, Any]] = []
    delivered = 0
    deadline = started[0] + args.deadline
    plan = Reconnect(args.retry_interval, ui_interval_jitter(), random.Random(args.seed + 1))
    step = Step("pass", 0.0)  # the first pass is the officer's "Đồng bộ ngay"; later ones follow the window's plan
    force = True
    while True:
        wait = step.at - (time.perf_counter() - started[0])
        if time.perf_counter() + max(0.0, wait) > deadline:
            break
        if wait > 0:
            time.sleep(wait)
        begun = time.perf_counter()
        if step.action == "probe":
            answered = probe(ctx)
            probes.append({"at": round(begun - started[0], 3), "seconds": round(time.perf_counter() - begun, 3), "answered": answered})
            emit("probe", **probes[-1])
            step = plan.after_probe(answered, time.perf_counter() - started[0], took=time.perf_counter() - begun)
            continue
        report = engine.run_once(force=force, progress=progress)
        passes.append({"force": force, "at": round(begun - started[0], 3), **_report_fields(report, time.perf_counter() - begun)})
        delivered += report.delivered
        emit("pass", **passes[-1])
        if args.mode == "goodput" or report.remaining == 0:
            break
        step = plan.after_pass(report, time.perf_counter() - started[0])
        force = False
    total_seconds = time.perf_counter() - started[0]
    ctx.close()
    emit("result", dossiers=args.dossiers, delivered=delivered, seconds=round(total_seconds, 3), passes=passes, probes=probes, counters=counters.summary())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rural_child", description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="scratch folder for this kiosk")
    parser.add_argument("--portal-url", required=True)
    parser.add_argument("--kiosk-number", type=int, required=True)
    parser.add_argument("--dossiers", type=int, default=2)
    parser.add_argument("--size", type=int, default=256 * 1024, help="bytes of the one scan attached to each dossier")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mode", choices=("goodput", "cut"), default="goodput")
    parser.add_argument("--deadline", type=float, default=240.0, help="mode cut: stop retrying after this many seconds")
    parser.add_argument("--connect-timeout", type=float, help="diagnostic only: replace the product's connect timeout")
    parser.add_argument("--retry-interval", type=float, default=ui_interval_s(), help="mode cut: seconds between passes (the window's timer)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
