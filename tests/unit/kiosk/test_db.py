"""The application's own connections are durable (WAL, synchronous=FULL, foreign keys), and migrations match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from kiosk.storage.db import current_revision, head_revision
from kiosk.storage.models import Base


def test_app_connections_use_wal_full_sync_and_foreign_keys(ctx) -> None:
    with ctx.sessions() as session:
        connection = session.connection()
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # 2 = FULL
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_every_pooled_connection_gets_the_settings(ctx) -> None:
    connections = [ctx.engine.raw_connection() for _ in range(3)]
    try:
        for connection in connections:
            cursor = connection.cursor()
            assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 2
            assert cursor.execute("PRAGMA foreign_keys").fetchone()[0] == 1
            assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        for connection in connections:
            connection.close()


def test_migrations_reach_head_and_match_the_models(ctx) -> None:
    assert current_revision(ctx.engine) == head_revision()
    with ctx.engine.connect() as connection:
        # The FTS5 search index (migration 0004) and its shadow tables are not ORM models.
        opts = {"include_name": lambda name, type_, _parent: not (type_ == "table" and str(name).startswith("dossier_search"))}
        diff = compare_metadata(MigrationContext.configure(connection, opts=opts), Base.metadata)
    assert diff == []


def test_head_revision_from_file_names_is_alembics_head() -> None:
    """kiosk/storage/db.py reads the newest revision from the migration files' names so a start never imports Alembic."""
    from alembic.script import ScriptDirectory

    from kiosk.storage.db import alembic_config

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_current_revision_of_a_new_file_is_none(tmp_path) -> None:
    from kiosk.storage.db import make_engine

    engine = make_engine(tmp_path / "new.db", b"k" * 32)
    try:
        assert current_revision(engine) is None
    finally:
        engine.dispose()


def test_foreign_keys_are_enforced(ctx) -> None:
    import pytest
    from sqlalchemy.exc import IntegrityError

    from kiosk.storage.models import OutboxEntry

    with pytest.raises(IntegrityError):
        with ctx.transaction() as session:
            session.add(OutboxEntry(dossier_id=999_999, revision=1, state="queued"))


def test_reads_do_not_wait_behind_a_writer(ctx) -> None:
    from sqlalchemy import text

    with ctx.transaction() as writer:
        writer.execute(text("INSERT INTO code_sequence(key, last) VALUES ('probe', 1)"))
        with ctx.read() as reader:
            assert reader.execute(text("SELECT count(*) FROM code_sequence WHERE key = 'probe'")).scalar() == 0
