"""A site moves to its re-issued unit identifier (kiosk-admin site change-unit-id): new codes carry the new one,
old codes, receipts and tracking links keep the old one, and a real portal accepts uploads and sends status
changes under both as the same kiosk's (issue 12, item 2; docs/admin.md)."""

from __future__ import annotations

import json

import requests

from cli_helpers import ADMIN_PIN, ADMIN_USER, add_admin, run
from portal_server import portal  # noqa: F401 - the fixture
from sync_helpers import UNIT_ID, add_officer, make_kiosk, portal_dossiers, submit_dossiers

NEW_UNIT = "H26.105.12"


def test_a_site_moved_to_its_reissued_identifier_keeps_old_codes_and_syncs_both(portal, tmp_path, capsys) -> None:  # noqa: F811
    from kiosk.printed.load import load_receipt
    from kiosk.storage.context import open_kiosk
    from sync.engine import SyncEngine

    root = tmp_path / "kiosk"
    ctx = make_kiosk(root, portal)
    officer = add_officer(ctx)
    [delivered] = submit_dossiers(ctx, officer, 1, tmp_path / "scans", size=1000)
    assert SyncEngine(ctx).run_once(force=True).delivered == 1
    [waiting] = submit_dossiers(ctx, officer, 1, tmp_path / "scans", size=1000, seed=2)  # queued under the old identifier
    old_url = load_receipt(ctx, waiting, actor="test", reprint=False).tracking_url
    ctx.close()
    add_admin(root)
    admin = ("--as", ADMIN_USER)

    code, out, err = run(capsys, "--data-dir", str(root), "--json", "site", "change-unit-id", NEW_UNIT, *admin, stdin=ADMIN_PIN + "\n")
    assert code == 0, err
    assert json.loads(out) == {"ok": True, "old_unit_id": UNIT_ID, "unit_id": NEW_UNIT}
    code, out, _ = run(capsys, "--data-dir", str(root), "--json", "site", "change-unit-id", NEW_UNIT, *admin, stdin=ADMIN_PIN + "\n")
    assert code == 2 and "đã dùng mã định danh" in json.loads(out)["error"]
    code, out, _ = run(capsys, "--data-dir", str(root), "--json", "site", "change-unit-id", "H26.1", *admin, stdin=ADMIN_PIN + "\n")
    assert code == 2 and "20/2020/QĐ-TTg" in json.loads(out)["error"]

    ctx = open_kiosk(root)
    try:
        assert ctx.settings.unit_id == NEW_UNIT
        [new] = submit_dossiers(ctx, officer, 1, tmp_path / "scans", size=1000, seed=3)
        assert new.startswith(f"{NEW_UNIT}-") and new.endswith("-1003")  # the day's numbering simply continues
        new_url = load_receipt(ctx, new, actor="test", reprint=False).tracking_url

        report = SyncEngine(ctx).run_once(force=True)
        assert report.ok and report.delivered == 2 and not report.refused, report
        held = {d["code"] for d in portal_dossiers(portal)}
        assert held == {delivered, waiting, new}

        for code_, url in ((waiting, old_url), (new, new_url)):
            page = requests.get(url, timeout=10)
            assert page.status_code == 200 and code_ in page.text and "Đã tiếp nhận" in page.text
        assert load_receipt(ctx, delivered, actor="test", reprint=True).dossier_code == delivered  # old receipts keep theirs

        portal.run_cli("set-status", delivered, "4")
        portal.run_cli("set-status", new, "9")
        assert SyncEngine(ctx).run_once(force=True).status_changes == 2  # status changes under both identifiers come back
    finally:
        ctx.close()


def test_an_identifier_held_by_another_kiosk_cannot_be_claimed(portal) -> None:  # noqa: F811
    mine, my_secret = portal.enrol(UNIT_ID, 1)
    portal.enrol(NEW_UNIT, 1)  # another kiosk already issues codes as NEW_UNIT, kiosk 1
    answer = requests.put(
        portal.api + "/receipt-key",
        json={"public_key": "ab" * 32, "unit_name": "x", "unit_id": NEW_UNIT},
        headers=portal.auth_header(mine, my_secret),
        timeout=10,
    )
    assert answer.status_code == 409 and answer.json()["error"] == "conflict"
    fine = requests.put(
        portal.api + "/receipt-key",
        json={"public_key": "ab" * 32, "unit_name": "x", "unit_id": "H26.105.13"},
        headers=portal.auth_header(mine, my_secret),
        timeout=10,
    )
    assert fine.status_code == 200
