"""Counter events through a real portal process (docs/counter-events.md): sent once, applied, echoed back.

Status 9 set with `kiosk-portal set-status` is pulled; the hand-back is recorded and synced; the portal holds one
status change 10 naming the event and one delivery of it; the kiosk shows the echo; a status the portal set
before the hand-back reached it never overrides the echo; faults on the way deliver every event exactly once.
"""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import select

from portal_server import portal  # noqa: F401 - fixture: a real `kiosk-portal serve` process
from sync_helpers import proxied_kiosk, proxy  # noqa: F401 - fixtures
from sync_helpers import PROXY_READ_TIMEOUT, add_officer, client_factory, portal_dossiers, submit_dossiers

READ_TIMEOUT = PROXY_READ_TIMEOUT


@pytest.fixture
def kiosk(proxied_kiosk):
    return proxied_kiosk


def _sync(ctx, proxy, passes: int = 1):
    from sync.engine import SyncEngine

    engine = SyncEngine(ctx, client_factory(proxy.url, timeout=(2.0, READ_TIMEOUT)))
    report = engine.run_once(force=True)
    for _ in range(passes - 1):
        if report.remaining == 0:
            break
        report = engine.run_once(force=True)
    return report


def _dossier(ctx, code: str):
    from kiosk.storage.models import Dossier

    with ctx.read() as session:
        row = session.scalar(select(Dossier).where(Dossier.code == code))
        session.expunge(row)
        return row


def _portal_events(portal) -> list[dict]:  # noqa: F811
    import json

    return json.loads(portal.run_cli("events", "--json").stdout)["events"]


def _changes(ctx, code: str) -> list:
    from sync.engine import default_client

    with default_client(ctx) as client:
        changes, _next, _more = client.status_changes(None, limit=500)
    return [c for c in changes if c.code == code]


def _ready_dossier(kiosk, portal, proxy, tmp_path):  # noqa: F811
    officer = add_officer(kiosk)
    [code] = submit_dossiers(kiosk, officer, 1, tmp_path / "scans", size=2000)
    assert _sync(kiosk, proxy).ok
    portal.run_cli("set-status", code, "9")
    assert _sync(kiosk, proxy).status_changes == 1
    assert _dossier(kiosk, code).portal_status == 9
    return officer, code


def test_a_hand_back_after_status_9_reaches_the_portal_once_and_is_echoed(kiosk, portal, proxy, tmp_path) -> None:  # noqa: F811
    from kiosk.dossier.handback import hand_back
    from kiosk.printed.token import make_token

    officer, code = _ready_dossier(kiosk, portal, proxy, tmp_path)
    handed = hand_back(kiosk, code, receiver_name="Lê Văn Nhận", receiver_id="001090012345", authorisation="Giấy ủy quyền số 7",
                       officer=officer, fee_vnd=0, result_no="15/TP-HT")
    assert _dossier(kiosk, code).portal_status == 9  # the kiosk's own columns change now; portal_status only by a pull
    report = _sync(kiosk, proxy)
    assert report.ok and report.delivered == 1, report

    [event] = _portal_events(portal)
    assert (event["uuid"], event["kind"], event["deliveries"], event["outcomes"]) == (handed.uuid, "hand_back", 1, {"created": 1})
    assert event["details"] == {"receiver": "authorised", "authorisation": True, "by": "counter", "fee_vnd": 0, "result_no": "15/TP-HT"}
    tens = [c for c in _changes(kiosk, code) if c.status == 10]
    assert len(tens) == 1 and tens[0].event_uuid == handed.uuid and tens[0].event_kind == "hand_back"
    [row] = [r for r in portal_dossiers(portal) if r["code"] == code]
    assert row["status"] == 10 and row["handed_back_at"] is not None

    shown = _dossier(kiosk, code)
    assert shown.portal_status == 10 and shown.handed_back_at is not None  # the echo, pulled in the same pass
    from kiosk.storage.models import CounterEvent

    with kiosk.read() as session:
        assert session.scalar(select(CounterEvent.echo_cursor).where(CounterEvent.uuid == handed.uuid)) == tens[0].cursor

    page = requests.get(f"{portal.url}/tra-cuu/{code}", params={"t": make_token(kiosk.receipt_key, code)}, timeout=10)
    assert page.status_code == 200 and "Đã trả kết quả" in page.text and "Lê Văn Nhận" not in page.text


def test_a_status_set_before_the_hand_back_reached_the_portal_never_overrides_the_echo(kiosk, portal, proxy, tmp_path) -> None:  # noqa: F811
    from kiosk.dossier.handback import hand_back

    officer, code = _ready_dossier(kiosk, portal, proxy, tmp_path)
    portal.run_cli("set-status", code, "4", "--note", "đang xác minh")  # the back office, before it heard of the hand-back
    submitter = _dossier(kiosk, code).submitter_name
    handed = hand_back(kiosk, code, receiver_name=submitter, officer=officer)  # offline: the event cannot go yet

    proxy.set_fault("http500", match=r"^PUT /api/v1/events/")
    report = _sync(kiosk, proxy)
    assert report.failed == 1 and report.status_changes == 1  # the 4 is pulled while the hand-back is still waiting
    late = _dossier(kiosk, code)
    assert late.portal_status == 9, "a change made before the kiosk's hand-back must not replace what the kiosk shows"

    proxy.clear()
    report = _sync(kiosk, proxy, passes=3)
    assert report.ok and report.remaining == 0, report
    statuses = [(c.status, c.event_uuid) for c in _changes(kiosk, code)]
    assert statuses == [(9, None), (4, None), (10, handed.uuid)]
    assert _dossier(kiosk, code).portal_status == 10

    # A restored kiosk database pulls everything again, in the portal's order: the end is the echo, never the 4.
    from kiosk.storage.models import PortalStatusEvent
    from sync import meta

    with kiosk.transaction() as session:
        for row in session.scalars(select(PortalStatusEvent)):
            session.delete(row)
        meta.put(session, meta.STATUS_CURSOR, None)
    _sync(kiosk, proxy)
    assert _dossier(kiosk, code).portal_status == 10


def test_a_kiosk_clock_a_day_behind_does_not_let_the_back_office_override_the_hand_back(kiosk, portal, proxy, tmp_path) -> None:  # noqa: F811
    """The hand-back is recorded at the kiosk's time, a day behind; the back office then sets 4 (portal time, later).
    Until the echo arrives the kiosk still shows 9, and the echo ends it on 10: no clock decides."""
    from datetime import timedelta

    from kiosk.dossier.handback import hand_back
    from kiosk.storage.models import utcnow

    officer, code = _ready_dossier(kiosk, portal, proxy, tmp_path)
    handed = hand_back(kiosk, code, receiver_name=_dossier(kiosk, code).submitter_name, officer=officer,
                       now=utcnow() - timedelta(days=1))
    portal.run_cli("set-status", code, "4", "--note", "đang xác minh")  # the back office has not heard of it yet
    proxy.set_fault("http500", match=r"^PUT /api/v1/events/")
    report = _sync(kiosk, proxy)
    assert report.failed == 1 and report.status_changes == 1
    assert _dossier(kiosk, code).portal_status == 9, "the counter handed the result back; a 4 pulled before the echo is history"
    proxy.clear()
    report = _sync(kiosk, proxy, passes=3)
    assert report.ok and report.remaining == 0, report
    assert [(c.status, c.event_uuid) for c in _changes(kiosk, code)] == [(9, None), (4, None), (10, handed.uuid)]
    assert _dossier(kiosk, code).portal_status == 10
    portal.run_cli("set-status", code, "4", "--note", "mở lại để đính chính")  # after the echo: the back office knows newer
    assert _sync(kiosk, proxy).status_changes == 1 and _dossier(kiosk, code).portal_status == 4


@pytest.mark.parametrize("mode", ["reset_after", "captive", "http500"])
def test_faults_during_a_batch_of_events_deliver_each_exactly_once(mode, kiosk, portal, proxy, tmp_path) -> None:  # noqa: F811
    from kiosk.dossier.handback import hand_back
    from kiosk.dossier.notices import record_guidance, record_refusal, stop
    from kiosk.dossier.ratings import rate

    officer = add_officer(kiosk)
    codes = submit_dossiers(kiosk, officer, 4, tmp_path / "scans", size=2000)
    assert _sync(kiosk, proxy).ok
    for code in codes[:3]:
        portal.run_cli("set-status", code, "9")
    assert _sync(kiosk, proxy).status_changes == 3
    procedure = kiosk.catalogue.latest()[0]
    recorded = []
    for code in codes[:3]:
        handed = hand_back(kiosk, code, receiver_name=_dossier(kiosk, code).submitter_name, officer=officer)
        recorded += [handed.uuid, rate(kiosk, handed.uuid, 2).uuid]
    recorded.append(stop(kiosk, codes[3], "Người nộp xin dừng", officer).uuid)
    recorded.append(record_guidance(kiosk, procedure, {}, [procedure.documents[0].id], "", officer).uuid)
    recorded.append(record_refusal(kiosk, procedure, {}, "Không thuộc thẩm quyền", officer).uuid)

    proxy.set_fault(mode, count=3, match=r"^PUT /api/v1/events/")
    for _ in range(8):
        report = _sync(kiosk, proxy)
        if report.remaining == 0 and report.ok:
            break
    assert report.ok and report.remaining == 0, report
    assert proxy.stats.faults.get(mode, 0) == 3

    held = _portal_events(portal)
    assert sorted(e["uuid"] for e in held) == sorted(recorded)  # each once, none lost
    assert all(e["outcomes"].get("created") == 1 for e in held)
    if mode == "reset_after":  # the portal committed before the cut: the retry was acknowledged as a repeat
        assert any(e["outcomes"].get("repeat") for e in held)
    by_code = {r["code"]: r for r in portal_dossiers(portal)}
    for code in codes[:3]:
        assert by_code[code]["status"] == 10 and [c.status for c in _changes(kiosk, code)].count(10) == 1
        assert _dossier(kiosk, code).portal_status == 10
    assert by_code[codes[3]]["status"] == 7 and _dossier(kiosk, codes[3]).portal_status == 7
