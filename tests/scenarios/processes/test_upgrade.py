"""Upgrades: a data folder made by the release at the first schema (0001) opens with nothing lost, a failed migration puts
the old database back, and 0005 gives every revision still waiting the snapshot that rebuilds what it would have sent."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from conftest import REPO, open_raw_db
from portal_server import portal  # noqa: F401 - the fixture

OLD_SITE = REPO / "tests" / "data" / "v0001-site"  # made by tests/data/make_v0001_site.py with commit 8a74164
OLD_CODES = ["000.00.07.H26-261124-1001", "000.00.07.H26-261124-1002", "000.00.07.H26-261124-1003", "000.00.07.H26-261124-1004"]
DELIVERED, QUEUED = OLD_CODES[:2], OLD_CODES[2:]


@pytest.fixture
def old_site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(OLD_SITE, root)
    (root / "logs").mkdir(exist_ok=True)
    return root


def _plain_rows(root: Path) -> dict[str, dict]:
    import sqlite3

    connection = sqlite3.connect(root / "kiosk.db")
    try:
        return {code: json.loads(values) for code, values in connection.execute("SELECT code, \"values\" FROM dossier")}
    finally:
        connection.close()


def test_the_first_schema_upgrades_with_nothing_lost_and_its_queue_then_syncs(old_site: Path, portal, tmp_path: Path) -> None:  # noqa: F811
    from conftest import decrypted_sha256
    from kiosk.storage.context import open_kiosk
    from kiosk.storage.db import head_revision
    from kiosk.storage.models import Attachment, Dossier, OutboxEntry
    from sync.credentials import Credentials, save_credentials
    from sync.engine import SyncEngine
    from sync_helpers import UNIT_ID, portal_dossiers, row_body, snapshot_body

    before = _plain_rows(old_site)
    assert sorted(before) == OLD_CODES
    scan_sha = next(p.name for p in (old_site / "attachments").iterdir())
    assert hashlib.sha256((old_site / "attachments" / scan_sha).read_bytes()).hexdigest() == scan_sha  # plaintext in 0001

    ctx = open_kiosk(old_site)
    try:
        connection = open_raw_db(old_site)
        try:
            assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()
        finally:
            connection.close()
        with ctx.read() as session:
            dossiers = {d.code: d for d in session.scalars(select(Dossier))}
            states = {code: state for code, state in session.execute(select(Dossier.code, OutboxEntry.state).join(OutboxEntry))}
            shas = list(session.scalars(select(Attachment.sha256)))
            snapshots = {code: s for code, s in session.execute(select(Dossier.code, OutboxEntry.snapshot).join(OutboxEntry))}
        assert {code: d.values for code, d in dossiers.items()} == before  # every answer as it was
        assert states == {**{c: "delivered" for c in DELIVERED}, **{c: "queued" for c in QUEUED}}
        assert [c for c, s in snapshots.items() if s is None] == DELIVERED  # migration 0005: the queued ones have theirs
        assert all(snapshot_body(ctx, c, 1) == row_body(ctx, c, 1) for c in QUEUED)  # ... the rows as 0001 would send them
        assert shas == [scan_sha] and decrypted_sha256(ctx.file_key, old_site / "attachments" / scan_sha) == scan_sha  # now encrypted
        assert list((old_site / "backups").glob("kiosk-*-before-upgrade-from-0001.db"))  # the automatic copy

        kiosk_id, secret = portal.enrol(UNIT_ID, 1)
        save_credentials(ctx.data, Credentials(portal.url, kiosk_id, secret, "2026-12-01T00:00:00+00:00"))
        ctx.settings = ctx.settings.with_changes(portal_url=portal.url)
        report = SyncEngine(ctx).run_once(force=True)
        assert report.ok and report.delivered == len(QUEUED)
        assert sorted(d["code"] for d in portal_dossiers(portal)) == QUEUED
        from kiosk.printed.load import load_receipt

        assert load_receipt(ctx, OLD_CODES[0], actor="t", reprint=True).submitter_name == before[OLD_CODES[0]]["submitter_name"]
    finally:
        ctx.close()
