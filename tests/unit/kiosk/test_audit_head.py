"""The audit chain's witness on disk (keys/audit.head): a deleted tail, a deleted, older or forged head is a
finding that no later event (a login, a print, `audit verify` itself) makes disappear; and none of this
reports anything on a fresh folder, after an ordinary session, after a restore or after the upgrade."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

from cli_helpers import add_admin, as_admin
from conftest import open_raw_db
from ui.admin.cli import main


def _verify(site_dir: Path, capsys) -> dict:
    capsys.readouterr()
    code = main(["--data-dir", str(site_dir), "audit", "verify", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == (0 if report["ok"] else 1)
    return report


def _work(site_dir: Path, *, prints: int = 1) -> None:
    """What an officer does: log in, receive a dossier, print its receipt (the real code paths)."""
    from forms.samples import sample_values
    from kiosk.dossier.submit import submit
    from kiosk.printed.load import load_receipt
    from kiosk.security.officers import login
    from kiosk.storage.context import open_kiosk

    ctx = open_kiosk(site_dir)
    try:
        officer = login(ctx, "lan", "246813")
        procedure = ctx.catalogue.get("1.004873")
        for i in range(prints):
            code = submit(ctx, procedure=procedure, values=sample_values(procedure, seed=60 + i, today=date.today()), officer=officer).code
            load_receipt(ctx, code, actor=officer.username, reprint=False)
    finally:
        ctx.close()


def _sql(site_dir: Path, statement: str) -> None:
    connection = open_raw_db(site_dir)
    try:
        connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


def _kinds(report: dict) -> list[str]:
    return [f["kind"] for f in report["findings"]]


def _head(site_dir: Path) -> Path:
    return site_dir / "keys" / "audit.head"


def test_a_deleted_newest_row_stays_a_finding_after_logins_prints_and_verifies(ctx, officer, site_dir, capsys) -> None:
    ctx.close()
    _work(site_dir)
    _sql(site_dir, "DELETE FROM audit_event WHERE seq = (SELECT max(seq) FROM audit_event)")
    first = _verify(site_dir, capsys)
    assert _kinds(first) == ["deleted"] and "bị xóa" in first["findings"][0]["message"]
    _work(site_dir)  # a login, a dossier and a print after the deletion (and the verify's own event)
    again = _verify(site_dir, capsys)
    gap = first["findings"][0]["seq"]
    assert not again["ok"] and [(f["kind"], f["seq"]) for f in again["findings"]] == [("deleted", gap)]  # the same gap
    assert f"#{gap}" in again["findings"][0]["message"]
    assert _kinds(_verify(site_dir, capsys)) == ["deleted"]


def test_a_deleted_head_is_a_finding_now_and_after_the_next_events(ctx, officer, site_dir, capsys) -> None:
    ctx.close()
    _work(site_dir)
    _head(site_dir).unlink()
    now = _verify(site_dir, capsys)
    assert _kinds(now) == ["head"] and "keys/audit.head" in now["findings"][0]["message"] and "bị xóa" in now["findings"][0]["message"]
    _work(site_dir)
    later = _verify(site_dir, capsys)  # the head exists again, but the chain kept what the next event found
    assert _kinds(later) == ["head"] and "bị xóa" in later["findings"][0]["message"] and "Dấu vết" in later["findings"][0]["message"]


def test_an_older_genuine_head_put_back_is_a_finding_that_stays(ctx, officer, site_dir, tmp_path, capsys) -> None:
    ctx.close()
    _work(site_dir)
    shutil.copy2(_head(site_dir), tmp_path / "old.head")
    _work(site_dir, prints=2)
    shutil.copy2(tmp_path / "old.head", _head(site_dir))  # lowered: a head the kiosk really wrote, earlier
    now = _verify(site_dir, capsys)
    assert _kinds(now) == ["head"] and "bản cũ" in now["findings"][0]["message"]
    _work(site_dir)
    assert _kinds(_verify(site_dir, capsys)) == ["head"]


def test_a_lowered_head_and_a_deleted_tail_together_leave_a_gap_when_the_head_is_not_the_matching_one(ctx, officer, site_dir, tmp_path, capsys) -> None:
    ctx.close()
    _work(site_dir)
    shutil.copy2(_head(site_dir), tmp_path / "old.head")
    _work(site_dir, prints=2)
    _sql(site_dir, "DELETE FROM audit_event WHERE seq = (SELECT max(seq) FROM audit_event)")
    shutil.copy2(tmp_path / "old.head", _head(site_dir))
    _work(site_dir)
    assert "head" in _kinds(_verify(site_dir, capsys))


def test_a_forged_head_is_a_finding(ctx, officer, site_dir, capsys) -> None:
    ctx.close()
    _work(site_dir)
    data = json.loads(_head(site_dir).read_text())
    data["seq"] += 5  # without the key the head's own MAC cannot follow
    _head(site_dir).write_text(json.dumps(data))
    report = _verify(site_dir, capsys)
    assert _kinds(report) == ["head"] and "giả" in report["findings"][0]["message"]
    _work(site_dir)
    assert "head" in _kinds(_verify(site_dir, capsys))


def test_no_finding_on_a_fresh_folder_an_ordinary_session_or_a_restore(ctx, officer, site_dir, capsys) -> None:
    ctx.close()
    assert _verify(site_dir, capsys)["ok"]
    _work(site_dir, prints=2)
    assert _verify(site_dir, capsys)["ok"]
    capsys.readouterr()
    assert main(["--data-dir", str(site_dir), "backup", "--json"]) == 0
    made = json.loads(capsys.readouterr().out)["path"]
    _work(site_dir)
    add_admin(site_dir)
    assert as_admin("--data-dir", str(site_dir), "restore", made, "--json") == 0
    _work(site_dir)
    report = _verify(site_dir, capsys)
    assert report["ok"], report["findings"]


def test_an_empty_folder_has_no_head_and_no_finding(tmp_path, capsys) -> None:
    from kiosk.storage.site import init_site
    from conftest import TEST_SITE

    root = tmp_path / "fresh"
    init_site(root, dict(TEST_SITE))
    assert _verify(root, capsys)["ok"]
    assert _verify(root, capsys)["ok"]


def test_a_head_of_before_the_witness_is_signed_at_the_next_event_and_cannot_come_back(ctx, officer, site_dir, capsys) -> None:
    ctx.close()
    _work(site_dir)
    data = json.loads(_head(site_dir).read_text())
    legacy = json.dumps({"seq": data["seq"], "mac": data["mac"]})
    _head(site_dir).write_text(legacy)  # what a kiosk of the previous release left
    assert _verify(site_dir, capsys)["ok"]  # trusted as before; this verify's event signs it
    assert "head_mac" in json.loads(_head(site_dir).read_text())
    assert _verify(site_dir, capsys)["ok"]
    _head(site_dir).write_text(legacy)  # a downgrade after the upgrade is a forgery
    assert _kinds(_verify(site_dir, capsys)) == ["head"]


def test_a_head_left_mid_commit_by_a_power_cut_is_no_finding(ctx, officer, site_dir, capsys) -> None:
    """Phase one names the row being committed; whichever side of the commit the power went, the head agrees."""
    from kiosk.security import audit_head
    from kiosk.storage.context import open_kiosk

    ctx.close()
    _work(site_dir)
    ctx2 = open_kiosk(site_dir)
    key = ctx2.sessions.kw["info"]["audit_key"]
    ctx2.close()
    head = audit_head.read(_head(site_dir), key)
    connection = open_raw_db(site_dir)
    try:
        prev_seq, prev_mac = connection.execute("SELECT seq, mac FROM audit_event WHERE seq < ? ORDER BY seq DESC LIMIT 1", (head.seq,)).fetchone()
    finally:
        connection.close()
    # cut after the commit, before phase two: the head still says "the previous row, or this one"
    audit_head.before_commit(_head(site_dir), key, (prev_seq, prev_mac), (head.seq, head.mac))
    assert _verify(site_dir, capsys)["ok"]
    _work(site_dir)
    assert _verify(site_dir, capsys)["ok"]
    # cut before the commit: the head names a row the database never got; the next event takes its number
    ctx3 = open_kiosk(site_dir)
    with ctx3.read() as session:
        from kiosk.security.audit import _tip

        tip = _tip(session)
    ctx3.close()
    audit_head.before_commit(_head(site_dir), key, tip, (tip[0] + 1, "f" * 64))
    assert _verify(site_dir, capsys)["ok"]
    _work(site_dir)
    assert _verify(site_dir, capsys)["ok"]


def test_the_doctor_walks_the_chain(ctx, officer, site_dir, capsys) -> None:
    ctx.close()
    _work(site_dir)

    def doctor() -> dict:
        capsys.readouterr()
        main(["--data-dir", str(site_dir), "doctor", "--json"])
        return next(f for f in json.loads(capsys.readouterr().out)["findings"] if f["check"] == "audit")

    assert doctor()["severity"] == "ok"
    _sql(site_dir, "DELETE FROM audit_event WHERE seq = (SELECT max(seq) FROM audit_event)")
    finding = doctor()
    assert finding["severity"] == "error" and "bị xóa" in finding["message_vi"] and "kiosk-admin audit verify" in finding["message_vi"]


def test_an_administrator_acknowledges_findings_they_stay_listed_and_a_new_one_is_not_covered(ctx, officer, site_dir, capsys) -> None:
    from cli_helpers import ADMIN_PIN, ADMIN_USER, run

    ctx.close()
    add_admin(site_dir)
    _work(site_dir)
    _sql(site_dir, "DELETE FROM audit_event WHERE seq = (SELECT max(seq) FROM audit_event)")
    capsys.readouterr()
    assert run(capsys, "--data-dir", str(site_dir), "audit", "acknowledge", "--as", "lan", stdin="246813\n")[0] == 1  # an officer cannot
    assert as_admin("--data-dir", str(site_dir), "--json", "audit", "acknowledge") == 0
    acknowledged = json.loads(capsys.readouterr().out)
    assert acknowledged["ok"] and [f["kind"] for f in acknowledged["findings"]] == ["deleted"]
    assert all(f["acknowledged_by"].startswith(ADMIN_USER) for f in acknowledged["findings"])
    _work(site_dir)
    after = _verify(site_dir, capsys)  # still listed, still marked, no longer blocking
    assert after["ok"] and [f["kind"] for f in after["findings"]] == [f["kind"] for f in acknowledged["findings"]]
    assert as_admin("--data-dir", str(site_dir), "key", "rotate") == 0  # refused before the acknowledgement
    _head(site_dir).unlink()  # a new anomaly after the acknowledgement
    later = _verify(site_dir, capsys)
    fresh = [f for f in later["findings"] if f["acknowledged_by"] is None]
    assert not later["ok"] and [f["kind"] for f in fresh] == ["head"]
    assert ADMIN_PIN not in json.dumps(later)


def test_every_new_sessionmaker_gets_the_head_hooks_even_where_a_collected_one_lived(tmp_path) -> None:
    """SQLAlchemy's event registry keys by id(): a sessionmaker made where a collected one lived used to "contain"
    its hooks, got none, and wrote no head (a context reopened in a long-running process)."""
    import gc

    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    from kiosk.security import audit
    from kiosk.security.audit_head import read
    from kiosk.storage.models import Base

    key = b"k" * 32
    for attempt in range(100):
        engine = create_engine("sqlite://")
        Base.metadata.create_all(engine)
        sessions = sessionmaker(engine)
        audit.install(sessions, key, tmp_path / f"head-{attempt}")
        with sessions.begin() as session:
            audit.record(session, "test", "test.event")
        head = read(tmp_path / f"head-{attempt}", key)
        assert head is not None and head.seq == 1, f"no head written by sessionmaker #{attempt}"
        engine.dispose()
        del sessions, session
        gc.collect()
