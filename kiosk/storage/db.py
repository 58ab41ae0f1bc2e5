"""The SQLite engine: SQLCipher-encrypted, WAL, synchronous=FULL, foreign keys, busy timeout, BEGIN IMMEDIATE; and migrations.

The database (and so its WAL, which SQLCipher encrypts page by page too) is opened with the folder's
raw 256-bit data key (`PRAGMA key = "x'…'"`: no passphrase KDF, so opening a connection costs
nothing extra). The key is set in the connection factory, before SQLAlchemy or Alembic run a query.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 15_000


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control from pysqlite so every transaction starts with BEGIN IMMEDIATE:
    # the write lock is taken up front, so two writers never deadlock upgrading a read lock.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")  # freed pages are zeroed: purged personal data does not linger
    finally:
        cursor.close()


def _on_begin(connection: Any) -> None:
    # Writers take the lock up front (IMMEDIATE); read-only sessions ask for DEFERRED so they never queue behind one.
    mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    connection.exec_driver_sql(f"BEGIN {'DEFERRED' if mode == 'DEFERRED' else 'IMMEDIATE'}")


def connect_encrypted(db_path: Path, key: bytes) -> Any:
    """A raw SQLCipher connection with the key applied (also what backup, restore and tests use)."""
    import sqlcipher3.dbapi2 as sqlcipher

    connection = sqlcipher.connect(str(db_path), check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    return connection


def make_engine(db_path: Path, key: bytes) -> Engine:
    """An engine whose every connection is keyed and has the durability settings the kiosk relies on."""
    import sqlcipher3.dbapi2 as sqlcipher

    engine = create_engine(
        f"sqlite:///{db_path}",
        module=sqlcipher,
        creator=lambda: connect_encrypted(db_path, key),
        pool_pre_ping=False,
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def make_sessionmaker(engine: Engine, *, read_only: bool = False) -> sessionmaker[Session]:
    bind = engine.execution_options(sqlite_begin="DEFERRED") if read_only else engine
    return sessionmaker(bind, expire_on_commit=False)


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def head_revision() -> str:
    """The newest migration: revisions are the files' four-digit prefixes, in order (tests/test_db.py holds
    Alembic to the same answer). Read from the file names so a normal start never imports Alembic (≈ 0.35 s)."""
    return max(path.name[:4] for path in (MIGRATIONS_DIR / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))


def current_revision(engine: Engine) -> str | None:
    """The schema the database is at (Alembic's own table), or None for a new or pre-Alembic file."""
    with engine.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'")).first()
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar() if exists else None


def migrate(engine: Engine, site: Mapping[str, Any] | None = None) -> None:
    """Bring the database to the newest schema (a no-op when it is already there).

    `site` holds the facts of the site settings a migration may need (0005: unit_id and kiosk_number,
    for the snapshots of revisions queued before it); migrations never read settings.json themselves.
    """
    if current_revision(engine) == head_revision():
        return
    from alembic import command

    config = alembic_config(engine)
    config.attributes["site"] = dict(site or {})
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    log.info("database migrated to %s", head_revision())
