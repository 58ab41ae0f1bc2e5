"""Overlapping requests (sync/ahead.py): the next dossier's files go up while this dossier's revision waits for
its answer, each chunk reaches the portal once, and the outbox moves only on the portal's acknowledgements."""

from __future__ import annotations

import threading

from portal_server import portal  # noqa: F401 - fixture: a real `kiosk-portal serve` process
from sync_helpers import add_officer, assert_portal_holds_exactly, client_factory, kiosk_attachments, make_kiosk, outbox_states, submit_dossiers

SCAN = 300_000  # two chunks


def _chunks(proxy, sha: str) -> list[int]:
    return sorted(f.offset for f in proxy.stats.log if f.method == "PUT" and f.path.endswith(sha))


def _ahead_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith(("upload-ahead", "closing-ahead"))]


def test_next_dossier_files_reach_the_portal_while_a_revision_is_held(portal, tmp_path) -> None:  # noqa: F811
    from fault_proxy import FaultProxy, wait_until
    from sync import wire
    from sync.engine import SyncEngine

    with FaultProxy(portal.url, stall_seconds=4.0) as proxy:
        kiosk = make_kiosk(tmp_path / "kiosk", portal, portal_url=proxy.url)
        try:
            codes = submit_dossiers(kiosk, add_officer(kiosk), 3, tmp_path / "scans", size=SCAN, seed=7)
            files = {code: sha for sha, code in kiosk_attachments(kiosk).items()}
            engine = SyncEngine(kiosk, client_factory(proxy.url, timeout=(2.0, 30.0)))

            # 1. The portal takes dossier 1's revision, but its answer is held: the kiosk hears nothing for 4 s.
            proxy.set_fault("stall", count=1, match=r"^PUT /api/v1/dossiers/")
            reports = []
            running = threading.Thread(target=lambda: reports.append(engine.run_once(force=True)))
            running.start()
            assert wait_until(lambda: proxy.stats.faults.get("stall") == 1, timeout=20)
            # While that answer is held, dossier 2's file is already at the portal, sent on the second connection.
            assert wait_until(lambda: _chunks(proxy, files[codes[1]]) == [0, wire.CHUNK_SIZE], timeout=3)
            assert running.is_alive()
            running.join(60)
            report = reports[0]
            # No answer, no delivery: the held revision fails (the link is taken for cut), the others wait untouched.
            assert report.delivered == 0 and report.network_failure
            assert outbox_states(kiosk) == {(codes[0], 1): "failed", (codes[1], 1): "queued", (codes[2], 1): "queued"}
            assert _ahead_threads() == []

            # 2. The next pass delivers all three once; a file the portal holds completely is not sent again.
            events = []
            report = engine.run_once(force=True, progress=events.append)
            assert report.ok and report.delivered == 3, report
            assert_portal_holds_exactly(kiosk, portal, codes)
            for code in codes:
                assert _chunks(proxy, files[code]) == [0, wire.CHUNK_SIZE], code
            assert _ahead_threads() == []
            # The progress bar follows one dossier after the other, each to its end.
            order = [e.code for e in events]
            assert [code for i, code in enumerate(order) if i == 0 or order[i - 1] != code] == codes
            assert all(any(e.code == code and e.sent == e.total for e in events) for code in codes)
        finally:
            kiosk.close()


def test_an_upload_ahead_cut_mid_file_is_resumed_not_sent_again_from_zero(portal, tmp_path) -> None:  # noqa: F811
    from fault_proxy import FaultProxy
    from sync import wire
    from sync.engine import SyncEngine

    with FaultProxy(portal.url) as proxy:
        kiosk = make_kiosk(tmp_path / "kiosk", portal, portal_url=proxy.url)
        try:
            codes = submit_dossiers(kiosk, add_officer(kiosk), 2, tmp_path / "scans", size=SCAN, seed=8)
            second = next(sha for sha, code in kiosk_attachments(kiosk).items() if code == codes[1])
            # Dossier 2's upload runs ahead; its second chunk is cut before it reaches the portal.
            proxy.set_fault("reset_before", count=1, match=rf"^PUT /api/v1/attachments/{second}", skip=1)
            report = SyncEngine(kiosk, client_factory(proxy.url, timeout=(2.0, 30.0))).run_once(force=True)
            assert report.ok and report.delivered == 2, report
            assert proxy.stats.faults == {"reset_before": 1}
            # The engine asked the portal, which holds the first chunk, and sent only the second one again.
            assert _chunks(proxy, second) == [0, wire.CHUNK_SIZE]
            assert proxy.stats.received_attachment_bytes == 2 * SCAN + (SCAN - wire.CHUNK_SIZE)
            assert_portal_holds_exactly(kiosk, portal, codes)
        finally:
            kiosk.close()
