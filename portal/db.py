"""Database engine and sessions. SQLite (WAL, full sync, BEGIN IMMEDIATE) by default; PostgreSQL works too."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import DateTime, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

from portal.config import sqlite_path

SQLITE_BUSY_TIMEOUT_MS = 15_000
READ_ONLY = "portal_read_only"  # execution option: a transaction that only reads


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def iso(value: datetime | None) -> str | None:
    """UTC, seconds, `Z`: how every time leaves the portal."""
    if value is None:
        return None
    return value.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend (SQLite keeps no zone: stored as naive UTC, read back as UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


WORKER_THREADS = 40  # anyio's default thread limiter: FastAPI runs the sync endpoints on at most this many threads


class Base(DeclarativeBase):
    pass


def make_engine(db_url: str) -> Engine:
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite":
        # hide_parameters: an integrity error must never print a stored body (personal data) into a log.
        return create_engine(url, pool_pre_ping=True, hide_parameters=True)
    db_file = sqlite_path(db_url)
    if db_file is not None:
        db_file.parent.mkdir(parents=True, exist_ok=True)
        # As many pooled connections as the server's worker threads (anyio's default limit is 40): with the
        # default 5 (+10 overflow), a herd of reconnecting kiosks queued for a connection and the overflow ones
        # were opened and closed per request (bench/ingest.py).
        engine = create_engine(
            url, hide_parameters=True, pool_size=WORKER_THREADS, max_overflow=10,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
    else:  # in-memory: one shared connection (tests, demos)
        engine = create_engine(url, hide_parameters=True, poolclass=StaticPool, connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        if db_file is not None:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        # Writers take the write lock up front: the server and a CLI command writing at once never
        # deadlock upgrading a read lock (SQLITE_BUSY_SNAPSHOT is not retried by the busy timeout).
        # Readers (READ_ONLY option) begin deferred and, in WAL mode, never wait for a writer.
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE")

    return engine


class _Held:
    """Releases a lock acquired (with a timeout) before the `with`."""

    def __init__(self, lock: threading.RLock) -> None:
        self.lock = lock

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        self.lock.release()


class Database:
    """One engine and its session factory; `transaction()` commits or rolls back as a unit."""

    def __init__(self, db_url: str) -> None:
        self.url = db_url
        self.engine = make_engine(db_url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readers = sessionmaker(self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False)
        self._ready = False
        # SQLite has one writer at a time. Its busy handler polls with sleeps, so 40 worker threads queued on
        # BEGIN IMMEDIATE left the lock idle between polls and could starve one past the busy timeout (a 503 under
        # the ingest bench); threads of this process queue here instead and wake as soon as the writer is done.
        # Other processes (the CLI) still meet the busy timeout. Re-entrant: a nested write meets SQLite as before.
        self._writer = threading.RLock() if make_url(db_url).get_backend_name() == "sqlite" else None

    def _one_writer(self):  # noqa: ANN202 - a context manager
        if self._writer is None:
            return nullcontext()
        if not self._writer.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            raise OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))
        return _Held(self._writer)

    def ensure_schema(self) -> None:
        """Once per process: an empty database gets the schema (migrations, locked); any schema but the newest is
        refused with portal.schema.SchemaNotReady, whose message names `kiosk-portal migrate` (portal/schema.py)."""
        if not self._ready:
            from portal import schema

            schema.ensure(self.engine)
            self._ready = True

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A writing transaction (on SQLite: BEGIN IMMEDIATE), committed at the end unless it raised."""
        self.ensure_schema()
        with self._one_writer():
            session = self._sessions()
            try:
                with session.begin():
                    yield session
            finally:
                session.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A transaction that only reads (on SQLite: BEGIN DEFERRED, never queued behind a writer)."""
        self.ensure_schema()
        session = self._readers()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()

    @property
    def sqlite_file(self) -> Path | None:
        return sqlite_path(self.url)
