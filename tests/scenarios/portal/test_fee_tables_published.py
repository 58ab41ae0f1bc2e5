"""Fee tables through the signed catalogue: `kiosk-portal publish` accepts one, the kiosk checks and uses it, the fee reaches the portal."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from conftest import REPO
from portal_server import portal  # noqa: F401 - the fixture
from sync_helpers import trusting_kiosk, add_officer

HA_NOI = REPO / "forms" / "fees" / "01.json"


def hanoi_table(tmp_path: Path, version: str, amount: int = 15000, change=None) -> Path:
    """Hà Nội's table with an amount for the marital-status certificate (a test amount, not a shipped one)."""
    doc = json.loads(HA_NOI.read_text(encoding="utf-8"))
    doc["version"] = version
    doc["procedures"]["1.004873"]["rules"] = [
        {"from": "2026-01-01", "kind": "fixed", "amount_vnd": amount, "legal_source": "Nghị quyết thử nghiệm"}
    ]
    if change:
        change(doc)
    path = tmp_path / f"01-{version}.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


@pytest.fixture
def kiosk(tmp_path, portal):  # noqa: F811
    ctx = trusting_kiosk(tmp_path / "kiosk", portal)
    yield ctx
    ctx.close()


def test_a_published_fee_table_is_used_and_the_fee_reaches_the_portal(kiosk, portal, tmp_path) -> None:  # noqa: F811
    from forms.samples import sample_values
    from kiosk.dossier.submit import submit
    from kiosk.printed.load import find_dossier, receipt_data
    from sync.engine import SyncEngine

    officer = add_officer(kiosk)
    procedure = kiosk.catalogue.get("1.004873")
    values = sample_values(procedure, seed=4, today=date.today())
    before = submit(kiosk, procedure=procedure, values=values, officer=officer).code

    published = json.loads(portal.run_cli("publish", str(hanoi_table(tmp_path, "2026.2")), "--json").stdout)
    assert published["published"][0]["code"] == "fee:01" and published["published"][0]["version"] == "2026.2"
    report = SyncEngine(kiosk).run_once(force=True)
    assert report.ok and report.catalogue_activated == ["fee:01@2026.2"] and report.catalogue_refused == []
    assert (kiosk.data.root / "fees" / "01-2026.2.json").exists()
    after = submit(kiosk, procedure=procedure, values=values, officer=officer).code

    with kiosk.read() as session:
        old, new = find_dossier(session, before), find_dossier(session, after)
        assert old.fee["amount_vnd"] is None and old.fee["source"] == "none"  # received before: kept as it was
        assert new.fee["amount_vnd"] == 15000 and new.fee_amount_vnd == 15000
        assert (new.fee["table"], new.fee["table_version"]) == ("01", "2026.2")
        assert receipt_data(kiosk, old, reprint=True).fee_text == "Chưa có biểu phí"
        assert receipt_data(kiosk, new, reprint=True).fee_text == "15.000 đồng"

    assert SyncEngine(kiosk).run_once(force=True).ok  # delivers both dossiers
    listed = {d["code"]: d for d in json.loads(portal.run_cli("dossiers", "--json").stdout)["dossiers"]}
    assert listed[after]["fee"]["amount_vnd"] == 15000 and listed[after]["fee"]["table"] == "01"
    assert listed[before]["fee"]["source"] == "none"
    assert "phí 15000 đ" in portal.run_cli("dossiers").stdout
    assert SyncEngine(kiosk).run_once(force=True).catalogue_activated == []  # once only


def test_fee_tables_signed_with_another_key_or_invalid_are_refused(kiosk, portal, tmp_path) -> None:  # noqa: F811
    from sync.engine import SyncEngine

    broken = hanoi_table(tmp_path, "2026.3", change=lambda doc: doc["procedures"]["1.004873"]["rules"][0].__setitem__("kind", "per_page"))
    refused = portal.run_cli("publish", str(broken), check=False)  # the portal checks a table as the kiosk will
    assert refused.returncode != 0 and "Biểu phí không hợp lệ" in refused.stdout + refused.stderr
    assert "procedures.1.004873.rules[0].kind" in refused.stdout + refused.stderr

    portal.run_cli("publish", "--signing-key", str(tmp_path / "other.key"), str(hanoi_table(tmp_path, "2026.4")))
    report = SyncEngine(kiosk).run_once(force=True)
    assert report.catalogue_activated == [] and len(report.catalogue_refused) == 1
    assert "chữ ký không hợp lệ" in report.catalogue_refused[0]
    assert not (kiosk.data.root / "fees").exists()
