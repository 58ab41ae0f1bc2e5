"""`kiosk-portal serve --workers N` (docs/portal.md, "Deployment: several workers"): real processes on PostgreSQL.

Two workers share the port and both answer; the tracking page's rate limit and a kiosk's revocation hold across
them (every piece of state is in the database); SQLite refuses more than one worker; a schema older than the code
is refused once by the parent; SIGTERM to the parent stops every worker.

A connection stays with the worker that accepted it, so a kept-alive `requests.Session` is "a client of one
worker": `pinned_sessions` opens connections until it holds one to each worker (health/ready names the pid).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine

from portal_server import STOP_TIMEOUT, PortalServer, _env, portal_command, start_portal

UNIT = "000.00.07.H26"
WORKERS = 2
RATE = 5
TIMEOUT = 30
MAX_CONNECTIONS = 400  # fresh connections tried before concluding a worker never accepts one


@pytest.fixture
def pg_url(pg_cluster) -> Iterator[str]:
    with pg_cluster.portal_database() as url:
        yield url


def ready(session: requests.Session, server: PortalServer) -> dict:
    answer = session.get(server.api + "/health/ready", timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    return answer.json()


def pinned_sessions(server: PortalServer) -> dict[int, requests.Session]:
    """One kept-alive session per worker pid; fails if fewer than WORKERS pids answer within MAX_CONNECTIONS connections."""
    sessions: dict[int, requests.Session] = {}
    for _ in range(MAX_CONNECTIONS):
        session = requests.Session()
        pid = ready(session, server)["pid"]
        if pid in sessions:
            session.close()
            continue
        sessions[pid] = session
        if len(sessions) == WORKERS:
            return sessions
    raise AssertionError(f"only workers {sorted(sessions)} answered {MAX_CONNECTIONS} connections")


def alive(pid: int) -> bool:
    """A process that exists and is not a zombie (an exited child nobody reaped yet is gone for our purpose)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_two_workers_both_answer_and_every_answer_says_which(pg_url: str, tmp_path: Path) -> None:
    with start_portal(tmp_path / "portal", db_url=pg_url, workers=WORKERS) as server:
        sessions = pinned_sessions(server)
        assert len(sessions) == WORKERS and server.process.pid not in sessions  # the parent supervises, serves nothing
        for pid, session in sessions.items():
            answer = ready(session, server)
            assert answer == {"service": "mot-cua-portal", "ready": True, "pid": pid, "revision": answer["revision"], "problems": []}
            assert requests.get(server.api + "/health", timeout=TIMEOUT).json()["service"] == "mot-cua-portal"


def test_the_tracking_rate_limit_is_one_count_across_workers(pg_url: str, tmp_path: Path) -> None:
    with start_portal(tmp_path / "portal", db_url=pg_url, workers=WORKERS, extra_args=["--tracking-rate", str(RATE)]) as server:
        sessions = list(pinned_sessions(server).values())
        answers = [sessions[i % WORKERS].get(server.url + "/tra-cuu/KHONG-CO", timeout=TIMEOUT) for i in range(2 * RATE)]
        statuses = [a.status_code for a in answers]
        assert statuses == [404] * RATE + [429] * RATE  # one client, alternating workers: RATE look-ups in all, not per worker
        assert all(1 <= int(a.headers["Retry-After"]) <= 60 for a in answers[RATE:])
        assert "Tra cứu quá nhiều lần" in answers[-1].text


def test_a_revoked_kiosk_is_refused_by_every_worker_at_once(pg_url: str, tmp_path: Path) -> None:
    with start_portal(tmp_path / "portal", db_url=pg_url, workers=WORKERS) as server:
        kiosk_id, secret = server.enrol(UNIT, 1)
        auth = server.auth_header(kiosk_id, secret)
        sessions = pinned_sessions(server)
        for session in sessions.values():
            assert session.get(server.api + "/status-changes", headers=auth, timeout=TIMEOUT).status_code == 200
        server.run_cli("revoke", "--kiosk", kiosk_id)
        for pid, session in sessions.items():
            assert session.get(server.api + "/status-changes", headers=auth, timeout=TIMEOUT).status_code == 401, pid


def test_sigterm_to_the_parent_stops_every_worker(pg_url: str, tmp_path: Path) -> None:
    with start_portal(tmp_path / "portal", db_url=pg_url, workers=WORKERS) as server:
        pids = list(pinned_sessions(server))
        assert all(alive(pid) for pid in pids)
        server.process.terminate()
        assert server.process.wait(timeout=STOP_TIMEOUT) == 0
        assert [pid for pid in pids if alive(pid)] == []
        log = server.log()
        assert "Received SIGTERM" in log and all(f"Started server process [{pid}]" in log for pid in pids)  # workers log too


def serve(db_url: str, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """`serve` expected to refuse to start (it exits by itself; the timeout only stops a wrong start)."""
    return subprocess.run(portal_command(db_url, "--files", str(cwd / "files"), "serve", "--port", "0", *args), cwd=cwd, env=_env(),
                          capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT)


def test_sqlite_refuses_more_than_one_worker_and_says_why(tmp_path: Path) -> None:
    result = serve(f"sqlite:///{(tmp_path / 'portal.db').as_posix()}", tmp_path, "--workers", "2")
    assert result.returncode == 2
    assert "SQLite" in result.stderr and "BEGIN IMMEDIATE" in result.stderr and "PostgreSQL" in result.stderr
    assert result.stdout == ""  # no ready line


def test_an_older_schema_is_refused_once_by_the_parent_before_any_worker_starts(pg_cluster, tmp_path: Path) -> None:
    from portal.schema import _alembic, head_revision

    with pg_cluster.database() as url:
        engine = create_engine(url)
        try:
            with engine.begin() as connection:
                _alembic(connection, to="0003")
        finally:
            engine.dispose()
        result = serve(url, tmp_path, "--workers", "2")
    assert result.returncode == 1
    assert f"bản 0003, cũ hơn bản {head_revision()}" in result.stderr and "kiosk-portal migrate" in result.stderr
    assert result.stderr.count("kiosk-portal migrate") == 1 and "Started server process" not in result.stderr
    assert result.stdout == ""
