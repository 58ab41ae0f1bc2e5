"""Faults between kiosk and the real portal (a fault-injecting proxy): nothing wrongly delivered, then the queue drains exactly once."""

from __future__ import annotations

import pytest

from portal_server import portal  # noqa: F401 - fixture: a real `kiosk-portal serve` process
from portal_server import on_both_backends as portal_db_url  # noqa: F401 - fixture: each test on SQLite and on PostgreSQL
from sync_helpers import proxied_kiosk, proxy  # noqa: F401 - fixtures
from sync_helpers import (PROXY_READ_TIMEOUT, add_officer, drain_and_check, client_factory, kiosk_attachments, outbox_states, portal_dossiers,
                          submit_dossiers)

FAULTS = ("reset_before", "reset_after", "http500", "http503", "stall", "captive", "malformed")
# Faults that mean "the network or the portal's front is down": the pass stops instead of timing out entry after entry.
STOPS_THE_PASS = {"reset_before", "reset_after", "http503", "stall", "captive"}
READ_TIMEOUT = PROXY_READ_TIMEOUT
ATTACHMENT = 600_000  # three chunks of at most 256 KiB


@pytest.fixture
def kiosk(proxied_kiosk):
    return proxied_kiosk


def _engine(ctx, proxy):
    from sync.engine import SyncEngine

    return SyncEngine(ctx, client_factory(proxy.url, timeout=(2.0, READ_TIMEOUT)))


@pytest.mark.parametrize("mode", FAULTS)
def test_fault_then_recovery_delivers_every_dossier_exactly_once(mode, kiosk, portal, proxy, tmp_path) -> None:  # noqa: F811
    from sync import wire

    officer = add_officer(kiosk)
    codes = submit_dossiers(kiosk, officer, 3, tmp_path / "scans", size=ATTACHMENT, seed=1)
    engine = _engine(kiosk, proxy)

    # 1. The fault hits every request: the portal is "offline"; nothing is delivered, nothing is counted as tried.
    proxy.set_fault(mode)
    for _ in range(2):
        report = engine.run_once(force=True)
        assert not report.reachable and report.delivered == 0 and report.message and not report.ok
    assert set(outbox_states(kiosk).values()) == {"queued"}
    assert portal_dossiers(portal) == []

    # 2. The fault hits the first dossier upload only, after its attachments arrived. With reset_after, stall and
    #    malformed the portal has committed it: the kiosk still must not count it as delivered.
    proxy.set_fault(mode, count=1, match=r"^PUT /api/v1/dossiers/")
    report = engine.run_once(force=True)
    assert report.reachable and not report.ok
    states = outbox_states(kiosk)
    assert states[(codes[0], 1)] == "failed"
    if mode in STOPS_THE_PASS:
        assert report.delivered == 0 and states[(codes[1], 1)] == states[(codes[2], 1)] == "queued"
    else:
        assert report.delivered == 2 and states[(codes[1], 1)] == states[(codes[2], 1)] == "delivered"

    # 3. A new dossier; the fault hits its attachment's second chunk, mid-file. Its upload ran ahead, on the second
    #    connection while the dossier before it went (sync/ahead.py): the pass goes on, the engine asks the portal
    #    what it holds and resumes from there, so the dossier still goes now and no chunk the portal holds goes twice.
    codes += submit_dossiers(kiosk, officer, 1, tmp_path / "scans", size=ATTACHMENT, seed=2)
    new_file = next(sha for sha, code in kiosk_attachments(kiosk).items() if code == codes[3])
    proxy.set_fault(mode, count=1, match=rf"^PUT /api/v1/attachments/{new_file}", skip=1)
    report = engine.run_once(force=True)
    states = outbox_states(kiosk)
    assert states[(codes[3], 1)] == "delivered" and report.delivered == (4 if mode in STOPS_THE_PASS else 2)
    assert all(states[(code, 1)] == "delivered" for code in codes[:3])
    assert proxy.stats.faults.get(mode, 0) == 4
    offsets = sorted(f.offset for f in proxy.stats.log if f.method == "PUT" and f.path.endswith(new_file))
    assert offsets == [0, wire.CHUNK_SIZE, 2 * wire.CHUNK_SIZE]  # each chunk reached the portal once

    # 4. The fault is over: the queue drains, the portal holds every dossier once, every file intact.
    proxy.clear()
    drain_and_check(engine, kiosk, portal, codes)
    if mode in ("reset_after", "stall", "malformed"):  # the portal committed dossier 1 in step 2: the retry was a repeat
        first = next(row for row in portal_dossiers(portal) if row["code"] == codes[0])
        assert first["deliveries"] >= 2 and len(first["revisions"]) == 1
    total = len(codes) * ATTACHMENT
    forwarded_twice = proxy.stats.forwarded_attachment_bytes - total
    sent_again = proxy.stats.received_attachment_bytes - total
    print(f"\n[{mode}] attachment bytes the kiosk sent again: {sent_again}; the portal got twice: {forwarded_twice} (chunk {wire.CHUNK_SIZE})")
    assert 0 <= forwarded_twice <= sent_again <= wire.CHUNK_SIZE
