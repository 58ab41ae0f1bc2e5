"""A real `kiosk-portal serve` process on 127.0.0.1 for tests (import it; it is not a conftest).

    from portal_server import portal          # the pytest fixture (one portal per test)
    from portal_server import start_portal    # the context manager behind it

    def test_something(portal):
        kiosk_id, secret = portal.enrol("000.00.07.H26", 1)
        requests.get(portal.url + "/api/v1/health")
        portal.run_cli("set-status", code, "4")

The server runs `python -m portal.cli --db sqlite:///<tmp>/portal.db serve --host 127.0.0.1 --port 0`;
its stderr (the portal's log) goes to `<tmp>/portal.log`, attachments to `<tmp>/portal-files/`.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 30.0  # seconds to wait for the URL line
STOP_TIMEOUT = 10.0  # seconds between terminate and kill
CLI_TIMEOUT = 60.0
TEST_DB_ENV = "KIOSK_PORTAL_TEST_DB"


def portal_command(db_url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "portal.cli", "--db", db_url, *args]


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("KIOSK_PORTAL_DB", None)
    env.pop("KIOSK_PORTAL_FILES", None)
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env.update(extra or {})
    return env


@dataclass
class PortalServer:
    url: str
    db_url: str
    root: Path
    process: subprocess.Popen
    log_path: Path
    env: dict[str, str] = field(repr=False, default_factory=dict)

    @property
    def files_dir(self) -> Path:
        """Where complete attachments are kept, as `<files_dir>/<sha256>`."""
        return self.root / "portal-files"

    attachments_dir = files_dir

    @property
    def api(self) -> str:
        return self.url + "/api/v1"

    def run_cli(self, *args: str, check: bool = True, timeout: float = CLI_TIMEOUT) -> subprocess.CompletedProcess:
        """`python -m portal.cli --db <db_url> ARGS…` (text output); raises on a non-zero exit when `check`."""
        result = subprocess.run(
            portal_command(self.db_url, *[str(a) for a in args]),
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"kiosk-portal {' '.join(map(str, args))} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
        return result

    def enrolment_code(self, unit_id: str, kiosk_number: int) -> str:
        return self.run_cli("enrolment-code", "--unit-id", unit_id, "--kiosk-number", str(kiosk_number)).stdout.strip()

    def enrol(self, unit_id: str, kiosk_number: int) -> tuple[str, str]:
        """Issue a code with the CLI and exchange it over HTTP: returns (kiosk_id, secret)."""
        code = self.enrolment_code(unit_id, kiosk_number)
        response = requests.post(
            self.api + "/enrol",
            json={"code": code, "unit_id": unit_id, "kiosk_number": kiosk_number, "app_version": "test"},
            timeout=30,
        )
        assert response.status_code == 201, response.text
        answer = response.json()
        return answer["kiosk_id"], answer["secret"]

    @staticmethod
    def auth_header(kiosk_id: str, secret: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {kiosk_id}:{secret}"}

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def alive(self) -> bool:
        return self.process.poll() is None


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)


@contextmanager
def start_portal(
    tmp_path: Path,
    *,
    extra_args: Sequence[str] = (),
    env: dict[str, str] | None = None,
    db_url: str | None = None,
    host: str = "127.0.0.1",
    command_prefix: Sequence[str] = (),
    workers: int = 1,
) -> Iterator[PortalServer]:
    """Start a portal on a free port of `host` with its database in `tmp_path`; stop it on exit.

    `workers` above 1 runs `serve --workers N` (PostgreSQL only): `process` is then the parent, which stops its
    workers when it is terminated.

    `db_url` (or the environment variable KIOSK_PORTAL_TEST_DB, e.g. an empty PostgreSQL database) replaces
    the SQLite file; attachments stay in `tmp_path/portal-files`. `command_prefix` runs the portal through
    another command that execs it (bench/rural.py: `ip netns exec NS`), so the pid stays the portal's own.
    """
    root = Path(tmp_path)
    root.mkdir(parents=True, exist_ok=True)
    db_url = db_url or os.environ.get(TEST_DB_ENV) or f"sqlite:///{(root / 'portal.db').as_posix()}"
    log_path = root / "portal.log"
    full_env = _env(env)
    log_file = open(log_path, "ab")
    process = subprocess.Popen(
        [*command_prefix, *portal_command(db_url, "--files", str(root / "portal-files"), "serve", "--host", host, "--port", "0",
                                             *(("--workers", str(workers)) if workers != 1 else ()), *extra_args)],
        cwd=root,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=log_file,
        stdin=subprocess.DEVNULL,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:  # keep reading so the pipe never fills; the first URL line is the ready signal
        assert process.stdout is not None
        for raw in process.stdout:
            lines.put(raw.decode("utf-8", "replace").strip())
        lines.put(None)

    threading.Thread(target=pump, name="portal-stdout", daemon=True).start()
    try:
        url = None
        deadline = time.monotonic() + READY_TIMEOUT
        while url is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RuntimeError(f"portal did not print its URL within {READY_TIMEOUT:.0f} s:\n{log_path.read_text(errors='replace')}")
            try:
                line = lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                process.wait(timeout=STOP_TIMEOUT)
                raise RuntimeError(f"portal exited with {process.returncode} before it was ready:\n{log_path.read_text(errors='replace')}")
            if line.startswith("http://"):
                url = line
        yield PortalServer(url=url, db_url=db_url, root=root, process=process, log_path=log_path, env=full_env)
    finally:
        _stop(process)
        log_file.close()


POSTGRESQL_WORKERS = 2  # the portal fixture on PostgreSQL: several stateless workers, as a deployment would run


def workers_for(db_url: str | None) -> int:
    """SQLite serves with one worker (more are refused); PostgreSQL with POSTGRESQL_WORKERS, so every test that runs on
    both backends also proves that any worker can answer any request."""
    return POSTGRESQL_WORKERS if db_url and db_url.startswith("postgresql") else 1


@pytest.fixture
def portal(tmp_path: Path, portal_db_url: str | None) -> Iterator[PortalServer]:
    """A fresh portal process (own database and files) for one test: SQLite unless the module asks for both
    backends (`portal_db_url` below; the default in tests/conftest.py is SQLite); on PostgreSQL with 2 workers."""
    with start_portal(tmp_path / "portal", db_url=portal_db_url, workers=workers_for(portal_db_url)) as server:
        yield server


BACKENDS = ("sqlite", "postgresql")


@contextmanager
def backend_database(request: pytest.FixtureRequest, backend: str) -> Iterator[str | None]:
    """None for SQLite (start_portal makes its own file), else a fresh PostgreSQL database at the newest schema on
    the session's cluster (fixture `pg_cluster`, tests/conftest.py: skipped only where no server is installed)."""
    if backend == "sqlite":
        yield None
        return
    with request.getfixturevalue("pg_cluster").portal_database() as url:
        yield url


@pytest.fixture(params=BACKENDS)
def on_both_backends(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """Import as `portal_db_url` to run every test of a module that uses `portal` on SQLite and on PostgreSQL:

        from portal_server import on_both_backends as portal_db_url  # noqa: F401
    """
    with backend_database(request, request.param) as url:
        yield url
