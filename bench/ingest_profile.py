"""Where a dossier's CPU goes in the portal under the ingest replay (issue 17): a split and a profile.

    python -m bench.ingest_profile                 # 40 kiosks × 20 dossiers, SQLite, split + cProfile top lines
    python -m bench.ingest_profile --kiosks 200 --top 40 --prof /tmp/ingest.prof

How, and why this way:

* **The same requests as the figure.** `bench.ingest.prepare` enrols real kiosks and records one real sync pass
  each; the recorded bytes are replayed (`bench.ingest.replay`, all kiosks at once) against a fresh copy of the
  enrolled portal, exactly as `python -m bench --only ingest` does, only with fewer kiosks by default.
* **The real server, instrumented from outside.** The portal runs as `kiosk-portal serve` in its own process, started
  through this module (`child`), which wraps a few functions by name before the app is built and calls
  `portal.cli.main`: nothing in portal/ knows it is measured. uvicorn stops on SIGTERM, and the child writes what it
  measured to a JSON file.
* **A split by CPU time, not wall time.** Each wrapped function adds the calling thread's CPU time
  (`time.thread_time`) to its phase, less what nested wrapped functions took (phases are exclusive). What no
  wrapper claims — uvicorn, h11, Starlette, FastAPI's dependency solving, the middleware, the event loop, the
  thread-pool hops, sessions and the pool — is "http and framework": the process's CPU from /proc minus the phases.
  The phases are looked up by name in both the old and the new code (a name that does not exist is skipped).
* **The profile is a second pass** on a fresh copy: cProfile in every thread (the event loop's and each worker
  thread's, started through `threading.setprofile`), timed by `time.thread_time`, merged. Its overhead would
  distort the split, so the split comes from the first pass.
"""

from __future__ import annotations

import functools
import io
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

PHASES: tuple[tuple[str, str, str], ...] = (
    # (phase, module whose attribute the caller looks up at call time, attribute path)
    ("authentication", "portal.deps", "authenticate"),  # the old per-request read session (other routes still use it)
    ("authentication", "portal.services.credentials", "authenticate_row"),  # the new one-statement check in the write transaction
    ("validation", "portal.routes.revisions", "parse_dossier_body"),
    ("database", "portal.services.revisions", "put_revision"),
    ("commit", "sqlalchemy.engine.base", "Connection._commit_impl"),
)
RESULT_ENV = "KIOSK_INGEST_PROFILE_OUT"
CPROFILE_ENV = "KIOSK_INGEST_PROFILE_CPROFILE"


# --- in the portal's process -------------------------------------------------------------------------------


class _Phases:
    """CPU seconds per phase, exclusive of nested phases, summed over threads."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._lock = threading.Lock()
        self._local = threading.local()

    def wrap(self, phase: str, fn: Any) -> Any:
        @functools.wraps(fn)
        def measured(*args: Any, **kwargs: Any) -> Any:
            stack = self._local.__dict__.setdefault("stack", [])
            stack.append(0.0)
            started = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent = time.thread_time() - started
                nested = stack.pop()
                if stack:
                    stack[-1] += spent
                with self._lock:
                    self.cpu[phase] = self.cpu.get(phase, 0.0) + spent - nested
                    self.calls[phase] = self.calls.get(phase, 0) + 1

        return measured

    def install(self) -> list[str]:
        """Wrap every phase target that exists; returns the ones wrapped."""
        import importlib

        done = []
        for phase, module_name, path in PHASES:
            try:
                owner: Any = importlib.import_module(module_name)
            except ImportError:
                continue
            *parents, name = path.split(".")
            for part in parents:
                owner = getattr(owner, part, None)
            if owner is None or not hasattr(owner, name):
                continue
            setattr(owner, name, self.wrap(phase, getattr(owner, name)))
            done.append(f"{module_name}.{path}")
        return done


def _thread_profiles() -> list[Any]:
    """cProfile in this thread and in every thread started from now on (each its own profiler, CPU-timed)."""
    import cProfile

    profiles: list[Any] = []

    def start_here(*_: Any) -> None:
        sys.setprofile(None)
        profile = cProfile.Profile(time.thread_time)
        profiles.append(profile)
        profile.enable()

    threading.setprofile(start_here)
    start_here()
    return profiles


def child(argv: list[str]) -> int:
    """Run `portal.cli` with `argv` (as `python -m portal.cli …` would) measured; write the results on exit."""
    out = Path(os.environ[RESULT_ENV])
    profiles = _thread_profiles() if os.environ.get(CPROFILE_ENV) else []
    phases = _Phases()
    wrapped = phases.install() if not profiles else []
    import portal.cli

    # uvicorn stops on SIGTERM and then raises it again with the handler it found: this one lets `finally` run.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        return portal.cli.main(argv)
    finally:
        result: dict[str, Any] = {"phases_cpu_s": phases.cpu, "phase_calls": phases.calls, "wrapped": wrapped}
        if profiles:
            import pstats

            for profile in profiles:
                profile.create_stats()
            stats = pstats.Stats(profiles[0])
            for profile in profiles[1:]:
                stats.add(profile)
            stats.dump_stats(str(out.with_suffix(".prof")))
        out.write_text(json.dumps(result), encoding="utf-8")


# --- driving it -------------------------------------------------------------------------------------------


def measure_pass(prepared: Any, folder: Path, *, cprofile: bool) -> dict[str, Any]:
    """One replay of the recorded passes against a fresh copy of the portal run by `child`."""
    from bench.ingest import process_cpu_s, product_steps, replay
    from portal_server import start_portal

    shutil.copytree(prepared.portal_template, folder)
    out = folder / "profile.json"
    env = {RESULT_ENV: str(out), **({CPROFILE_ENV: "1"} if cprofile else {})}
    prefix = [sys.executable, "-m", "bench.ingest_profile", "child"]
    with start_portal(folder, extra_args=["--port", str(prepared.port)], env=env, command_prefix=prefix) as portal:
        plans = {k: product_steps(r) for k, r in prepared.recorded.items()}
        cpu_before = process_cpu_s(portal.process.pid)
        samples, origin, end = replay(plans, prepared.port)
        cpu = process_cpu_s(portal.process.pid) - cpu_before
    result = json.loads(out.read_text(encoding="utf-8"))
    dossiers = sum(1 for s in samples if s.dossier and s.status in (200, 201))
    result.update(cpu_s=cpu, dossiers=dossiers, requests=len(samples), wall_s=end - origin, prof=str(out.with_suffix(".prof")))
    return result


def split(result: dict[str, Any]) -> dict[str, float]:
    """CPU milliseconds per dossier: each phase, and the rest of the process as "http and framework"."""
    per = 1000.0 / max(1, result["dossiers"])
    phases = {name: round(cpu * per, 3) for name, cpu in sorted(result["phases_cpu_s"].items())}
    phases["http and framework (the rest)"] = round(result["cpu_s"] * per - sum(phases.values()), 3)
    phases["total"] = round(result["cpu_s"] * per, 3)
    return phases


def top_lines(prof: str, count: int, key: str) -> str:
    import pstats

    text = io.StringIO()
    stats = pstats.Stats(prof, stream=text)
    stats.sort_stats(key).print_stats(count)
    lines = text.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().startswith("ncalls")), 0)
    return "\n".join(line.replace(str(Path(sys.prefix)), "…") for line in lines[start:] if line.strip())


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.ingest_profile", description=__doc__.splitlines()[0])
    parser.add_argument("--kiosks", type=int, default=40)
    parser.add_argument("--queue", type=int, default=20)
    parser.add_argument("--top", type=int, default=25, help="profile lines to print (by own time, then by cumulative time)")
    parser.add_argument("--prof", type=Path, help="also keep the merged cProfile file here (for snakeviz, pstats …)")
    parser.add_argument("--no-profile", action="store_true", help="the split only")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from bench.ingest import prepare

    with tempfile.TemporaryDirectory(prefix="kiosk-ingest-profile-") as name:
        scratch = Path(name)
        prepared = prepare(scratch, args.kiosks, args.queue, 0)
        first = measure_pass(prepared, scratch / "split", cprofile=False)
        report: dict[str, Any] = {
            "dossiers": first["dossiers"], "requests": first["requests"], "wall_s": round(first["wall_s"], 2),
            "dossiers_per_s": round(first["dossiers"] / first["wall_s"], 1), "wrapped": first["wrapped"],
            "cpu_ms_per_dossier": split(first),
        }
        print(json.dumps(report, indent=2))
        if not args.no_profile:
            second = measure_pass(prepared, scratch / "profile", cprofile=True)
            print(f"\n# cProfile (CPU time, all threads), {second['dossiers']} dossiers; by own time")
            print(top_lines(second["prof"], args.top, "tottime"))
            print("\n# by cumulative time")
            print(top_lines(second["prof"], args.top, "cumulative"))
            if args.prof:
                shutil.copy(second["prof"], args.prof)
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        # start_portal's command with this module as its prefix: `child python -m portal.cli ARGS…`
        rest = sys.argv[2:]
        sys.exit(child(rest[rest.index("portal.cli") + 1 :]))
    sys.exit(main())
