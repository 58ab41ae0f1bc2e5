"""Catalogue updates: the portal publishes signed procedure versions; the kiosk checks them against the pinned key."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from conftest import REPO
from portal_server import portal  # noqa: F401 - the fixture
from sync_helpers import trusting_kiosk, add_officer

SOURCE = REPO / "forms" / "procedures" / "1.004873-xac-nhan-tinh-trang-hon-nhan.json"
PRINTED_AT = datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)


def new_version(tmp_path: Path, version: str, change=None) -> Path:
    doc = json.loads(SOURCE.read_text(encoding="utf-8"))
    doc["version"] = version
    doc["processing_note"] = f"Phiên bản {version}: thời hạn tính theo ngày làm việc."
    if change:
        change(doc)
    path = tmp_path / f"1.004873-{version}.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


@pytest.fixture
def kiosk(tmp_path, portal):  # noqa: F811
    ctx = trusting_kiosk(tmp_path / "kiosk", portal)
    yield ctx
    ctx.close()


def render(ctx, code: str, tmp_path: Path, name: str):
    import pypdfium2

    from kiosk.printed.load import find_dossier, receipt_data
    from ui.window.qt_app import ensure_gui_app
    from ui.printing.receipt_render import render_pdf

    ensure_gui_app()
    with ctx.read() as session:
        data = receipt_data(ctx, find_dossier(session, code), reprint=True, printed_at=PRINTED_AT)
    pdf = render_pdf(data, tmp_path / f"{name}.pdf")
    document = pypdfium2.PdfDocument(str(pdf))
    return [document[i].render(scale=100 / 72).to_pil().tobytes() for i in range(len(document))]


def test_a_new_version_activates_and_old_dossiers_keep_theirs(kiosk, portal, tmp_path, qapp) -> None:  # noqa: F811
    from kiosk.storage.context import open_kiosk
    from kiosk.dossier.submit import submit
    from forms.samples import sample_values
    from sync.engine import SyncEngine

    officer = add_officer(kiosk)
    shipped = kiosk.catalogue.get("1.004873")
    old_code = submit(kiosk, procedure=shipped, values=sample_values(shipped, seed=4, today=date.today()), officer=officer).code
    before = render(kiosk, old_code, tmp_path, "before")

    published = portal.run_cli("publish", str(new_version(tmp_path, "2026.7")), "--json")
    assert json.loads(published.stdout)["published"][0]["version"] == "2026.7"
    report = SyncEngine(kiosk).run_once(force=True)
    assert report.ok and report.catalogue_activated == ["1.004873@2026.7"] and report.catalogue_refused == []
    latest = kiosk.catalogue.get("1.004873")
    assert latest.version == "2026.7" and "Phiên bản 2026.7" in latest.processing_note
    new_code = submit(kiosk, procedure=latest, values=sample_values(latest, seed=5, today=date.today()), officer=officer).code
    with kiosk.read() as session:
        from sqlalchemy import select

        from kiosk.storage.models import Dossier

        versions = dict(session.execute(select(Dossier.code, Dossier.procedure_version)).all())
    assert versions == {old_code: shipped.version, new_code: "2026.7"}

    after = render(kiosk, old_code, tmp_path, "after")
    assert after == before  # the old dossier's receipt re-renders identically (same reprint mark and print date)
    assert SyncEngine(kiosk).run_once(force=True).catalogue_activated == []  # once only
    reopened = open_kiosk(kiosk.data.root)  # and it survives a restart
    try:
        assert reopened.catalogue.get("1.004873").version == "2026.7"
    finally:
        reopened.close()


def test_a_tampered_catalogue_is_refused_with_a_clear_message(kiosk, portal, tmp_path) -> None:  # noqa: F811
    from sync.catalogue_updates import BAD_SIGNATURE
    from sync.engine import SyncEngine, status

    portal.run_cli("publish", str(new_version(tmp_path, "2026.3")))
    connection = sqlite3.connect(portal.root / "portal.db")  # someone alters the published definition on the way
    try:
        (definition,) = connection.execute("SELECT definition FROM published_procedure").fetchone()
        connection.execute("UPDATE published_procedure SET definition = ?", (definition.replace(b"2026.3:", b"2026.3 (sua):"),))
        connection.commit()
    finally:
        connection.close()
    report = SyncEngine(kiosk).run_once(force=True)
    assert report.catalogue_activated == [] and not report.ok
    assert report.catalogue_refused and BAD_SIGNATURE in report.catalogue_refused[0]
    assert kiosk.catalogue.get("1.004873", "2026.3") is None and kiosk.catalogue.get("1.004873").version != "2026.3"
    assert BAD_SIGNATURE in (status(kiosk).last_error or "")
    assert report.delivered == 0 and report.reachable  # the rest of the sync still ran


def test_a_catalogue_signed_with_another_key_or_invalid_is_refused(kiosk, portal, tmp_path) -> None:  # noqa: F811
    from sync.engine import SyncEngine

    other = tmp_path / "other.key"
    portal.run_cli("publish", "--signing-key", str(other), str(new_version(tmp_path, "2026.4")))  # not the pinned key
    broken = new_version(tmp_path, "2026.5", change=lambda doc: doc["pages"][0]["fields"][0].__setitem__("type", "no-such-type"))
    portal.run_cli("publish", str(broken))  # signed with the right key, but not a valid definition
    report = SyncEngine(kiosk).run_once(force=True)
    assert report.catalogue_activated == [] and len(report.catalogue_refused) == 2
    assert "chữ ký không hợp lệ" in report.catalogue_refused[0] and "không hợp lệ" in report.catalogue_refused[1]
    assert {p.version for p in kiosk.catalogue.versions("1.004873")} == {"2026.1", "2026.2"}  # the shipped ones only
