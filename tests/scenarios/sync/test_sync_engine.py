"""The sync engine against the real portal: amendments, 401, status back, back-off, crash-left entries, CLI, lock."""

from __future__ import annotations

import json
import re
import stat
from datetime import timedelta

import pytest
from sqlalchemy import select

from fault_proxy import FaultProxy
from portal_server import portal  # noqa: F401 - fixture: a real `kiosk-portal serve` process
from portal_server import on_both_backends as portal_db_url  # noqa: F401 - fixture: each test on SQLite and on PostgreSQL
from sync_helpers import UNIT_ID, add_officer, assert_portal_holds_exactly, client_factory, make_kiosk, outbox_states, portal_dossiers, snapshot_body, submit_dossiers

UNAUTHORIZED = "Máy chưa đăng ký hoặc thông tin đăng ký không đúng; hãy báo quản trị viên"


@pytest.fixture
def kiosk(tmp_path, portal):  # noqa: F811
    ctx = make_kiosk(tmp_path / "kiosk", portal)
    yield ctx
    ctx.close()


def _entry(ctx, code: str, revision: int = 1):
    from kiosk.storage.models import Dossier, OutboxEntry

    with ctx.read() as session:
        return session.scalar(select(OutboxEntry).join(OutboxEntry.dossier).where(Dossier.code == code, OutboxEntry.revision == revision))


def _dossier(ctx, code: str):
    from kiosk.storage.models import Dossier

    with ctx.read() as session:
        return session.scalar(select(Dossier).where(Dossier.code == code))


def test_one_pass_delivers_with_progress_status_and_catalogue(kiosk, portal, tmp_path) -> None:  # noqa: F811
    from kiosk.storage.models import SyncMeta
    from sync.engine import SyncEngine, queue_summary, status

    officer = add_officer(kiosk)
    codes = submit_dossiers(kiosk, officer, 2, tmp_path / "scans", size=300_000)
    queue = queue_summary(kiosk)
    assert [(q.code, q.revision, q.state, q.attempts) for q in queue] == [(c, 1, "queued", 0) for c in codes]
    assert status(kiosk).queued == 2 and status(kiosk).last_success_at is None and status(kiosk).enrolled

    events = []
    report = SyncEngine(kiosk).run_once(progress=events.append)
    assert report.ok and report.reachable and report.delivered == 2 and report.remaining == 0 and report.catalogue_fetched
    for code in codes:
        mine = [(e.sent, e.total) for e in events if e.code == code]
        assert mine == sorted(mine) and mine[-1][0] == mine[-1][1] > 300_000
    entry = _entry(kiosk, codes[0])
    assert entry.state == "delivered" and entry.delivered_at and entry.portal_received_at and entry.attempts == 1
    assert queue_summary(kiosk) == []
    now = status(kiosk)
    assert now.queued == 0 and now.delivered == 2 and now.last_success_at and now.last_error is None
    with kiosk.read() as session:
        catalogue = json.loads(session.get(SyncMeta, "catalogue").value)
    assert catalogue["procedures"] and {"code", "version"} <= set(catalogue["procedures"][0])
    assert_portal_holds_exactly(kiosk, portal, codes)
    assert SyncEngine(kiosk).run_once().attempted == 0  # nothing left to send
    from kiosk.storage.models import AuditEvent

    with kiosk.read() as session:
        deliveries = [e.details["code"] for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "sync.delivered"))]
    assert sorted(deliveries) == sorted(codes)  # each delivery is in the audit trail, once


def test_status_set_on_the_portal_reaches_the_dossier_after_one_pass(kiosk, portal, tmp_path) -> None:  # noqa: F811
    from kiosk.storage.models import PortalStatusEvent
    from sync.engine import SyncEngine

    officer = add_officer(kiosk)
    [code] = submit_dossiers(kiosk, officer, 1, tmp_path / "scans", size=1000)
    engine = SyncEngine(kiosk)
    assert engine.run_once().delivered == 1
    portal.run_cli("set-status", code, "4", "--note", "Đang xử lý tại bộ phận tư pháp")
    assert engine.run_once().status_changes == 1
    dossier = _dossier(kiosk, code)
    assert dossier.portal_status == 4 and dossier.portal_status_note == "Đang xử lý tại bộ phận tư pháp" and dossier.portal_status_at
    assert engine.run_once().status_changes == 0  # the cursor moved: applying again changes nothing
    portal.run_cli("set-status", code, "9")
    engine.run_once()
    with kiosk.read() as session:
        events = session.scalars(select(PortalStatusEvent).order_by(PortalStatusEvent.id)).all()
    assert [e.status for e in events] == [4, 9]
    assert _dossier(kiosk, code).portal_status == 9


def test_amendment_reaches_the_portal_and_replaying_revision_1_changes_nothing(kiosk, portal, tmp_path) -> None:  # noqa: F811
    from kiosk.dossier.amend import amend
    from kiosk.storage.models import AuditEvent
    from sync import errors, wire
    from sync.engine import SyncEngine, default_client

    officer = add_officer(kiosk)
    [code] = submit_dossiers(kiosk, officer, 1, tmp_path / "scans", size=1000)
    engine = SyncEngine(kiosk)
    assert engine.run_once().delivered == 1
    portal.run_cli("set-status", code, "5", "--note", "Bổ sung bản sao giấy tờ")
    engine.run_once()
    assert _dossier(kiosk, code).portal_status == 5

    procedure = kiosk.catalogue.get(_dossier(kiosk, code).procedure_code)
    doc = procedure.documents[0]
    assert amend(kiosk, code=code, officer=officer, documents={doc.id: 1}, note="Đã nhận bản sao bổ sung") == 2
    dossier = _dossier(kiosk, code)
    assert dossier.revision == 2 and dossier.lifecycle == "amended"
    with kiosk.read() as session:
        assert session.scalar(select(AuditEvent).where(AuditEvent.action == "dossier.amended")).details["revision"] == 2
    assert outbox_states(kiosk) == {(code, 1): "delivered", (code, 2): "queued"}
    report = engine.run_once()
    assert report.ok and report.delivered == 1
    revision_2 = json.loads(_entry(kiosk, code, 2).payload)
    assert revision_2["revision"] == 2 and revision_2["supplements_revision"] == 1
    assert sum(1 for d in revision_2["documents"] if d["doc_id"] == doc.id) >= 1
    assert_portal_holds_exactly(kiosk, portal, [code], revisions={code: 2})
    before = portal_dossiers(portal)

    first = _entry(kiosk, code, 1)
    with default_client(kiosk) as client:
        ack = client.put_revision(dossier.uuid, 1, first.payload, attempt=9)
        assert not ack.created and ack.body_sha256 == wire.body_sha256(first.payload)
        changed = json.loads(first.payload)
        changed["values"]["submitter_phone"] = "0911111111"
        with pytest.raises(errors.Rejected):
            client.put_revision(dossier.uuid, 1, wire.canonical_json(changed))
    after = portal_dossiers(portal)
    assert after[0].pop("deliveries") == before[0].pop("deliveries") + 2  # the portal logs each upload (repeat, conflict)
    assert after == before  # ... and nothing else changed


def test_amendment_refuses_nothing_to_record_and_unknown_documents(kiosk, tmp_path) -> None:
    from kiosk.dossier.amend import amend
    from kiosk.errors import InputError

    officer = add_officer(kiosk)
    [code] = submit_dossiers(kiosk, officer, 1, tmp_path / "scans", size=1000)
    with pytest.raises(InputError):
        amend(kiosk, code=code, officer=officer)
    with pytest.raises(InputError):
        amend(kiosk, code=code, officer=officer, documents={"no-such-document": 1})
    with pytest.raises(InputError):
        amend(kiosk, code="000.00.07.H26-991231-9999", officer=officer, documents={"x": 1})
    assert _dossier(kiosk, code).revision == 1 and outbox_states(kiosk) == {(code, 1): "queued"}


@pytest.mark.parametrize("how", ["unenrolled", "wrong-secret"])
def test_401_stops_the_pass_with_a_clear_message_and_nothing_delivered(how, tmp_path, portal) -> None:  # noqa: F811
    from sync.credentials import Credentials, load_credentials, save_credentials
    from sync.engine import SyncEngine, status

    ctx = make_kiosk(tmp_path / "kiosk", portal, enrolled=how != "unenrolled")
    try:
        if how == "wrong-secret":
            creds = load_credentials(ctx.data)
            save_credentials(ctx.data, Credentials(creds.portal_url, creds.kiosk_id, "not-the-secret", creds.enrolled_at))
        officer = add_officer(ctx)
        codes = submit_dossiers(ctx, officer, 2, tmp_path / "scans", size=1000)
        for _ in range(2):
            report = SyncEngine(ctx).run_once(force=True)
            assert report.reachable and report.message == UNAUTHORIZED and report.delivered == 0 and not report.ok
        assert "delivered" not in outbox_states(ctx).values()
        assert status(ctx).last_error == UNAUTHORIZED
        assert portal_dossiers(portal) == []
        assert codes
    finally:
        ctx.close()


class _Ceiling:
    """An rng whose jitter is always the full back-off, so the test knows the retry time exactly."""

    @staticmethod
    def uniform(low: float, high: float) -> float:
        return high


def test_backoff_is_respected_force_ignores_it_and_crash_left_sending_is_retried(kiosk, portal, tmp_path) -> None:  # noqa: F811
    from kiosk.storage.models import OutboxEntry, utcnow
    from sync.engine import SyncEngine

    officer = add_officer(kiosk)
    [code] = submit_dossiers(kiosk, officer, 1, tmp_path / "scans", size=1000)
    with FaultProxy(portal.url) as proxy:
        engine = SyncEngine(kiosk, client_factory(proxy.url), rng=_Ceiling())  # type: ignore[arg-type]
        proxy.set_fault("http500", match=r"^PUT /api/v1/dossiers/")
        for attempt, backoff in ((1, 30), (2, 60), (3, 120)):
            before = utcnow()
            report = engine.run_once(force=True)
            entry = _entry(kiosk, code)
            assert report.failed == 1 and entry.state == "failed" and entry.attempts == attempt
            assert "sự cố" in entry.last_error
            assert before + timedelta(seconds=backoff) <= entry.next_attempt_at <= utcnow() + timedelta(seconds=backoff)
        proxy.clear()
        report = engine.run_once()  # not due yet: back-off respected
        assert report.attempted == 0 and report.remaining == 1 and _entry(kiosk, code).state == "failed"
        assert engine.run_once(force=True).delivered == 1  # "Đồng bộ ngay" ignores back-off
    # A crash after `sending` was committed (the portal may or may not have the dossier): the next pass retries.
    [second] = submit_dossiers(kiosk, officer, 1, tmp_path / "scans", size=1000, seed=5)
    third_id = _entry(kiosk, second).id
    from sync import outbox

    outbox.prepare(kiosk, third_id)
    outbox.mark_sending(kiosk, third_id)
    report = SyncEngine(kiosk).run_once()
    assert report.recovered == 1 and report.delivered == 1 and _entry(kiosk, second).state == "delivered"
    with kiosk.read() as session:
        assert session.scalar(select(OutboxEntry.attempts).where(OutboxEntry.id == third_id)) == 2
    assert_portal_holds_exactly(kiosk, portal, [code, second])


def test_network_cuts_do_not_push_the_retry_an_hour_away(kiosk, portal, tmp_path) -> None:  # noqa: F811
    """A link cut many times must not leave the oldest dossier waiting an hour after the network returns."""
    from kiosk.storage.models import utcnow
    from sync.engine import SyncEngine

    officer = add_officer(kiosk)
    [code] = submit_dossiers(kiosk, officer, 1, tmp_path / "scans", size=1000)
    with FaultProxy(portal.url) as proxy:
        engine = SyncEngine(kiosk, client_factory(proxy.url), rng=_Ceiling())  # type: ignore[arg-type]
        proxy.set_fault("reset_before", match=r"^PUT /api/v1/dossiers/")
        for attempt in range(1, 7):
            before = utcnow()
            report = engine.run_once(force=True)
            entry = _entry(kiosk, code)
            assert report.failed == 1 and entry.attempts == attempt and "kết nối" in entry.last_error
            # Due at once: the loop's reconnect probe (every 2–3 s, then 0–5 s of jitter) decides when (sync/schedule.py).
            assert before <= entry.next_attempt_at <= utcnow() and report.network_failure
        proxy.clear()
        assert engine.run_once(force=True).delivered == 1
    assert_portal_holds_exactly(kiosk, portal, [code])


def test_one_sender_at_a_time(kiosk, tmp_path) -> None:
    from filelock import FileLock

    from sync.engine import SyncEngine, lock_path

    officer = add_officer(kiosk)
    submit_dossiers(kiosk, officer, 1, tmp_path / "scans", size=1000)
    with FileLock(str(lock_path(kiosk))):
        report = SyncEngine(kiosk).run_once(force=True)
    assert report.busy and report.attempted == 0 and not report.ok
    assert SyncEngine(kiosk).run_once(force=True).delivered == 1


def test_probe_tells_the_portal_from_a_captive_portal(kiosk, portal) -> None:  # noqa: F811
    from sync.engine import probe

    assert probe(kiosk) is True
    with FaultProxy(portal.url) as proxy:
        factory = client_factory(proxy.url)
        assert probe(kiosk, factory) is True
        proxy.set_fault("captive")
        assert probe(kiosk, factory) is False


def run_admin(argv: list[str], stdin_line: str) -> int:
    """kiosk-admin in-process as the site's administrator, with `stdin_line` on standard input after the administrator's
    PIN (the enrolment code never goes in argv)."""
    import io
    import sys

    from cli_helpers import ADMIN_PIN, ADMIN_USER
    from ui.admin.cli import main

    sys.stdin = io.StringIO(f"{ADMIN_PIN}\n{stdin_line}\n")
    try:
        return main([*argv, "--as", ADMIN_USER])
    finally:
        sys.stdin = sys.__stdin__


def test_cli_enrol_then_sync(tmp_path, portal, capsys) -> None:  # noqa: F811
    from ui.admin.cli import main
    from kiosk.storage.site import init_site

    from cli_helpers import add_admin
    from conftest import TEST_SITE

    root = tmp_path / "cli"
    init_site(root, dict(TEST_SITE))
    add_admin(root)
    out = portal.run_cli("enrolment-code", "--unit-id", UNIT_ID, "--kiosk-number", "1")
    text = out if isinstance(out, str) else out.stdout
    enrolment_code = re.findall(r"[A-Za-z0-9-]{6,}", text.strip().splitlines()[-1])[-1]
    assert run_admin(["--data-dir", str(root), "enrol", "--portal", portal.url, "--code", "-", "--json"], enrolment_code) == 0
    enrolled = json.loads(capsys.readouterr().out)
    assert enrolled["ok"] and enrolled["kiosk_id"] and "secret" not in enrolled
    keys = root / "keys" / "portal.json"
    assert stat.S_IMODE(keys.stat().st_mode) == 0o600
    assert json.loads((root / "settings.json").read_text(encoding="utf-8"))["portal_url"] == portal.url
    secret = json.loads(keys.read_text(encoding="utf-8"))["secret"]
    assert secret not in (root / "logs" / "kiosk.log").read_text(encoding="utf-8")

    # the same code a second time: refused with a clear message
    assert run_admin(["--data-dir", str(root), "enrol", "--portal", portal.url, "--code", "-", "--json"], enrolment_code) == 1
    assert "Mã đăng ký" in json.loads(capsys.readouterr().out)["error"]

    from kiosk.storage.context import open_kiosk

    ctx = open_kiosk(root)
    try:
        officer = add_officer(ctx)
        [code] = submit_dossiers(ctx, officer, 1, tmp_path / "scans", size=1000)
    finally:
        ctx.close()
    assert main(["--data-dir", str(root), "sync", "--json"]) == 0
    synced = json.loads(capsys.readouterr().out)
    assert synced["ok"] and synced["delivered"] == 1 and synced["remaining"] == 0
    assert [row["code"] for row in portal_dossiers(portal)] == [code]


def test_cli_sync_exits_1_when_the_portal_is_unreachable(tmp_path, capsys) -> None:
    from ui.admin.cli import main
    from kiosk.storage.site import init_site

    from conftest import TEST_SITE

    root = tmp_path / "offline"
    init_site(root, dict(TEST_SITE, portal_url="http://127.0.0.1:9"))
    assert main(["--data-dir", str(root), "sync", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["reachable"] is False and "Không kết nối được" in report["message"]


def _province_ca(folder) -> tuple[str, str, str]:
    """A private CA (as a province runs) and a certificate for 127.0.0.1 it signed: (ca.pem, server.pem, server.key)."""
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    folder.mkdir()
    (folder / "server.ext").write_text(
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n"
    )
    commands = [
        "req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=Test-Province-CA "
        "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign",
        "req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1",
        "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext",
    ]
    for command in commands:
        subprocess.run(["openssl", *command.split()], cwd=folder, check=True, capture_output=True, timeout=60)
    return str(folder / "ca.pem"), str(folder / "server.pem"), str(folder / "server.key")


def test_tls_is_verified_and_a_province_ca_bundle_is_honoured(kiosk, portal, tmp_path) -> None:  # noqa: F811
    from sync import errors
    from sync.client import PortalClient
    from sync.engine import SyncEngine

    ca, cert, key = _province_ca(tmp_path / "pki")
    officer = add_officer(kiosk)
    [code] = submit_dossiers(kiosk, officer, 1, tmp_path / "scans", size=1000)
    with FaultProxy(portal.url, tls=(cert, key)) as proxy:
        assert proxy.url.startswith("https://")
        with PortalClient(proxy.url, None) as client, pytest.raises(errors.TLSFailure):
            client.health()  # the system's trust store does not know the province CA
        kiosk.settings = kiosk.settings.with_changes(portal_url=proxy.url)
        report = SyncEngine(kiosk).run_once()
        assert not report.reachable and "chứng chỉ" in report.message and outbox_states(kiosk) == {(code, 1): "queued"}
        kiosk.settings = kiosk.settings.with_changes(portal_ca_bundle=ca)
        report = SyncEngine(kiosk).run_once()
        assert report.ok and report.delivered == 1
        assert_portal_holds_exactly(kiosk, portal, [code])


def test_amendment_while_revision_1_waits_offline_sends_both_as_they_were(kiosk, portal, tmp_path) -> None:  # noqa: F811
    from kiosk.dossier.amend import amend
    from sync.engine import SyncEngine

    officer = add_officer(kiosk)
    [code] = submit_dossiers(kiosk, officer, 1, tmp_path / "scans", size=1000)
    doc = kiosk.catalogue.get(_dossier(kiosk, code).procedure_code).documents[0]
    assert amend(kiosk, code=code, officer=officer, documents={doc.id: 2}) == 2
    assert _entry(kiosk, code, 1).payload is None  # amend() freezes nothing: revision 1 keeps the snapshot taken at submit
    queued_1 = snapshot_body(kiosk, code, 1)  # the body revision 1 is built from, whatever the row says now
    revision_1 = json.loads(queued_1)
    assert _entry(kiosk, code, 2).payload is None
    report = SyncEngine(kiosk).run_once()
    assert report.ok and report.delivered == 2
    assert _entry(kiosk, code, 1).payload == queued_1  # sent as it was queued
    revision_2 = json.loads(_entry(kiosk, code, 2).payload)
    assert revision_1["revision"] == 1 and revision_1["supplements_revision"] is None
    assert revision_2["documents"][: len(revision_1["documents"])] == revision_1["documents"]
    assert revision_2["documents"][-1] == {"doc_id": doc.id, "name": doc.name, "kind": doc.kind, "quantity": 2,
                                           # received under the 2025 layout: how the item was provided too
                                           "way": doc.way, "page_count": None, "record_number": None}
    [row] = portal_dossiers(portal)
    assert row["revision"] == 2 and [r["revision"] for r in row["revisions"]] == [1, 2]
