"""The portal as witness of a kiosk's audit chain: a chain cut back together with its head file (invisible on the
kiosk itself) reaches the real portal at the next pass, is flagged on the fleet page and is reported by the
kiosk's `kiosk-admin doctor`; an honest kiosk is never flagged."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import requests

from conftest import open_raw_db
from portal_server import start_portal
from sync_helpers import add_officer, make_kiosk, submit_dossiers
from ui.admin.cli import main

TOKEN = "witness-token-for-tests"


def _doctor(capsys, root: Path) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["--data-dir", str(root), "doctor", "--json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    return code, next((f for f in findings if f["check"] == "audit_witness"), {})


def _verify_ok(capsys, root: Path) -> bool:
    capsys.readouterr()
    main(["--data-dir", str(root), "audit", "verify", "--json"])
    return json.loads(capsys.readouterr().out)["ok"]


def _newest_seq(root: Path) -> int:
    connection = open_raw_db(root)
    try:
        return connection.execute("SELECT max(seq) FROM audit_event").fetchone()[0]
    finally:
        connection.close()


def _sync(root: Path) -> None:
    from kiosk.storage.context import open_kiosk
    from sync.engine import SyncEngine

    ctx = open_kiosk(root)
    try:
        assert SyncEngine(ctx).run_once(force=True).ok
    finally:
        ctx.close()


def _fleet(portal) -> str:
    page = requests.get(portal.url + "/quan-tri/may-tiep-nhan", params={"token": TOKEN}, timeout=10)
    assert page.status_code == 200
    return page.text


def _two_passes(tmp_path: Path, root: Path, portal, second: int):
    """A kiosk that synced one dossier (its head then saved as `head-then`), then `second` more: (officer, seq kept)."""
    from kiosk.storage.context import open_kiosk

    ctx = make_kiosk(root, portal)
    officer = add_officer(ctx)
    submit_dossiers(ctx, officer, 1, tmp_path / "scans", size=2000)
    ctx.close()
    _sync(root)
    kept = _newest_seq(root)
    shutil.copy2(root / "keys" / "audit.head", tmp_path / "head-then")  # the head as it was after that pass
    ctx = open_kiosk(root)
    submit_dossiers(ctx, officer, second, tmp_path / "scans2", size=2000, seed=5)
    ctx.close()
    _sync(root)
    return officer, kept


def _cut_back(tmp_path: Path, root: Path, kept: int) -> None:
    """Delete every audit row after `kept` and put back the head of that time: nothing shows on the kiosk itself."""
    connection = open_raw_db(root)
    try:
        connection.execute("DELETE FROM audit_event WHERE seq > ?", (kept,))
        connection.commit()
    finally:
        connection.close()
    shutil.copy2(tmp_path / "head-then", root / "keys" / "audit.head")


def test_a_truncated_chain_is_flagged_on_the_fleet_page_and_by_the_kiosks_doctor(tmp_path, capsys) -> None:
    root = tmp_path / "kiosk"
    with start_portal(tmp_path / "portal", env={"KIOSK_PORTAL_ADMIN_TOKEN": TOKEN}) as portal:
        _officer, kept = _two_passes(tmp_path, root, portal, 2)  # the portal holds the longer chain, proven to extend the first
        assert "liền mạch đến #" in _fleet(portal) and "⚠ Chuỗi nhật ký" not in _fleet(portal)
        code, witness = _doctor(capsys, root)
        assert witness["severity"] == "ok" and "liền mạch" in witness["message_vi"]

        _cut_back(tmp_path, root, kept)  # someone cuts the chain back and puts back the head of that time
        assert _verify_ok(capsys, root)  # the kiosk alone cannot tell (this verify records an event: #kept+1)

        _sync(root)
        page = _fleet(portal)
        assert "⚠ Chuỗi nhật ký bị lùi" in page and "000.00.07.H26 / máy 1" in page
        code, witness = _doctor(capsys, root)
        assert code == 1 and witness["severity"] == "error"
        assert "Cổng dịch vụ công ghi nhận chuỗi nhật ký kiểm tra" in witness["message_vi"] and "bị lùi" in witness["message_vi"]

        _sync(root)  # a later, honest pass does not clear the flag
        assert "⚠ Chuỗi nhật ký bị lùi" in _fleet(portal)
        assert _doctor(capsys, root)[1]["severity"] == "error"


def test_a_chain_rewritten_past_the_held_head_does_not_extend_it(tmp_path, capsys) -> None:
    from kiosk.storage.context import open_kiosk

    root = tmp_path / "kiosk"
    with start_portal(tmp_path / "portal", env={"KIOSK_PORTAL_ADMIN_TOKEN": TOKEN}) as portal:
        officer, kept = _two_passes(tmp_path, root, portal, 1)
        held = _newest_seq(root)
        _cut_back(tmp_path, root, kept)
        ctx = open_kiosk(root)
        submit_dossiers(ctx, officer, 3, tmp_path / "scans3", size=2000, seed=9)  # new rows past the seq the portal holds
        ctx.close()
        assert _newest_seq(root) > held
        _sync(root)
        assert "không nối tiếp" in _fleet(portal)
        code, witness = _doctor(capsys, root)
        assert code == 1 and witness["severity"] == "error" and "không nối tiếp" in witness["message_vi"]
