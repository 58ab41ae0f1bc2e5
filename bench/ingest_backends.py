"""The ingest figure's backends (bench/ingest.py): PostgreSQL with N workers and SQLite with one, same requests.

* **PostgreSQL** runs in a throwaway cluster of its own (portal/devcluster.py, the code the tests use). The enrolled
  portal is prepared once on SQLite (bench/ingest.py `prepare`); its rows are copied into a migrated PostgreSQL
  database that every run copies with `CREATE DATABASE … TEMPLATE`, so both backends hold the same kiosks and
  credentials and the recorded requests replay unchanged on either.
* **Workers** go through one function, `serve_args`: `kiosk-portal serve --workers N` where the command takes it,
  else one worker (the figure's name says which ran).
* **CPU per dossier** from /proc: the serve process and its children (the workers), and the cluster's processes
  (postmaster and backends; a backend started during the run counts from zero).
* **Exactly once** is checked after every product run from the delivery log: each delivered revision held once,
  with exactly one `created` delivery; nothing refused.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

TEMPLATE_DB = "ingest_template"


@functools.lru_cache(maxsize=1)
def serve_takes_workers() -> bool:
    """Whether this checkout's `kiosk-portal serve` has `--workers` (another branch adds it)."""
    result = subprocess.run([sys.executable, "-m", "portal.cli", "serve", "--help"], capture_output=True, text=True, timeout=60)
    return "--workers" in result.stdout


def serve_args(workers: int) -> tuple[list[str], int]:
    """`serve`'s arguments for `workers` worker processes, and how many will run (1 where `--workers` is not there yet)."""
    if workers <= 1 or not serve_takes_workers():
        return [], 1
    return ["--workers", str(workers)], workers


# --- PostgreSQL -------------------------------------------------------------------------------------------------


def start_cluster() -> Any:
    """A started throwaway cluster, or None where no PostgreSQL server is installed (the figure then says so)."""
    from portal.devcluster import PgCluster, server_bindir

    bindir = server_bindir()
    if bindir is None:
        return None
    cluster = PgCluster(bindir, durable=True)  # fsync and synchronous commit on, as a province would run it
    cluster.start()
    return cluster


def make_pg_template(cluster: Any, sqlite_db: Path) -> str:
    """A migrated PostgreSQL database holding the rows of the enrolled SQLite portal; returns its name."""
    from sqlalchemy import Integer, create_engine, func, select, text
    from sqlalchemy.dialects import postgresql

    from portal.db import Base
    from portal.schema import migrate
    import portal.models  # noqa: F401 - the tables on Base.metadata

    cluster.execute(f'CREATE DATABASE "{TEMPLATE_DB}" TEMPLATE template0')
    source = create_engine(f"sqlite:///{sqlite_db.as_posix()}")
    target = create_engine(cluster.url(TEMPLATE_DB))
    try:
        migrate(target)
        with source.connect() as src, target.begin() as dst:
            for table in Base.metadata.sorted_tables:
                rows = [dict(r._mapping) for r in src.execute(select(table))]
                if not rows:
                    continue
                dst.execute(postgresql.insert(table).on_conflict_do_nothing(), rows)  # rows the migrations seed are there
                keys = list(table.primary_key.columns)
                if len(keys) == 1 and isinstance(keys[0].type, Integer):  # the copied ids were explicit: move the sequence past them
                    top = dst.execute(select(func.max(keys[0]))).scalar()
                    dst.execute(text("SELECT setval(pg_get_serial_sequence(:t, :c), :v)"), {"t": table.name, "c": keys[0].name, "v": top})
    finally:
        source.dispose()
        target.dispose()  # a template with a connection open cannot be copied
    return TEMPLATE_DB


# --- CPU from /proc ---------------------------------------------------------------------------------------------


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, user + system CPU seconds) of a process, or None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_tree_cpu(root: int) -> dict[int, float]:
    """CPU seconds of `root` and every process below it, by pid."""
    table = {int(p.name): s for p in Path("/proc").iterdir() if p.name.isdigit() and (s := _stat(int(p.name))) is not None}
    out, frontier = {}, [root]
    while frontier:
        pid = frontier.pop()
        if pid in table:
            out[pid] = table[pid][1]
            frontier += [child for child, (parent, _) in table.items() if parent == pid]
    return out


def cpu_snapshot(portal_pid: int, cluster: Any | None) -> dict[str, dict[int, float]]:
    snapshot = {"portal": process_tree_cpu(portal_pid)}
    if cluster is not None:
        snapshot["postgres"] = {pid: cpu for pid in cluster.backend_pids() if (s := _stat(pid)) is not None for cpu in [s[1]]}
    return snapshot


def cpu_spent(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]) -> dict[str, float]:
    """CPU seconds spent between two snapshots per role (a process that appeared in between counts from zero)."""
    return {role: sum(cpu - before.get(role, {}).get(pid, 0.0) for pid, cpu in pids.items()) for role, pids in after.items()}


# --- exactly once -----------------------------------------------------------------------------------------------


def check_exactly_once(db_url: str, delivered: set[tuple[str, int]]) -> dict[str, int]:
    """The delivery log after a run: every revision delivered held once with one `created` delivery, none refused.

    `delivered` is the (uuid, revision) of every dossier PUT the replay saw acknowledged. Raises AssertionError.
    """
    from sqlalchemy import func, select

    from portal.db import Database
    from portal.models import Delivery, DossierRevision

    db = Database(db_url)
    try:
        with db.read() as session:
            held = {(u, r) for u, r in session.execute(select(DossierRevision.dossier_uuid, DossierRevision.revision))}
            created = session.execute(
                select(Delivery.dossier_uuid, Delivery.revision, func.count()).where(Delivery.outcome == "created")
                .group_by(Delivery.dossier_uuid, Delivery.revision)
            ).all()
            outcomes = dict(session.execute(select(Delivery.outcome, func.count()).group_by(Delivery.outcome)).all())
    finally:
        db.dispose()
    twice = [(u, r) for u, r, n in created if n != 1]
    expected = {(u.lower(), r) for u, r in delivered}
    problems = []
    if held != expected:
        problems.append(f"{len(held)} revisions held, {len(expected)} acknowledged, {len(held ^ expected)} differ")
    if twice or {(u, r) for u, r, _ in created} != held:
        problems.append(f"created deliveries do not match the revisions held one to one ({len(twice)} more than once)")
    refused = {k: v for k, v in outcomes.items() if k in ("conflict", "forbidden", "invalid")}  # missing_attachments: asked again later
    if refused:
        problems.append(f"refused deliveries: {refused}")
    if problems:
        raise AssertionError("exactly-once check failed: " + "; ".join(problems))
    return {"revisions_held": len(held), "created": outcomes.get("created", 0), "repeats": outcomes.get("repeat", 0)}
