"""The portal's fleet view: each kiosk's last sync, reported queue, app version and clock skew (CLI and page)."""

from __future__ import annotations

import json

import requests

from fault_proxy import FaultProxy
from portal_server import start_portal
from sync_helpers import add_officer, client_factory, make_kiosk, submit_dossiers

TOKEN = "fleet-token-for-tests"


def test_kiosks_report_their_state_at_each_sync(tmp_path) -> None:
    from kiosk import __version__
    from sync.engine import SyncEngine

    with start_portal(tmp_path / "portal", env={"KIOSK_PORTAL_ADMIN_TOKEN": TOKEN}) as portal:  # never in argv
        ctx = make_kiosk(tmp_path / "kiosk", portal)
        idle = make_kiosk(tmp_path / "idle", portal, kiosk_number=2)  # enrolled, never synced
        idle.close()
        try:
            officer = add_officer(ctx)
            submit_dossiers(ctx, officer, 2, tmp_path / "scans", size=2000)
            with FaultProxy(portal.url) as proxy:
                proxy.set_fault("http500", match=r"^PUT /api/v1/dossiers/", count=1)  # one entry fails, the pass goes on
                SyncEngine(ctx, client_factory(proxy.url)).run_once(force=True)  # one dossier goes, one waits
            rows = {r["kiosk_number"]: r for r in json.loads(portal.run_cli("kiosks", "--json").stdout)["kiosks"]}
            assert rows[1]["queue_length"] == 1 and rows[1]["app_version"] == __version__
            assert rows[1]["last_sync_at"] and abs(rows[1]["clock_skew_s"]) < 60
            assert rows[2]["last_sync_at"] is None and rows[2]["queue_length"] is None
            SyncEngine(ctx).run_once(force=True)
            rows = {r["kiosk_number"]: r for r in json.loads(portal.run_cli("kiosks", "--json").stdout)["kiosks"]}
            assert rows[1]["queue_length"] == 0
            text = portal.run_cli("kiosks").stdout
            assert "chờ gửi 0" in text and "chưa đồng bộ" in text
        finally:
            ctx.close()

        page = requests.get(portal.url + "/quan-tri/may-tiep-nhan", params={"token": TOKEN}, timeout=10)
        assert page.status_code == 200 and "Máy tiếp nhận" in page.text and "000.00.07.H26 / máy 1" in page.text
        assert "chưa đồng bộ" in page.text  # kiosk 2
        for wrong in ({"token": "guess"}, {}):
            refused = requests.get(portal.url + "/quan-tri/may-tiep-nhan", params=wrong, timeout=10)
            assert refused.status_code == 404 and "000.00.07.H26" not in refused.text
