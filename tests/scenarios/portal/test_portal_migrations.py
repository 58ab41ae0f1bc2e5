"""The portal's schema comes from migrations (portal/schema.py), on SQLite and on PostgreSQL: `kiosk-portal migrate`
makes exactly the models' schema and is idempotent; a database made by `create_all` is stamped; a worker refuses a
schema other than its code's; workers starting at once on an empty database create it once."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from portal_server import BACKENDS, _env, portal_command, start_portal

UNIT = "000.00.07.H26"
TIMEOUT = 60


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An EMPTY database on each backend (no table at all)."""
    if request.param == "sqlite":
        yield f"sqlite:///{(tmp_path / 'portal.db').as_posix()}"
        return
    with request.getfixturevalue("pg_cluster").database() as url:
        yield url


def cli(db_url: str, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(portal_command(db_url, *args), cwd=cwd, env=_env(), capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT)


def revision(db_url: str) -> str | None:
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM portal_alembic_version")).scalar()
    finally:
        engine.dispose()


def schema_differences(db_url: str) -> list:
    """What Alembic's autogenerate would still change to reach the models (types compared too): [] when equal."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from portal import models  # noqa: F401
    from portal.db import Base
    from portal.schema import VERSION_TABLE

    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True, "version_table": VERSION_TABLE})
            return [diff for diff in compare_metadata(context, Base.metadata)
                    if not (diff[0] == "remove_table" and diff[1].name == VERSION_TABLE)]
    finally:
        engine.dispose()


def test_migrate_makes_exactly_the_models_schema_and_a_second_run_does_nothing(db_url: str, tmp_path: Path) -> None:
    from portal.schema import head_revision

    first = cli(db_url, tmp_path, "migrate")
    assert first.returncode == 0, first.stderr
    assert f"Đã tạo lược đồ ở bản {head_revision()}" in first.stdout
    assert revision(db_url) == head_revision()
    assert schema_differences(db_url) == []

    again = cli(db_url, tmp_path, "migrate", "--json")
    assert again.returncode == 0, again.stderr
    assert '"revision": "' + head_revision() + '"' in again.stdout and "không cần làm gì" in again.stdout
    assert schema_differences(db_url) == []


ADDED_AFTER_0001 = {"kiosk_audit_head", "status_cursor", "tracking_hits"}  # 0002: the audit chain's witness (issue 16); 0003: the status cursor; 0004: the tracking rate limit


def _create_all_as_before_migrations(engine) -> None:
    """The tables of 0001's time as create_all made them: later tables left out, and status_change without the
    seq that 0003 added (issue 17)."""
    from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, MetaData, String, Table, Text

    from portal.db import Base

    Base.metadata.create_all(engine, tables=[t for t in Base.metadata.sorted_tables if t.name not in ADDED_AFTER_0001 | {"status_change", "status_change_detail"}])
    old = MetaData()
    Table("dossier", old, Column("uuid", String(36), primary_key=True))
    Table("status_change", old,
          Column("id", Integer, primary_key=True, autoincrement=True), Column("dossier_uuid", String(36), ForeignKey("dossier.uuid"), nullable=False),
          Column("unit_id", String(40), nullable=False), Column("kiosk_number", Integer, nullable=False), Column("status", Integer, nullable=False),
          Column("note", Text), Column("at", DateTime(timezone=True), nullable=False),
          Index("ix_status_change_slot", "unit_id", "kiosk_number", "id"), sqlite_autoincrement=True)
    old.create_all(engine, tables=[old.tables["status_change"]])
    Base.metadata.create_all(engine, tables=[Base.metadata.tables["status_change_detail"]])


def test_a_database_made_by_create_all_is_refused_by_a_worker_then_stamped_by_migrate(db_url: str, tmp_path: Path) -> None:
    from portal import models
    from portal.schema import head_revision

    engine = create_engine(db_url)
    # how every portal made its schema before migrations (with the tables of that time: later ones came by migration)
    _create_all_as_before_migrations(engine)
    with engine.begin() as connection:
        connection.execute(models.Kiosk.__table__.insert().values(
            id="k-old", unit_id=UNIT, kiosk_number=1, secret_sha256="0" * 64, app_version="old",
            enrolled_at=models.utcnow()))
    engine.dispose()

    refused = cli(db_url, tmp_path, "kiosks")
    assert refused.returncode == 1 and "kiosk-portal migrate" in refused.stderr

    stamped = cli(db_url, tmp_path, "migrate")
    assert stamped.returncode == 0, stamped.stderr
    assert "Đã đánh dấu cơ sở dữ liệu cũ ở bản 0001" in stamped.stdout
    assert revision(db_url) == head_revision() and schema_differences(db_url) == []
    listed = cli(db_url, tmp_path, "kiosks")
    assert listed.returncode == 0 and "k-old" in listed.stdout  # the data is kept


def test_a_create_all_database_that_differs_from_the_first_revision_is_not_stamped(tmp_path: Path) -> None:
    from portal import models  # noqa: F401
    from portal.db import Base

    db_url = f"sqlite:///{(tmp_path / 'portal.db').as_posix()}"
    engine = create_engine(db_url)
    Base.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE kiosk ADD COLUMN nickname VARCHAR(20)"))
        connection.execute(text("DROP TABLE unit_alias"))
    engine.dispose()

    result = cli(db_url, tmp_path, "migrate")
    assert result.returncode == 1
    assert "thiếu bảng unit_alias" in result.stderr and "bảng kiosk có cột lạ nickname" in result.stderr
    engine = create_engine(db_url)
    with engine.connect() as connection:  # nothing was stamped
        assert "portal_alembic_version" not in {row[0] for row in connection.execute(text("SELECT name FROM sqlite_master"))}
    engine.dispose()


@pytest.mark.parametrize(("stored", "says"), [("0000", "cũ hơn"), ("9999", "mới hơn")])
def test_a_worker_refuses_a_schema_other_than_its_code_and_names_migrate(db_url: str, tmp_path: Path, stored: str, says: str) -> None:
    assert cli(db_url, tmp_path, "migrate").returncode == 0
    engine = create_engine(db_url)
    with engine.begin() as connection:  # as if the code had moved on (or back) since the database was migrated
        connection.execute(text("UPDATE portal_alembic_version SET version_num = :v"), {"v": stored})
    engine.dispose()

    served = subprocess.run(portal_command(db_url, "--files", str(tmp_path / "files"), "serve", "--port", "0"), cwd=tmp_path,
                            env=_env(), capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT)
    assert served.returncode == 1 and served.stdout == ""  # never printed a URL: it did not serve
    assert says in served.stderr and f"bản {stored}" in served.stderr
    if stored == "0000":
        assert "kiosk-portal migrate" in served.stderr


def test_workers_starting_at_once_on_an_empty_database_create_the_schema_once(db_url: str, tmp_path: Path) -> None:
    """Four processes open the empty database together; the lock lets one create it, the others find it made."""
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda n: cli(db_url, tmp_path, "enrolment-code", "--unit-id", UNIT, "--kiosk-number", str(n)), range(1, 5)))
    assert [r.returncode for r in results] == [0] * 4, [r.stderr for r in results]
    assert schema_differences(db_url) == []
    engine = create_engine(db_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM enrolment_code")).scalar() == 4
    engine.dispose()
    with start_portal(tmp_path / "portal", db_url=db_url) as server:  # and a worker serves from it
        assert requests.get(server.api + "/health", timeout=TIMEOUT).status_code == 200
