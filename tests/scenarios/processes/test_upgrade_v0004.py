"""Upgrades: a data folder made by the release at schema 0004 (commit e374981) opens with nothing lost, every revision
not yet delivered gets its snapshot (migration 0005), and its outbox then syncs: the queued, the interrupted
(`sending`) and the amendment's revision go out once each; the revisions already delivered are never sent again."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from conftest import REPO, decrypted_sha256, open_raw_db
from portal_server import portal  # noqa: F401 - the fixture

OLD_SITE = REPO / "tests" / "data" / "v0004-site"  # made by tests/data/make_v0004_site.py with commit e374981
C = "000.00.07.H26-261201-"
CODES = [C + "1001", C + "1002", C + "1003", C + "1004", C + "1005", C + "1006"]
AMENDED = C + "1006"
SENDING = C + "1005"  # `sending` committed, then the process died before the portal's answer
SCANNED = C + "1003"
# code → uuid, procedure, lifecycle, revision, submitter, sha256 of the values (canonical JSON), documents received
DOSSIERS = {
    C + "1001": ("043c1882-9b16-4989-b0e6-d10cc7a8073d", "1.001193", "submitted", 1, "Nguyễn Minh Quân",
                 "82e2afa67259d8d28c7f04ab4d496df6450a2372ea798ca8a49d4fd7f9ed95a3", ["bien_ban_bo_roi", "giay_to_tuy_than"]),
    C + "1002": ("76f47f9e-df94-4b48-beb6-ce89779ef2a7", "1.004873", "submitted", 1, "Đặng Công An",
                 "11e9d9078e053e69a03a3af01387e91bae3d7bff4b5eeac935e40aca48498ff6", ["giay_to_tuy_than"]),
    C + "1003": ("dbfc3897-4b6c-45d4-9509-207d1e26d5bd", "2.000635", "submitted", 1, "Phan Thanh Trang",
                 "6e7174c1e47f852f184e38e7439cf8db17a9995a420a9be3d2143c73c96aec7c", ["giay_to_tuy_than"]),
    C + "1004": ("4ca642eb-07ba-46af-babe-a220581a3ef5", "1.000656", "submitted", 1, "Phan Thành Khánh",
                 "9a47707dd9983793d57bee5dd757b1cf1810110789fd3826eab95956fafc8467", ["giay_bao_tu", "giay_to_tuy_than"]),
    C + "1005": ("4f94d865-e038-421f-9614-efd98e7b0417", "2.000815", "submitted", 1, "Hoàng Diệu Hà",
                 "8bcd14b6d49fed2c2c32ee69b0b098ccbee35f6ad1368d238ddac31db4eefc98", ["ban_chinh"]),
    C + "1006": ("34496ffe-ef40-419b-b3fa-327d669c96a2", "1.000894", "amended", 2, "Lý Phương Chi",
                 "0ba7c643728b56407caea8027db2f7a9592b79ed7295e8d84fdfb81f32c5dc21",
                 ["giay_to_tuy_than_ben_nu", "giay_to_tuy_than_ben_nam", "xac_nhan_thhn_ben_nam"]),
}
OUTBOX = {  # (code, revision) → state as the old release left it
    (C + "1001", 1): "delivered",
    (C + "1002", 1): "delivered",
    (C + "1003", 1): "queued",
    (C + "1004", 1): "queued",
    (C + "1005", 1): "sending",
    (C + "1006", 1): "delivered",
    (C + "1006", 2): "queued",
}
DELIVERED = sorted(k for k, s in OUTBOX.items() if s == "delivered")
TO_SEND = sorted(k for k, s in OUTBOX.items() if s != "delivered")
DELIVERED_AT = datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)
SENDING_BODY_SHA256 = "fc550727bce3d2c3241d728d704013112cb4f711b74fc8ff7170a65488f1cbba"  # frozen before the interrupted send
SCAN_SHA256 = "58936fad38e3f0ebd8c46485cc65558be5c795dd8b6cb08417663d8eafbbdf0c"
DRAFT_UUID = "75b3e4a3-321b-48ec-8847-e5d072c664cf"
DRAFT_VALUES = {
    "submitter_name": "Vũ Đức Quân",
    "submitter_id_number": "084099133795",
    "submitter_birth_date": "1999-11-10",
    "submitter_sex": "nam",
    "submitter_phone": "0929418419",
    "submitter_email": "congdan8636@example.vn",
    "submitter_address": {"line": "Số 86, Xóm 3", "commune_code": "20131", "province_code": "46"},
    "requester_id_paper_type": "ho_chieu",
}


@pytest.fixture
def old_site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(OLD_SITE, root)
    for path in [root, *root.rglob("*")]:  # the modes git gives a checkout (it keeps only the executable bit)
        path.chmod(0o755 if path.is_dir() else 0o644)
    (root / "logs").mkdir(exist_ok=True)
    return root


def _digest(values: dict) -> str:
    return hashlib.sha256(json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")).hexdigest()


def _raw_before(root: Path) -> dict:
    """What the old release wrote, read with the folder's key before the new release touches it."""
    connection = open_raw_db(root)
    try:
        values = {uuid: json.loads(v) for uuid, v in connection.execute('SELECT uuid, "values" FROM dossier')}
        frozen = {
            (code, revision): payload
            for code, revision, payload in connection.execute(
                "SELECT d.code, e.revision, e.payload FROM outbox_entry e JOIN dossier d ON d.id = e.dossier_id WHERE e.payload IS NOT NULL"
            )
        }
        schema = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        connection.close()
    return {"values": values, "frozen": frozen, "schema": schema}


def _portal_rows(portal, sql: str) -> list:  # noqa: F811
    engine = create_engine(portal.db_url)
    try:
        with engine.connect() as connection:
            return [tuple(r) for r in connection.execute(text(sql))]
    finally:
        engine.dispose()


def _enrol(ctx, portal) -> None:  # noqa: F811
    from sync.credentials import Credentials, save_credentials
    from sync_helpers import UNIT_ID

    kiosk_id, secret = portal.enrol(UNIT_ID, 1)
    save_credentials(ctx.data, Credentials(portal.url, kiosk_id, secret, "2026-12-05T00:00:00+00:00"))
    ctx.settings = ctx.settings.with_changes(portal_url=portal.url)


def _check_as_made(ctx, before: dict) -> None:
    """Every dossier, revision, file, officer and the draft as make_v0004_site.py left them."""
    from kiosk.dossier.drafts import list_drafts
    from kiosk.dossier.search import search_dossiers
    from kiosk.security import audit
    from kiosk.security.officers import login
    from kiosk.storage.models import Attachment, Dossier, OutboxEntry

    with ctx.read() as session:
        dossiers = {d.code: d for d in session.scalars(select(Dossier).where(Dossier.lifecycle != "draft"))}
        assert sorted(dossiers) == CODES
        for code, (uuid, procedure, lifecycle, revision, name, digest, documents) in DOSSIERS.items():
            d = dossiers[code]
            assert (d.uuid, d.procedure_code, d.lifecycle, d.revision, d.submitter_name) == (uuid, procedure, lifecycle, revision, name), code
            assert _digest(d.values) == digest and d.values == before["values"][uuid], code  # every answer as it was
            assert [doc.doc_id for doc in d.documents] == documents, code
            assert d.officer.username == "lan" and d.received_at.date().isoformat() == "2026-12-01"
        assert dossiers[AMENDED].values["submitter_phone"] == "0912345678"  # the amendment's change
        entries = {(code, e.revision): e for code, e in session.execute(select(Dossier.code, OutboxEntry).join(OutboxEntry.dossier))}
        assert {k: e.state for k, e in entries.items()} == OUTBOX
        for key in DELIVERED:
            assert entries[key].delivered_at == DELIVERED_AT and entries[key].attempts == 1, key
        assert entries[(SENDING, 1)].attempts == 1 and all(entries[k].attempts == 0 for k in TO_SEND if k[0] != SENDING)
        attachments = [(a.dossier.code, a.sha256, a.filename) for a in session.scalars(select(Attachment))]
        assert attachments == [(SCANNED, SCAN_SHA256, "ban-chinh-giay-khai-sinh.pdf")]
        assert decrypted_sha256(ctx.file_key, ctx.data.attachments_dir / SCAN_SHA256) == SCAN_SHA256  # the encrypted scan is intact
        assert [s.code for s in search_dossiers(session, "ly phuong chi")] == [AMENDED]  # the search index came through
        assert audit.verify(session, ctx.data.audit_head_path).ok  # the audit chain is whole

    [draft] = list_drafts(ctx)
    assert (draft.uuid, draft.procedure_code, draft.page_index, draft.submitter_name) == (DRAFT_UUID, "1.004859", 1, "Vũ Đức Quân")
    assert draft.values == DRAFT_VALUES == before["values"][DRAFT_UUID]
    assert login(ctx, "lan", "2468").role == "officer" and login(ctx, "an", "1357").role == "admin"  # the PIN hashes survived


def _check_snapshots(ctx, before: dict) -> None:
    """Migration 0005: every revision not yet delivered got the snapshot its body is built from; delivered ones none."""
    from kiosk.storage.models import Dossier, OutboxEntry
    from sync_helpers import row_body, snapshot_body

    with ctx.read() as session:
        snapshots = {(code, e.revision): e.snapshot for code, e in session.execute(select(Dossier.code, OutboxEntry).join(OutboxEntry.dossier))}
    assert sorted(k for k, s in snapshots.items() if s is None) == DELIVERED
    assert sorted(k for k, s in snapshots.items() if s is not None) == TO_SEND
    for key in TO_SEND:
        code, revision = key
        assert (snapshots[key]["code"], snapshots[key]["revision"], snapshots[key]["uuid"]) == (code, revision, DOSSIERS[code][0]), key
        if key in before["frozen"]:  # the interrupted send: its snapshot rebuilds the frozen body byte for byte
            assert snapshot_body(ctx, code, revision) == before["frozen"][key], key
        else:  # never frozen: the row as the 0004 release would have sent it at the first send
            assert snapshot_body(ctx, code, revision) == row_body(ctx, code, revision), key
    assert sorted(k for k in before["frozen"] if k in TO_SEND) == [(SENDING, 1)]
    assert snapshots[(AMENDED, 2)]["supplements_revision"] == 1 and snapshots[(AMENDED, 2)]["values"]["submitter_phone"] == "0912345678"


def test_a_0004_folder_upgrades_with_nothing_lost_and_sends_only_what_was_not_delivered(old_site: Path, portal) -> None:  # noqa: F811
    from kiosk.printed.load import load_receipt
    from kiosk.storage.context import open_kiosk
    from kiosk.storage.db import head_revision
    from kiosk.storage.models import AuditEvent, Dossier, OutboxEntry
    from sync.engine import SyncEngine
    from sync_helpers import assert_portal_holds_exactly, portal_dossiers

    before = _raw_before(old_site)
    assert before["schema"] == "0004"
    ctx = open_kiosk(old_site)
    try:
        connection = open_raw_db(old_site)
        try:
            assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            connection.close()
        _check_as_made(ctx, before)
        _check_snapshots(ctx, before)

        _enrol(ctx, portal)
        report = SyncEngine(ctx).run_once(force=True)
        assert report.ok, report.as_dict()
        assert report.recovered == 1  # the interrupted send, retried
        assert report.delivered == report.attempted == len(TO_SEND) and report.remaining == 0
        again = SyncEngine(ctx).run_once(force=True)
        assert again.ok and again.attempted == 0 and again.delivered == 0  # nothing left, nothing sent twice

        uuids = {code: spec[0] for code, spec in DOSSIERS.items()}
        code_of = {uuid: code for code, uuid in uuids.items()}
        # The portal got each revision not yet delivered exactly once, and nothing of the delivered ones.
        deliveries = _portal_rows(portal, "SELECT dossier_uuid, revision, outcome FROM delivery")
        assert sorted((code_of[u], r, o) for u, r, o in deliveries) == [(c, r, "created") for c, r in TO_SEND]
        held = _portal_rows(portal, "SELECT dossier_uuid, revision, body, body_sha256 FROM dossier_revision")
        bodies = {(code_of[u], r): (json.loads(body), sha) for u, r, body, sha in held}
        assert sorted(bodies) == TO_SEND
        assert_portal_holds_exactly(ctx, portal, sorted({c for c, _ in TO_SEND}), revisions={AMENDED: 2})  # the scan too, intact
        assert [r["revisions"] for r in portal_dossiers(portal) if r["code"] == AMENDED][0][0]["revision"] == 2
        # The interrupted revision went out byte for byte as frozen before the crash (it may have reached the portal).
        assert bodies[(SENDING, 1)][1] == SENDING_BODY_SHA256 == hashlib.sha256(before["frozen"][(SENDING, 1)]).hexdigest()
        amendment = bodies[(AMENDED, 2)][0]
        assert amendment["supplements_revision"] == 1 and amendment["values"]["submitter_phone"] == "0912345678"
        assert [d["doc_id"] for d in amendment["documents"]] == DOSSIERS[AMENDED][6]
        for (code, revision), (body, _sha) in bodies.items():
            assert body["uuid"] == uuids[code] and body["code"] == code and body["revision"] == revision
            assert _digest(body["values"]) == DOSSIERS[code][5]  # what the portal holds is what the kiosk held

        with ctx.read() as session:
            entries = {(c, e.revision): e for c, e in session.execute(select(Dossier.code, OutboxEntry).join(OutboxEntry.dossier))}
            sent = sorted((e.details["code"], e.details["revision"]) for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "sync.delivered")))
        assert {k: e.state for k, e in entries.items()} == {k: "delivered" for k in OUTBOX}
        for key in DELIVERED:  # untouched: never re-sent
            assert entries[key].delivered_at == DELIVERED_AT and entries[key].attempts == 1 and entries[key].portal_received_at == DELIVERED_AT
        assert entries[(SENDING, 1)].attempts == 2  # the interrupted attempt and the one that delivered it
        assert sent == TO_SEND

        for code, spec in DOSSIERS.items():
            receipt = load_receipt(ctx, code, actor="t", reprint=True)
            assert receipt.reprint and receipt.dossier_code == code and receipt.submitter_name == spec[4]
            assert receipt.officer_name == "Trần Thị Lan" and receipt.agency_name == "UBND xã Bát Tràng"
        assert len(load_receipt(ctx, AMENDED, actor="t", reprint=True).documents) == 3  # with the supplementary document
    finally:
        ctx.close()


def test_an_interrupted_send_that_had_reached_the_portal_is_acknowledged_not_refused(old_site: Path, portal) -> None:  # noqa: F811
    """The `sending` revision may have arrived before the crash: the retry must be the same body (200 repeat, not 409)."""
    from kiosk.storage.context import open_kiosk
    from kiosk.storage.models import Dossier, OutboxEntry
    from sync.engine import SyncEngine, default_client

    before = _raw_before(old_site)
    ctx = open_kiosk(old_site)
    try:
        _enrol(ctx, portal)
        with default_client(ctx) as client:  # what the old release sent just before it died
            client.put_revision(DOSSIERS[SENDING][0], 1, before["frozen"][(SENDING, 1)], attempt=1)
        report = SyncEngine(ctx).run_once(force=True)
        assert report.ok and report.rejected == 0 and report.delivered == len(TO_SEND), report.as_dict()
        outcomes = _portal_rows(portal, f"SELECT outcome FROM delivery WHERE dossier_uuid = '{DOSSIERS[SENDING][0]}' ORDER BY id")
        assert [o for (o,) in outcomes] == ["created", "repeat"]
        with ctx.read() as session:
            state = session.scalar(select(OutboxEntry.state).join(OutboxEntry.dossier).where(Dossier.code == SENDING))
        assert state == "delivered"
    finally:
        ctx.close()
