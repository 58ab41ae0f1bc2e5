"""The status cursor is exact under concurrent writers (issue 17, item 4; docs/sync-protocol.md "Status changes").

A kiosk pages its status changes with `since`/`next`. On PostgreSQL, writers commit in any order: a change written
first may commit last. The kiosk must never skip one (a cursor that passed it) nor get one twice. These tests pull
through the real HTTP endpoint of a real portal process, while writers append with the portal's own service.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import uuid as uuid_module
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests

from portal.db import Database
from portal.models import Dossier, Kiosk
from portal.services.status_changes import record_change
from portal_server import BACKENDS, REPO, PortalServer, backend_database, start_portal

UNIT = "000.00.07.H26"
TIMEOUT = 30
WRITER = Path(__file__).resolve().parents[2] / "support" / "status_writer.py"


@pytest.fixture(params=BACKENDS)
def srv(request: pytest.FixtureRequest, tmp_path: Path):
    with backend_database(request, request.param) as db_url, start_portal(tmp_path / "portal", db_url=db_url) as server:
        yield server


def _seed(db: Database, kiosk_id: str, count: int) -> list[str]:
    """`count` dossiers of the kiosk's slot, held by the portal (how they arrived is not this test's business)."""
    uuids = [str(uuid_module.uuid4()) for _ in range(count)]
    with db.transaction() as session:
        for n, uuid in enumerate(uuids):
            session.add(Dossier(
                uuid=uuid, code=f"CUR-{uuid[:8]}-{n}", unit_id=UNIT, kiosk_number=1, kiosk_id=kiosk_id, revision=1,
                procedure_code="1.000001", procedure_version="1", tracking_token=uuid.replace("-", ""),
            ))
    return uuids


class Reader:
    """A kiosk paging its status changes as sync/status_pull.py does: `since` = the previous answer's `next`."""

    def __init__(self, srv: PortalServer, kiosk_id: str, secret: str, limit: int = 100) -> None:
        self.url = srv.api + "/status-changes"
        self.headers = srv.auth_header(kiosk_id, secret)
        self.limit = limit
        self.cursor = ""
        self.seen: list[dict] = []

    def pull(self) -> None:
        """Page until `more` is false."""
        while True:
            response = requests.get(self.url, params={"since": self.cursor, "limit": self.limit}, headers=self.headers, timeout=TIMEOUT)
            assert response.status_code == 200, response.text
            page = response.json()
            self.seen.extend(page["changes"])
            self.cursor = page["next"]
            if not page["more"]:
                return


def test_a_change_committed_after_a_later_one_is_not_skipped(srv: PortalServer) -> None:
    kiosk_id, secret = srv.enrol(UNIT, 1)
    db = Database(srv.db_url)
    try:
        first, second = _seed(db, kiosk_id, 2)
        reader = Reader(srv, kiosk_id, secret)
        with ExitStack() as held:
            # A writes a change and keeps its transaction open (on SQLite it holds the only write lock: B waits,
            # so there B writes after A commits and the order is trivially right).
            a = held.enter_context(db.transaction())
            record_change(a, a.get(Dossier, first), 4, note="A")
            a.flush()
            if srv.db_url.startswith("postgresql"):
                with db.transaction() as b:  # B writes later and commits first
                    record_change(b, b.get(Dossier, second), 9, note="B")
            reader.pull()
        # A has committed
        reader.pull()
        if not srv.db_url.startswith("postgresql"):
            with db.transaction() as b:
                record_change(b, b.get(Dossier, second), 9, note="B")
            reader.pull()
        assert sorted(c["note"] for c in reader.seen) == ["A", "B"], f"skipped or repeated: {reader.seen}"
        cursors = [int(c["cursor"]) for c in reader.seen]
        assert cursors == sorted(set(cursors))
        assert reader.seen[-1]["cursor"] == reader.cursor
    finally:
        db.dispose()


def test_writer_processes_and_a_paging_reader_every_change_seen_exactly_once(srv: PortalServer) -> None:
    writers, per_writer = 4, 40
    kiosk_id, secret = srv.enrol(UNIT, 1)
    db = Database(srv.db_url)
    try:
        dossiers = _seed(db, kiosk_id, 2 * writers)
    finally:
        db.dispose()
    reader = Reader(srv, kiosk_id, secret, limit=7)
    processes = [
        subprocess.Popen([sys.executable, str(WRITER), srv.db_url, f"w{n}", str(per_writer), *dossiers[2 * n:2 * n + 2]], cwd=REPO)
        for n in range(writers)
    ]
    done = threading.Event()
    threading.Thread(target=lambda: ([p.wait() for p in processes], done.set()), daemon=True).start()
    while not done.is_set():
        reader.pull()
    for process in processes:
        assert process.wait(timeout=TIMEOUT) == 0
    reader.pull()  # the last commits
    expected = sorted(f"w{n}-{i}" for n in range(writers) for i in range(per_writer))
    notes = [c["note"] for c in reader.seen]
    assert len(notes) == len(set(notes)), "a change came twice"
    assert sorted(notes) == expected, f"skipped: {sorted(set(expected) - set(notes))[:10]}"
    cursors = [int(c["cursor"]) for c in reader.seen]
    assert cursors == sorted(set(cursors))


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_cursor_held_from_before_the_upgrade_neither_skips_nor_repeats(request: pytest.FixtureRequest, tmp_path: Path, backend: str) -> None:
    """A kiosk's cursor from before migration 0003 is an id: after the upgrade it still means "after that change"."""
    from sqlalchemy import create_engine, text

    from portal.schema import _alembic
    from portal.services.status_changes import status_changes

    with ExitStack() as stack:
        db_url = f"sqlite:///{(tmp_path / 'portal.db').as_posix()}" if backend == "sqlite" else stack.enter_context(request.getfixturevalue("pg_cluster").database())
        engine = create_engine(db_url)
        with engine.begin() as connection:  # the schema of 0002, with three changes written by the code of then
            _alembic(connection, to="0002")
            connection.execute(text(
                "INSERT INTO kiosk (id, unit_id, kiosk_number, secret_sha256, app_version, enrolled_at) "
                "VALUES ('k-old', :unit, 1, :secret, 'old', CURRENT_TIMESTAMP)"), {"unit": UNIT, "secret": "0" * 64})
            connection.execute(text(
                "INSERT INTO dossier (uuid, code, unit_id, kiosk_number, kiosk_id, revision, procedure_code, procedure_version, "
                "appointment_date, appointment_time, tracking_token, created_at, updated_at) VALUES "
                "('d-old', 'OLD-1', :unit, 1, 'k-old', 1, '1.000001', '1', '', '', 't', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"unit": UNIT})
            for status in (2, 4, 5):
                connection.execute(text(
                    "INSERT INTO status_change (dossier_uuid, unit_id, kiosk_number, status, at) VALUES ('d-old', :unit, 1, :s, CURRENT_TIMESTAMP)"),
                    {"unit": UNIT, "s": status})
            held = str(connection.execute(text("SELECT id FROM status_change WHERE status = 4")).scalar())  # the kiosk saw 2 and 4
        with engine.begin() as connection:
            _alembic(connection, to="head")
        engine.dispose()

        db = Database(db_url)
        try:
            with db.transaction() as session:
                record_change(session, session.get(Dossier, "d-old"), 9)
            with db.read() as session:
                kiosk = session.get(Kiosk, "k-old")
                page = status_changes(session, kiosk, held, 100).body
                everything = status_changes(session, kiosk, None, 100).body
        finally:
            db.dispose()
    assert [c["status"] for c in page["changes"]] == [5, 9]  # neither 4 again nor 5 lost
    assert [c["status"] for c in everything["changes"]] == [2, 4, 5, 9]
    assert int(page["next"]) > int(held)


def test_every_change_is_numbered_however_many_sessions_came_and_went(tmp_path: Path) -> None:
    """Each change gets its seq whatever sessions came and went before (the numbering hook is marked in the
    session's info, not asked of SQLAlchemy's id()-keyed event registry, which misled the kiosk's audit hooks)."""
    import gc

    from sqlalchemy import select

    from portal.models import StatusChange

    db = Database(f"sqlite:///{(tmp_path / 'portal.db').as_posix()}")
    try:
        uuids = _seed(db, "k-1", 60)
        for uuid in uuids:
            with db.transaction() as session:
                record_change(session, session.get(Dossier, uuid), 4)
            gc.collect()
        with db.transaction() as session:
            seqs = list(session.scalars(select(StatusChange.seq).order_by(StatusChange.id)))
        assert None not in seqs and seqs == sorted(set(seqs)) and len(seqs) == 60
    finally:
        db.dispose()
