"""The portal's schema comes from Alembic migrations (portal/migrations), never from `create_all` at start-up.

Several `kiosk-portal serve` workers may start at once against one PostgreSQL database: had each run
`create_all`, they would race to create the same tables, and an upgrade would need every worker to ALTER.
So (docs/portal.md, "Schema and migrations"):
- `kiosk-portal migrate` brings the database to the newest revision; it is the one way to upgrade;
- a process that opens an EMPTY database creates the schema by running the migrations itself, holding a lock
  (a PostgreSQL advisory lock; SQLite's BEGIN IMMEDIATE) so two workers racing on a first start never both do it;
- a process that finds a schema OLDER than its code (or newer, or made by `create_all` before migrations)
  refuses to start and names `kiosk-portal migrate`: a worker never alters a schema others are serving from;
- a database made by `create_all` before migrations existed is stamped at the first revision by `migrate`,
  after checking its tables and columns are exactly those of that revision.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, inspect, text

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "portal_alembic_version"  # not Alembic's default name: the portal's revisions are its own
FIRST_REVISION = "0001"
MIGRATE_LOCK = 0x4B494F53  # pg_advisory_xact_lock key held while a process creates or upgrades the schema
MIGRATE_HINT = "chạy `kiosk-portal migrate` (cùng --db) rồi khởi động lại"


class SchemaNotReady(Exception):
    """The database's schema is not the one this code serves from; the message says what to do."""


def head_revision() -> str:
    """The newest migration: revisions are the files' four-digit prefixes, in order (as on the kiosk side)."""
    return max(path.name[:4] for path in (MIGRATIONS_DIR / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))


def _portal_tables() -> set[str]:
    from portal import models  # noqa: F401  (registers the tables)
    from portal.db import Base

    return set(Base.metadata.tables)


def current_revision(connection: Connection) -> str | None:
    """The revision recorded in the version table, or None when there is no such table."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def _state(connection: Connection) -> str:
    """'current', 'empty' (no portal table), 'legacy' (tables, no version table), 'older' or 'newer'."""
    revision = current_revision(connection)
    if revision is None:
        return "legacy" if _portal_tables() & set(inspect(connection).get_table_names()) else "empty"
    head = head_revision()
    if revision == head:
        return "current"
    return "older" if revision < head else "newer"


def _lock(connection: Connection) -> None:
    """Serialise creators and upgraders: on SQLite the portal's engine already began with BEGIN IMMEDIATE."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATE_LOCK})


def _alembic(connection: Connection, *, to: str, stamp: str | None = None) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    if stamp is not None:
        command.stamp(config, stamp)
    command.upgrade(config, to)


def refusal(state: str, revision: str | None) -> str:
    head = head_revision()
    if state == "older":
        return f"Lược đồ cơ sở dữ liệu của cổng đang ở bản {revision}, cũ hơn bản {head} mà mã này cần: {MIGRATE_HINT}."
    if state == "newer":
        return (f"Lược đồ cơ sở dữ liệu của cổng đang ở bản {revision}, mới hơn bản {head} của mã này: "
                "hãy cài phiên bản kiosk-portal mới hơn (không hạ cấp lược đồ).")
    return f"Cơ sở dữ liệu của cổng được tạo trước khi có migration (chưa có bảng {VERSION_TABLE}): {MIGRATE_HINT}."


def ensure(engine: Engine) -> None:
    """At a process's start: create an empty database's schema (locked); refuse any schema other than the newest."""
    with engine.connect() as connection:
        state = _state(connection)
        revision = current_revision(connection)
    if state == "current":
        return
    if state != "empty":
        raise SchemaNotReady(refusal(state, revision))
    with engine.begin() as connection:
        _lock(connection)
        state = _state(connection)  # another worker may have created it while we waited for the lock
        if state == "empty":
            _alembic(connection, to="head")
            log.info("portal schema created at revision %s", head_revision())
        elif state != "current":
            raise SchemaNotReady(refusal(state, current_revision(connection)))


def migrate(engine: Engine) -> str:
    """`kiosk-portal migrate`: bring the database to the newest revision; says what it did. Idempotent."""
    with engine.begin() as connection:
        _lock(connection)
        state, before = _state(connection), current_revision(connection)
        head = head_revision()
        if state == "current":
            return f"Lược đồ đã ở bản mới nhất {head}; không cần làm gì."
        if state == "newer":
            raise SchemaNotReady(refusal(state, before))
        if state == "legacy":
            problems = legacy_differences(connection)
            if problems:
                raise SchemaNotReady("Cơ sở dữ liệu cũ (tạo bằng create_all) không khớp bản " + FIRST_REVISION
                                     + ", không đánh dấu được: " + "; ".join(problems))
            _alembic(connection, to="head", stamp=FIRST_REVISION)
            return f"Đã đánh dấu cơ sở dữ liệu cũ ở bản {FIRST_REVISION} rồi nâng lên bản {head}."
        _alembic(connection, to="head")
        return f"Đã tạo lược đồ ở bản {head}." if state == "empty" else f"Đã nâng lược đồ từ bản {before} lên bản {head}."


def _columns_by_table(connection: Connection, tables: set[str] | None = None) -> dict[str, set[str]]:
    inspector = inspect(connection)
    names = set(inspector.get_table_names()) - {VERSION_TABLE}
    if tables is not None:
        names &= tables
    return {name: {column["name"] for column in inspector.get_columns(name)} for name in names}


def legacy_differences(connection: Connection) -> list[str]:
    """How a database made by `create_all` differs from the first revision's tables and columns (empty: it matches).

    The first revision's shape is read by running it on a scratch in-memory SQLite database, so the check stays
    right however the models change later."""
    scratch = create_engine("sqlite://")
    try:
        with scratch.begin() as scratch_connection:
            _alembic(scratch_connection, to=FIRST_REVISION)
            expected = _columns_by_table(scratch_connection)
    finally:
        scratch.dispose()
    found = _columns_by_table(connection, set(expected) | _portal_tables())
    problems = [f"thiếu bảng {name}" for name in sorted(set(expected) - set(found))]
    problems += [f"bảng lạ {name}" for name in sorted(set(found) - set(expected))]
    for name in sorted(set(expected) & set(found)):
        missing, extra = expected[name] - found[name], found[name] - expected[name]
        if missing:
            problems.append(f"bảng {name} thiếu cột {', '.join(sorted(missing))}")
        if extra:
            problems.append(f"bảng {name} có cột lạ {', '.join(sorted(extra))}")
    return problems
