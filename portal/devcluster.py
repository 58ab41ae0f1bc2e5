"""A throwaway PostgreSQL cluster: the portal's tests run on it as well as on SQLite, and the ingest bench measures on it.

Development tooling, not part of serving: the tests import it through tests/support/pg_cluster.py, bench/ingest.py
directly (bench may not import tests' modules as a package).

    cluster = PgCluster(server_bindir())   # None when no server binaries are installed (the tests skip, saying so)
    cluster.start()                        # initdb --auth=trust, TCP on 127.0.0.1 on a free port; bounded in time
    with cluster.portal_database() as url: # a fresh database per test, copied from a migrated template
        ...
    cluster.stop()                         # also at interpreter exit, whatever happened
    cluster.backend_pids()                 # the server's processes (bench/ingest.py reads their CPU from /proc)

Why this shape (docs/portal.md, "Tests on PostgreSQL"):
- the binaries come from `pg_config --bindir` or `/usr/lib/postgresql/*/bin`, never PATH: Debian puts only the
  client wrappers on PATH, and `initdb`/`pg_ctl` live in the versioned folder;
- the cluster's folder is made with `mkdtemp` and given to the `postgres` user when we run as root (CI does):
  `initdb` and `postgres` refuse to run as root, and pytest's own temporary folders are closed to other users;
- one cluster per session, one database per test copied with `CREATE DATABASE … TEMPLATE` from a database the
  migrations ran on once: a copy takes tens of milliseconds, a cluster seconds.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

START_TIMEOUT_S = 60  # initdb and the server's start, each
STOP_TIMEOUT_S = 20
SERVER_USER = "postgres"  # who runs initdb and the server when the tests run as root
TEMPLATE = "portal_template"
SERVER_SETTINGS = (
    "max_connections=200",  # each portal process pools up to 15 connections; a few run at once in some tests
)
# For the tests only: durability buys nothing in a cluster thrown away after the run, and costs a disk flush per
# commit on a shared machine. A benchmark keeps PostgreSQL's defaults (`durable=True`): a figure measured without
# the flush the portal's SQLite pays (synchronous=FULL) would be a weakened guarantee, not a faster portal.
UNDURABLE_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")


def server_bindir() -> Path | None:
    """The folder holding `initdb`, `pg_ctl` and `postgres`, or None when the server is not installed."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        result = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=30)
        if result.returncode == 0 and result.stdout.strip():
            candidates.append(Path(result.stdout.strip()))

    def version(path: str) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", Path(path).parent.name)) or (0,)

    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)]
    for folder in candidates:
        if all((folder / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ClusterFailed(RuntimeError):
    """The server binaries exist but the cluster did not start: a test failure, never a skip."""


class PgCluster:
    """One PostgreSQL server in a temporary folder, reachable on 127.0.0.1:<port> as user postgres, no password."""

    def __init__(self, bindir: Path, *, durable: bool = False) -> None:
        self.bindir = bindir
        self.durable = durable
        self.folder: Path | None = None
        self.port = 0
        self._started = False
        self._names = itertools.count(1)
        self._template_ready = False

    # --- life --------------------------------------------------------------------------------------

    def _as_server_user(self) -> list[str]:
        """`runuser -u postgres --` when we are root (initdb refuses root), else nothing: the current user runs it."""
        return ["runuser", "-u", SERVER_USER, "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str, timeout: float) -> None:
        command = [*self._as_server_user(), *args]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=self.folder)
        except subprocess.TimeoutExpired as exc:
            raise ClusterFailed(f"{Path(args[0]).name} took more than {timeout:.0f} s:\n{self._log_tail()}") from exc
        except OSError as exc:
            raise ClusterFailed(f"cannot run {' '.join(command)}: {exc}") from exc
        if result.returncode != 0:
            raise ClusterFailed(f"{' '.join(command)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}\n{self._log_tail()}")

    def _log_tail(self) -> str:
        try:
            return (self.folder / "server.log").read_text(errors="replace")[-4000:] if self.folder else ""
        except OSError:
            return ""

    def start(self) -> None:
        """initdb, then start the server on a free port; raises ClusterFailed (with the server's log) on failure."""
        self.folder = Path(tempfile.mkdtemp(prefix="kiosk-pg-"))
        atexit.register(self.stop)  # the session finaliser stops it; this covers an interpreter that dies first
        if os.geteuid() == 0:
            try:
                entry = pwd.getpwnam(SERVER_USER)
            except KeyError:
                raise ClusterFailed(f"running as root, and there is no {SERVER_USER!r} user to run initdb as "
                                    "(Debian's postgresql package makes it)") from None
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        data = self.folder / "data"
        self._run(str(self.bindir / "initdb"), "-D", str(data), "--auth=trust", "--username=postgres",
                  "--encoding=UTF8", "--locale=C", "--no-sync", timeout=START_TIMEOUT_S)
        self.port = _free_port()
        options = " ".join([f"-p {self.port}", "-c listen_addresses=127.0.0.1", f"-k {self.folder}",
                            *(f"-c {setting}" for setting in self.settings())])
        self._started = True  # from here on stop() has something to stop, even if the start below fails half-way
        self._run(str(self.bindir / "pg_ctl"), "-D", str(data), "-l", str(self.folder / "server.log"), "-o", options,
                  "-w", "-t", str(START_TIMEOUT_S), "start", timeout=START_TIMEOUT_S + 10)

    def settings(self) -> tuple[str, ...]:
        """The server's `-c` settings: PostgreSQL's durable defaults for a benchmark, without the flushes for tests."""
        return SERVER_SETTINGS if self.durable else SERVER_SETTINGS + UNDURABLE_SETTINGS

    def stop(self) -> None:
        """Stop the server (immediately: nothing in it is worth keeping) and remove its folder; safe to call twice."""
        if self.folder is None:
            return
        if self._started:
            self._started = False
            try:
                self._run(str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "-w",
                          "-t", str(STOP_TIMEOUT_S), "stop", timeout=STOP_TIMEOUT_S + 10)
            except ClusterFailed:
                pass  # not running (it never came up, or died): nothing to stop
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None

    def running(self) -> bool:
        return self.folder is not None and subprocess.run(
            [*self._as_server_user(), str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"), "status"], capture_output=True, timeout=30,
        ).returncode == 0

    def postmaster_pid(self) -> int | None:
        """The server's main process (first line of postmaster.pid), or None when it is not running."""
        try:
            return int((self.folder / "data" / "postmaster.pid").read_text().split()[0]) if self.folder else None
        except (OSError, ValueError, IndexError):
            return None

    def backend_pids(self) -> list[int]:
        """The server's processes now: the postmaster and its children (backends, writer, WAL writer …)."""
        main = self.postmaster_pid()
        if main is None:
            return []
        children: list[int] = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == main:
                children.append(int(stat.parent.name))
        return [main, *children]

    # --- databases ---------------------------------------------------------------------------------

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str) -> None:
        """One statement outside a transaction (CREATE/DROP DATABASE cannot run inside one)."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True, connect_timeout=30) as conn:
            conn.execute(sql)

    @contextmanager
    def database(self, template: str = "template0") -> Iterator[str]:
        """A new empty database (or a copy of `template`), dropped afterwards: yields its SQLAlchemy URL."""
        name = f"test_{os.getpid()}_{next(self._names)}"
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        try:
            yield self.url(name)
        finally:
            if self._started:
                self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _ensure_portal_template(self) -> None:
        """The portal's schema, migrated once per session into a template database the tests copy."""
        if self._template_ready:
            return
        from portal.schema import migrate
        from sqlalchemy import create_engine

        self.execute(f'CREATE DATABASE "{TEMPLATE}" TEMPLATE template0')
        engine = create_engine(self.url(TEMPLATE))
        try:
            migrate(engine)
        finally:
            engine.dispose()  # a template with a connection open cannot be copied
        self._template_ready = True

    @contextmanager
    def portal_database(self) -> Iterator[str]:
        """A fresh database already at the portal's newest schema (what `kiosk-portal migrate` leaves)."""
        self._ensure_portal_template()
        with self.database(TEMPLATE) as url:
            yield url
