"""One sync over an emulated slow, lossy link that is cut mid-upload (tests/support/tun_link.py): the real kiosk engine
in one network namespace, the real portal process in another, real kernel TCP between them. The link drops every
packet silently for 8 s (longer than the client's 5 s without progress), so the upload notices only by its own
timeout; when the link is back the health probe answers again and the queue drains, every dossier exactly once."""

from __future__ import annotations

import threading
import time

import pytest

from link_emulator import in_namespace
from portal_server import start_portal
from sync_helpers import add_officer, assert_portal_holds_exactly, make_kiosk, outbox_states, submit_dossiers
from tun_link import LinkSpec, TunLink, missing_prerequisite

pytestmark = pytest.mark.skipif(missing_prerequisite() is not None, reason=f"no emulated link here: {missing_prerequisite()}")

LINK = LinkSpec(rate_bps=1_000_000, delay_ms=50, loss_up=0.01, queue_s=0.5)
ATTACHMENT = 700_000  # three chunks: the cut lands while the first dossier's second chunk is on the wire
CUT_SECONDS = 8.0


def test_one_sync_over_a_cut_link_delivers_every_dossier_exactly_once(tmp_path) -> None:
    from sync import wire
    from sync.engine import SyncEngine, probe

    with TunLink(LINK) as link:
        check = link.self_check(bulk_seconds=3.0)
        assert check["ok"], check
        with start_portal(tmp_path / "portal", host=link.portal_addr, command_prefix=["ip", "netns", "exec", link.portal_ns]) as portal:
            kiosk = in_namespace(link.kiosk_ns, lambda: make_kiosk(tmp_path / "kiosk", portal))
            officer = add_officer(kiosk)
            codes = submit_dossiers(kiosk, officer, 3, tmp_path / "scans", size=ATTACHMENT, seed=15)
            engine = SyncEngine(kiosk)  # the product's own client and timeouts
            first_chunk_held = threading.Event()
            reports: list = []

            def progress(event) -> None:  # noqa: ANN001 - sync.engine.Progress
                if event.sent >= wire.CHUNK_SIZE:
                    first_chunk_held.set()

            sync_pass = threading.Thread(target=lambda: reports.append(in_namespace(link.kiosk_ns, lambda: engine.run_once(force=True, progress=progress))))
            sync_pass.start()
            assert first_chunk_held.wait(60), "no chunk reached the portal over the link"
            link.cut()
            try:
                time.sleep(1.0)
                assert not in_namespace(link.kiosk_ns, lambda: probe(kiosk)), "the health probe answered through a cut link"
                time.sleep(CUT_SECONDS - 1.0)
            finally:
                link.restore()
            sync_pass.join(90)
            assert not sync_pass.is_alive()
            cut_pass = reports[0]
            assert cut_pass.delivered < len(codes)  # the cut hit the pass: something was left for later
            assert cut_pass.network_failure and cut_pass.message  # noticed as a network failure, said in words
            assert set(outbox_states(kiosk).values()) <= {"queued", "failed", "delivered"}

            assert in_namespace(link.kiosk_ns, lambda: probe(kiosk)), "the health probe did not answer once the link was back"
            for _ in range(5):
                report = in_namespace(link.kiosk_ns, lambda: engine.run_once(force=True))
                if report.remaining == 0:
                    break
            assert report.remaining == 0 and report.ok, report.message
            assert set(outbox_states(kiosk).values()) == {"delivered"}
            in_namespace(link.kiosk_ns, lambda: assert_portal_holds_exactly(kiosk, portal, codes))
            kiosk.close()
