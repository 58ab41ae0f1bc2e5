"""The audit trail is a chain: `kiosk-admin audit verify` names each altered, deleted or inserted row."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest

from conftest import open_raw_db
from ui.admin.cli import main


def _events(ctx, officer, count: int = 3) -> None:
    """Real events: submits (one each) and receipt prints."""
    from kiosk.dossier.submit import submit
    from kiosk.printed.load import load_receipt
    from forms.samples import sample_values

    procedure = ctx.catalogue.get("1.004873")
    for i in range(count):
        code = submit(ctx, procedure=procedure, values=sample_values(procedure, seed=40 + i, today=date.today()), officer=officer).code
        load_receipt(ctx, code, actor=officer.username, reprint=False)


def _verify(site_dir: Path, capsys) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["--data-dir", str(site_dir), "audit", "verify", "--json"])
    return code, json.loads(capsys.readouterr().out)


def _seqs(site_dir: Path) -> list[tuple[int, int, str]]:
    connection = open_raw_db(site_dir)
    try:
        return list(connection.execute("SELECT id, seq, action FROM audit_event ORDER BY seq"))
    finally:
        connection.close()


def _sql(site_dir: Path, statement: str, params: tuple = ()) -> None:
    connection = open_raw_db(site_dir)
    try:
        connection.execute(statement, params)
        connection.commit()
    finally:
        connection.close()


@pytest.fixture
def chained(ctx, officer, site_dir):
    _events(ctx, officer)
    ctx.close()
    rows = _seqs(site_dir)
    assert [seq for _, seq, _ in rows] == list(range(1, len(rows) + 1)) and len(rows) >= 6
    return rows


def test_an_untouched_chain_verifies(chained, site_dir, capsys) -> None:
    code, report = _verify(site_dir, capsys)
    assert code == 0 and report["ok"] and report["findings"] == []
    assert report["rows"] == len(chained) and report["head_seq"] == len(chained)
    # verifying is itself audited, and the chain still holds after it
    code, report = _verify(site_dir, capsys)
    assert code == 0 and report["rows"] == len(chained) + 1


def test_an_edited_row_is_caught_and_named(chained, site_dir, capsys) -> None:
    _sql(site_dir, "UPDATE audit_event SET actor = 'someone-else' WHERE seq = 3")
    code, report = _verify(site_dir, capsys)
    assert code == 1 and not report["ok"]
    assert [(f["kind"], f["seq"]) for f in report["findings"]] == [("altered", 3)]
    assert "#3" in report["findings"][0]["message"] and "đã bị sửa" in report["findings"][0]["message"]


def test_an_edited_detail_or_time_is_caught_too(chained, site_dir, capsys) -> None:
    _sql(site_dir, "UPDATE audit_event SET details = json_set(details, '$.code', 'X') WHERE seq = 2")
    _sql(site_dir, "UPDATE audit_event SET at = datetime(at, '-1 day') WHERE seq = 5")
    code, report = _verify(site_dir, capsys)
    assert code == 1 and [(f["kind"], f["seq"]) for f in report["findings"]] == [("altered", 2), ("altered", 5)]


def test_a_deleted_row_is_caught_and_named(chained, site_dir, capsys) -> None:
    _sql(site_dir, "DELETE FROM audit_event WHERE seq = 4")
    code, report = _verify(site_dir, capsys)
    assert code == 1 and [(f["kind"], f["seq"]) for f in report["findings"]] == [("deleted", 4)]
    assert "#4" in report["findings"][0]["message"] and "bị xóa" in report["findings"][0]["message"]


def test_rows_deleted_from_the_end_are_caught(chained, site_dir, capsys) -> None:
    last = len(chained)
    _sql(site_dir, "DELETE FROM audit_event WHERE seq >= ?", (last - 1,))
    code, report = _verify(site_dir, capsys)
    assert code == 1 and [(f["kind"], f["seq"]) for f in report["findings"]] == [("deleted", last - 1)]
    assert f"#{last - 1}–#{last}" in report["findings"][0]["message"]


def test_an_inserted_row_is_caught_and_named(chained, site_dir, capsys) -> None:
    connection = open_raw_db(site_dir)
    try:
        seq, mac = connection.execute("SELECT seq, mac FROM audit_event ORDER BY seq DESC LIMIT 1").fetchone()
        # a forger who knows the format but not the key: plausible row, linked to the last one, SHA-256 "MAC"
        fake = hashlib.sha256(f"{mac}forged".encode()).hexdigest()
        connection.execute(
            "INSERT INTO audit_event (at, actor, action, dossier_id, details, seq, prev_mac, mac) VALUES (?, ?, ?, NULL, ?, ?, ?, ?)",
            ("2026-12-01 03:00:00.000000", "lan", "receipt.printed", "{}", seq + 1, mac, fake),
        )
        connection.execute(
            "INSERT INTO audit_event (at, actor, action, dossier_id, details) VALUES (?, ?, ?, NULL, ?)",
            ("2026-12-01 03:01:00.000000", "lan", "dossier.viewed", "{}"),
        )
        connection.commit()
    finally:
        connection.close()
    code, report = _verify(site_dir, capsys)
    assert code == 1
    kinds = [(f["kind"], f["seq"]) for f in report["findings"]]
    assert ("inserted", seq + 1) in kinds and ("inserted", None) in kinds and len(kinds) == 2
    assert all("bị chèn" in f["message"] for f in report["findings"])


def test_events_from_before_the_chain_are_chained_at_the_first_start_after_the_upgrade(chained, site_dir, capsys) -> None:
    from kiosk.storage.context import open_kiosk

    # what a data folder made before migration 0003 holds: the same events without seq or MAC, and no head
    _sql(site_dir, "UPDATE audit_event SET seq = NULL, prev_mac = NULL, mac = NULL")
    (site_dir / "keys" / "audit.head").unlink()
    ctx = open_kiosk(site_dir)
    ctx.close()
    assert [seq for _, seq, _ in _seqs(site_dir)] == list(range(1, len(chained) + 1))
    code, report = _verify(site_dir, capsys)
    assert code == 0 and report["rows"] == len(chained)
