"""Migrations on a fresh data folder: a failed one puts the previous database back with a clear message, and
0005 gives each waiting revision a snapshot. Moved from tests/test_upgrade.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from conftest import open_raw_db
from portal_server import portal  # noqa: F401 - the fixture

OLD_CODES = ["000.00.07.H26-261124-1001", "000.00.07.H26-261124-1002", "000.00.07.H26-261124-1003", "000.00.07.H26-261124-1004"]
DELIVERED, QUEUED = OLD_CODES[:2], OLD_CODES[2:]


def test_a_failed_migration_restores_the_previous_database_with_a_clear_message(site_dir: Path, ctx, officer, tmp_path, monkeypatch) -> None:
    from kiosk.storage import db
    from kiosk.storage.context import open_kiosk
    from kiosk.dossier.submit import submit
    from kiosk.errors import StorageError
    from forms.samples import sample_values
    from datetime import date

    procedure = ctx.catalogue.get("1.004873")
    code = submit(ctx, procedure=procedure, values=sample_values(procedure, seed=1, today=date.today()), officer=officer).code
    ctx.close()
    head = db.head_revision()
    broken = tmp_path / "migrations"
    shutil.copytree(db.MIGRATIONS_DIR, broken)
    (broken / "versions" / "9999_broken.py").write_text(
        f'"""a release whose migration fails half-way"""\nfrom alembic import op\nimport sqlalchemy as sa\n'
        f'revision = "9999"\ndown_revision = "{head}"\nbranch_labels = None\ndepends_on = None\n\n'
        "def upgrade():\n"
        '    op.add_column("dossier", sa.Column("half_done", sa.Integer(), nullable=True))\n'
        '    op.execute("UPDATE dossier SET code = NULL")\n'
        '    raise RuntimeError("migration bug")\n\n'
        "def downgrade():\n    pass\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(db, "MIGRATIONS_DIR", broken)
    with pytest.raises(StorageError) as refused:
        open_kiosk(site_dir)
    assert "Dữ liệu cũ đã được khôi phục nguyên vẹn" in refused.value.message and "quản trị viên" in refused.value.message
    connection = open_raw_db(site_dir)
    try:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head
        assert [r[0] for r in connection.execute("SELECT code FROM dossier")] == [code]
        columns = [r[1] for r in connection.execute("PRAGMA table_info(dossier)")]
        assert "half_done" not in columns and connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()
    monkeypatch.setattr(db, "MIGRATIONS_DIR", db.Path(db.__file__).resolve().parent / "migrations")
    reopened = open_kiosk(site_dir)  # the previous release keeps working on it
    reopened.close()


def _to_schema(engine, target: str) -> None:  # noqa: ANN001 - an Engine
    """Downgrade with the kiosk's own migrations, on the kiosk's keyed connection (as kiosk.storage.db.migrate upgrades)."""
    from alembic import command

    from kiosk.storage.db import alembic_config

    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, target)


def test_0005_gives_each_waiting_revision_a_snapshot_that_rebuilds_its_frozen_body_and_delivered_ones_none(
    site_dir: Path, ctx, officer, tmp_path: Path
) -> None:
    from kiosk.dossier.amend import amend
    from receipt_tokens import make_v1_token
    from kiosk.storage import db
    from kiosk.storage.context import open_kiosk
    from kiosk.storage.models import Dossier, OutboxEntry
    from sync import outbox, wire
    from sync_helpers import row_body, snapshot_body, submit_dossiers

    delivered, sending, queued, rejected, amended = submit_dossiers(ctx, officer, 5, tmp_path / "scans", size=1000)
    with ctx.transaction() as session:  # a 0004 release computed no fee: its rows and snapshots have none
        for dossier in session.scalars(select(Dossier)):
            dossier.fee = dossier.fee_amount_vnd = None
            for queued_entry in dossier.outbox:
                queued_entry.snapshot = {k: v for k, v in queued_entry.snapshot.items() if k != "fee"}

    def entry_id(code: str, revision: int = 1) -> int:
        with ctx.read() as session:
            return session.scalar(select(OutboxEntry.id).join(OutboxEntry.dossier).where(Dossier.code == code, OutboxEntry.revision == revision))

    # The outbox as a release at 0004 leaves it: bodies frozen at a first send, and by amend() for the revision it
    # follows; none for what never went out.
    for code in (delivered, sending, rejected, amended):
        outbox.prepare(ctx, entry_id(code))
    with ctx.transaction() as session:
        session.get(OutboxEntry, entry_id(delivered)).state = "delivered"
        old = session.get(OutboxEntry, entry_id(rejected))  # frozen by a release before signed receipts: a version-1 token
        body = dict(json.loads(old.payload), tracking_token=make_v1_token(ctx.token_key, rejected))
        old.payload = wire.canonical_json(body)
        old.payload_sha256 = wire.body_sha256(old.payload)
    outbox.mark_sending(ctx, entry_id(sending))
    outbox.mark_rejected(ctx, entry_id(rejected), "409")
    outbox.mark_failed(ctx, entry_id(amended), "503")
    procedure = ctx.catalogue.get(_entry_snapshot(ctx, amended)["procedure_code"])
    assert amend(ctx, code=amended, officer=officer, documents={procedure.documents[0].id: 1}) == 2
    with ctx.read() as session:
        rows = session.execute(select(Dossier.code, OutboxEntry).join(OutboxEntry.dossier)).all()
        states = {(code, e.revision): e.state for code, e in rows}
        frozen = {(code, e.revision): e.payload for code, e in rows if e.payload is not None}
    assert states == {(delivered, 1): "delivered", (sending, 1): "sending", (queued, 1): "queued", (rejected, 1): "rejected",
                      (amended, 1): "failed", (amended, 2): "queued"}
    assert sorted(frozen) == sorted([(delivered, 1), (sending, 1), (rejected, 1), (amended, 1)])
    unfrozen = {key: row_body(ctx, *key) for key in [(queued, 1), (amended, 2)]}  # what the 0004 release would build

    _to_schema(ctx.engine, "0004")
    ctx.close()
    connection = open_raw_db(site_dir)
    try:
        assert "snapshot" not in [r[1] for r in connection.execute("PRAGMA table_info(outbox_entry)")]
    finally:
        connection.close()

    upgraded = open_kiosk(site_dir)  # 0004 → head, with the automatic copy first
    try:
        assert list((site_dir / "backups").glob("kiosk-*-before-upgrade-from-0004.db"))
        for key in [(sending, 1), (rejected, 1), (amended, 1)]:  # frozen: the snapshot rebuilds that body byte for byte
            assert snapshot_body(upgraded, *key) == frozen[key], key
            assert _entry_snapshot(upgraded, *key)["tracking_token"] == json.loads(frozen[key])["tracking_token"]
        assert json.loads(frozen[(rejected, 1)])["tracking_token"].startswith("1")  # even under the older token scheme
        for key, body in unfrozen.items():  # never frozen: the row as it is now, as the 0004 release would have sent it
            assert snapshot_body(upgraded, *key) == body, key
            assert "tracking_token" not in _entry_snapshot(upgraded, *key)
        assert _entry_snapshot(upgraded, delivered) is None  # delivered: never sent again, no snapshot

        # Run without the site settings (Alembic by hand), the unit and kiosk come from the dossier code: the same here.
        before = _entry_snapshot(upgraded, queued)
        _to_schema(upgraded.engine, "0004")
        db.migrate(upgraded.engine)
        assert _entry_snapshot(upgraded, queued) == before
        assert (before["unit_id"], before["kiosk_number"]) == (queued.split("-")[0], int(queued.split("-")[2][0]))

        for key in [(sending, 1), (rejected, 1), (amended, 1), (queued, 1), (amended, 2)]:
            with upgraded.read() as session:
                entry = session.scalar(select(OutboxEntry.id).join(OutboxEntry.dossier).where(Dossier.code == key[0], OutboxEntry.revision == key[1]))
            assert outbox.prepare(upgraded, entry).payload == frozen.get(key, unfrozen.get(key)), key  # what goes out: unchanged
    finally:
        upgraded.close()


def _entry_snapshot(ctx, code: str, revision: int = 1):  # noqa: ANN001, ANN202
    from kiosk.storage.models import Dossier, OutboxEntry

    with ctx.read() as session:
        return session.scalar(select(OutboxEntry.snapshot).join(OutboxEntry.dossier).where(Dossier.code == code, OutboxEntry.revision == revision))
