"""Replacing a lost or stolen PC: the new one gets a kiosk number never used, so no old code comes back; the old one is revoked."""

from __future__ import annotations

import json

import requests

from conftest import TEST_SITE
from portal_server import portal  # noqa: F401 - the fixture
from sync_helpers import UNIT_ID, add_officer, submit_dossiers


def test_a_replacement_pc_gets_a_new_kiosk_number_and_the_old_one_is_revoked(tmp_path, portal) -> None:  # noqa: F811
    from kiosk.storage.context import open_kiosk
    from kiosk.storage.site import init_site
    from sync.credentials import load_credentials
    from sync.engine import SyncEngine
    from sync.enrolment import enrol

    init_site(tmp_path / "old", dict(TEST_SITE))
    old = open_kiosk(tmp_path / "old")
    enrol(old, portal.url, portal.enrolment_code(UNIT_ID, 1))
    officer = add_officer(old)
    old_codes = submit_dossiers(old, officer, 2, tmp_path / "scans", size=1000)
    assert SyncEngine(old).run_once(force=True).delivered == 2
    old_id = load_credentials(old.data).kiosk_id
    offline_code = submit_dossiers(old, officer, 1, tmp_path / "scans", size=1000, seed=3)[0]  # issued, never sent: then stolen

    refused = portal.run_cli("enrolment-code", "--unit-id", UNIT_ID, "--kiosk-number", "1", "--replaces", old_id, "--json", check=False)
    answer = json.loads(refused.stdout)
    assert refused.returncode == 2 and "số máy mới" in answer["error"] and "2" in answer["error"]
    issued = json.loads(portal.run_cli("enrolment-code", "--unit-id", UNIT_ID, "--kiosk-number", "2", "--replaces", old_id, "--json").stdout)

    init_site(tmp_path / "new", dict(TEST_SITE, kiosk_number=2))
    new = open_kiosk(tmp_path / "new")
    try:
        enrol(new, portal.url, issued["code"])
        assert SyncEngine(old).run_once(force=True).refused  # the stolen PC is cut off: 401
        creds = load_credentials(old.data)
        assert requests.get(portal.api + "/status-changes", headers=portal.auth_header(creds.kiosk_id, creds.secret), timeout=10).status_code == 401
        new_officer = add_officer(new)
        new_codes = submit_dossiers(new, new_officer, 3, tmp_path / "scans2", size=1000, seed=9)
        assert SyncEngine(new).run_once(force=True).delivered == 3
        assert all(code.rsplit("-", 1)[1].startswith("2") for code in new_codes)
        assert not set(new_codes) & set(old_codes + [offline_code])
        kiosks = {k["kiosk_id"]: k for k in json.loads(portal.run_cli("kiosks", "--json").stdout)["kiosks"]}
        assert kiosks[old_id]["revoked_at"] and not kiosks[load_credentials(new.data).kiosk_id]["revoked_at"]
    finally:
        new.close()
        old.close()
