"""Sync engine pieces that need no network: back-off, credentials, settings, demo and unconfigured sites, and
the revision bodies built from snapshots. The ones on real sockets are in tests/scenarios/test_sync_answers.py."""

from __future__ import annotations

import json
import random
import stat
from datetime import timedelta

import pytest



def test_backoff_is_full_jitter_doubling_from_30s_capped_at_an_hour() -> None:
    from sync.outbox import backoff_delay

    rng = random.Random(7)
    for attempts in range(1, 15):
        ceiling = min(3600.0, 30.0 * 2 ** (attempts - 1))
        samples = [backoff_delay(attempts, rng) for _ in range(2000)]
        assert all(0.0 <= s <= ceiling for s in samples)
        # full jitter: spread over the whole range, not clustered at the ceiling
        assert min(samples) < 0.05 * ceiling and max(samples) > 0.95 * ceiling
        assert 0.4 * ceiling < sum(samples) / len(samples) < 0.6 * ceiling
    assert max(backoff_delay(60, rng) for _ in range(1000)) <= 3600.0


def test_credentials_are_owner_only_atomic_and_never_shown(ctx) -> None:
    from sync.credentials import Credentials, credentials_path, load_credentials, save_credentials

    assert load_credentials(ctx.data) is None
    creds = Credentials("https://cong.example.vn", "k-1", "s3cr3t-value", "2026-11-22T00:00:00+00:00")
    path = save_credentials(ctx.data, creds)
    assert path == credentials_path(ctx.data) == ctx.data.root / "keys" / "portal.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_credentials(ctx.data) == creds
    assert "s3cr3t-value" not in repr(creds) and "s3cr3t-value" not in str(creds) and "s3cr3t-value" not in f"{creds}"
    save_credentials(ctx.data, Credentials("https://cong.example.vn", "k-2", "other", "2026-11-23T00:00:00+00:00"))
    assert load_credentials(ctx.data).kiosk_id == "k-2"
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".portal")] == []  # no temp file left (.portal.json.tmp)


def test_ca_bundle_setting_is_validated(tmp_path) -> None:
    from kiosk.errors import InputError
    from kiosk.storage.settings import settings_from_dict

    from conftest import TEST_SITE

    bundle = tmp_path / "province-ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    assert settings_from_dict(dict(TEST_SITE, portal_ca_bundle=str(bundle))).portal_ca_bundle == str(bundle)
    assert settings_from_dict(dict(TEST_SITE)).portal_ca_bundle == ""
    with pytest.raises(InputError, match="portal_ca_bundle"):
        settings_from_dict(dict(TEST_SITE, portal_ca_bundle=str(tmp_path / "missing.pem")))
    with pytest.raises(InputError, match="portal_ca_bundle"):
        settings_from_dict(dict(TEST_SITE, portal_ca_bundle=42))


def test_demo_site_never_syncs(tmp_path) -> None:
    from kiosk.storage.context import open_kiosk
    from kiosk.storage.site import init_site
    from sync.engine import SyncEngine, probe

    from conftest import TEST_SITE

    init_site(tmp_path / "demo", dict(TEST_SITE, demo=True, portal_url="http://127.0.0.1:9"))
    ctx = open_kiosk(tmp_path / "demo")
    try:
        report = SyncEngine(ctx).run_once(force=True)
        assert not report.reachable and not report.ok and report.message
        assert probe(ctx) is False
    finally:
        ctx.close()


def test_unconfigured_site_reports_what_to_do(ctx) -> None:
    from sync.engine import SyncEngine, status

    report = SyncEngine(ctx).run_once(force=True)
    assert not report.reachable and "kiosk-admin enrol" in (report.message or "")
    assert status(ctx).last_error == report.message


def test_payload_is_built_once_and_never_rebuilt(ctx, officer, tmp_path) -> None:
    from sqlalchemy import select

    from kiosk.storage.models import Dossier, OutboxEntry
    from sync import outbox, wire

    from sync_helpers import submit_dossiers

    [code] = submit_dossiers(ctx, officer, 1, tmp_path / "scans", size=1000)
    with ctx.read() as session:
        entry_id = session.scalar(select(OutboxEntry.id))
    first = outbox.prepare(ctx, entry_id)
    body = json.loads(first.payload)
    assert body["code"] == code and body["revision"] == 1 and body["format"] == wire.BODY_FORMAT
    assert body["attachments"][0]["size"] == 1000 and body["officer"] == "lan"
    assert first.payload == wire.canonical_json(body) and first.payload_sha256 == wire.body_sha256(first.payload)
    with ctx.transaction() as session:
        dossier = session.scalar(select(Dossier))
        dossier.values = dict(dossier.values, submitter_phone="0912345678")
        dossier.received_at = dossier.received_at + timedelta(hours=1)
    assert outbox.prepare(ctx, entry_id).payload == first.payload


def test_a_revision_is_built_from_the_snapshot_taken_when_it_was_queued(ctx, officer, tmp_path) -> None:
    """Submit snapshots revision 1 as the row says it; an amendment leaves that snapshot (and so its body) as it was."""
    from sqlalchemy import select

    from kiosk.dossier.amend import amend
    from kiosk.dossier.revisions import SNAPSHOT_VERSION
    from kiosk.storage.models import Dossier, OutboxEntry
    from sync import outbox

    from sync_helpers import row_body, snapshot_body, submit_dossiers

    [code] = submit_dossiers(ctx, officer, 1, tmp_path / "scans", size=1000)

    def entry(revision: int) -> OutboxEntry:
        with ctx.read() as session:
            return session.scalar(select(OutboxEntry).join(OutboxEntry.dossier).where(Dossier.code == code, OutboxEntry.revision == revision))

    first = entry(1)
    assert first.payload is None and first.snapshot["version"] == SNAPSHOT_VERSION and "tracking_token" not in first.snapshot
    assert first.snapshot["code"] == code and first.snapshot["revision"] == 1 and first.snapshot["supplements_revision"] is None
    assert (first.snapshot["unit_id"], first.snapshot["kiosk_number"], first.snapshot["officer"]) == (ctx.settings.unit_id, 1, "lan")
    before = snapshot_body(ctx, code, 1)
    # what the release before snapshots would have sent, plus how each item was provided (a 2025-layout dossier)
    assert before == row_body(ctx, code, 1, with_ways=True)

    procedure = ctx.catalogue.get(first.snapshot["procedure_code"])
    doc = procedure.documents[0]
    changed = {"submitter_name": first.snapshot["values"]["submitter_name"] + " Anh"}
    assert amend(ctx, code=code, officer=officer, values=changed, documents={doc.id: 1}, note="bổ sung") == 2

    assert entry(1).snapshot == first.snapshot and entry(1).payload is None  # untouched: amend() freezes nothing now
    assert snapshot_body(ctx, code, 1) == before != row_body(ctx, code, 1, with_ways=True)  # the row moved on; revision 1 did not
    second = entry(2).snapshot
    assert second["revision"] == 2 and second["supplements_revision"] == 1 and second["values"]["submitter_name"] == changed["submitter_name"]
    assert second["documents"][:-1] == first.snapshot["documents"] and second["documents"][-1]["doc_id"] == doc.id
    assert second["attachments"] == first.snapshot["attachments"] and snapshot_body(ctx, code, 2) == row_body(ctx, code, 2, with_ways=True)

    assert outbox.prepare(ctx, first.id).payload == before  # frozen at the first send from the snapshot, as built before
    assert outbox.prepare(ctx, entry(2).id).payload == snapshot_body(ctx, code, 2)
