"""Retention: personal data goes N days after a dossier is delivered and closed; code, status and audit stay; reprint works."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from cli_helpers import add_admin, as_admin
from conftest import open_raw_db
from portal_server import portal  # noqa: F401 - the fixture
from sync_helpers import add_officer, make_kiosk, submit_dossiers


@pytest.fixture
def kiosk(tmp_path, portal):  # noqa: F811
    ctx = make_kiosk(tmp_path / "kiosk", portal)
    yield ctx
    ctx.close()


def _dossier(ctx, code):
    from kiosk.storage.models import Dossier

    with ctx.read() as session:
        return session.scalar(select(Dossier).where(Dossier.code == code))


def _dump(root) -> str:
    """Every row of the database, decrypted (what someone holding the key could read)."""
    connection = open_raw_db(root)
    try:
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        cells = (
            value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
            for table in tables
            for row in connection.execute(f'SELECT * FROM "{table}"')
            for value in row
        )
        return "\n".join(cells)
    finally:
        connection.close()


def test_personal_data_is_purged_after_the_retention_period_with_a_fake_clock(kiosk, portal, tmp_path, qapp) -> None:  # noqa: F811
    from kiosk.storage.models import AuditEvent, utcnow
    from kiosk.printed.load import PURGED_NAME, load_receipt
    from kiosk.dossier.retention import purge
    from kiosk.dossier.search import search_dossiers
    from forms.text import fold
    from sync.engine import SyncEngine

    officer = add_officer(kiosk)
    closed, open_, unsent = submit_dossiers(kiosk, officer, 3, tmp_path / "scans", size=5000, seed=8)
    assert SyncEngine(kiosk).run_once(force=True).delivered == 3
    portal.run_cli("set-status", closed, "10", "--note", "Đã trả cho bà Lý Thị Hạnh")  # result returned: closed
    portal.run_cli("set-status", open_, "4")  # still processing
    assert SyncEngine(kiosk).run_once(force=True).status_changes == 2
    from kiosk.dossier.amend import amend

    procedure = kiosk.catalogue.get(_dossier(kiosk, unsent).procedure_code)
    amend(kiosk, code=unsent, officer=officer, documents={procedure.documents[0].id: 1}, note="bổ sung")  # r2 waits
    portal.run_cli("set-status", unsent, "10")
    from sync_helpers import client_factory
    from fault_proxy import FaultProxy

    with FaultProxy(portal.url) as proxy:
        proxy.set_fault("http503", match=r"^PUT /api/v1/dossiers/")
        SyncEngine(kiosk, client_factory(proxy.url)).run_once(force=True)  # pulls the status, cannot deliver r2
    before = {code: _dossier(kiosk, code) for code in (closed, open_, unsent)}
    name, id_number = before[closed].values["submitter_name"], before[closed].values["submitter_id_number"]
    with kiosk.read() as session:
        from kiosk.storage.models import Attachment

        shas = list(session.scalars(select(Attachment.sha256).where(Attachment.dossier_id == before[closed].id)))
    assert shas and all((kiosk.data.attachments_dir / sha).exists() for sha in shas)

    dump = _dump(kiosk.data.root)
    assert name in dump and id_number in dump  # the check below can see them where they are
    now = utcnow()
    assert purge(kiosk, now=now + timedelta(days=29)).purged == []  # default 30 days: not yet
    report = purge(kiosk, now=now + timedelta(days=31))
    assert report.purged == [closed] and report.files_removed == len(shas)
    assert purge(kiosk, now=now + timedelta(days=400)).purged == []  # idempotent; the others never qualify

    after = _dossier(kiosk, closed)
    assert after.values == {} and after.submitter_name is None and after.submitter_id_number is None and after.purged_at
    assert after.code == closed and after.portal_status == 10 and after.received_at == before[closed].received_at
    assert after.appointment_date == before[closed].appointment_date and after.procedure_code == before[closed].procedure_code
    assert not any((kiosk.data.attachments_dir / sha).exists() for sha in shas)
    assert _dossier(kiosk, open_).values == before[open_].values  # still processing: kept
    assert _dossier(kiosk, unsent).values == before[unsent].values  # revision 2 not delivered: kept
    with kiosk.read() as session:
        from kiosk.storage.models import Dossier, OutboxEntry

        kept = {
            (code, e.revision): (e.snapshot is not None, e.payload is not None, e.payload_sha256 is not None)
            for code, e in session.execute(select(Dossier.code, OutboxEntry).join(OutboxEntry.dossier).where(Dossier.code.in_((closed, unsent))))
        }
    assert kept[(closed, 1)] == (False, False, True)  # snapshot and body held personal data: gone; the body's hash stays
    assert kept[(unsent, 2)][0]  # still waiting: its snapshot is what it will be sent as

    dump = _dump(kiosk.data.root)
    for secret in (name, fold(name), id_number, "Lý Thị Hạnh"):
        assert secret not in dump and json.dumps(secret)[1:-1] not in dump
    with kiosk.read() as session:
        assert [r.code for r in search_dossiers(session, closed)] == [closed]
        assert search_dossiers(session, fold(name)) == []
        purged_events = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "dossier.purged")))
    assert [e.details["code"] for e in purged_events] == [closed]

    data = load_receipt(kiosk, closed, actor="lan", reprint=True)  # the receipt reprints as a summary
    assert data.submitter_name == PURGED_NAME and data.submitter_phone == "" and data.submitter_address == ""
    assert data.dossier_code == closed and data.documents
    from ui.window.qt_app import ensure_gui_app
    from ui.printing.receipt_render import render_pdf
    import pypdfium2

    ensure_gui_app()
    pdf = render_pdf(data, tmp_path / "reprint.pdf")
    page_text = pypdfium2.PdfDocument(str(pdf))[0].get_textpage().get_text_range()
    assert closed in page_text and name not in page_text and id_number not in page_text


def test_kiosk_admin_purge_reports_in_json(kiosk, capsys) -> None:

    kiosk.close()
    add_admin(kiosk.data.root)
    code = as_admin("--data-dir", str(kiosk.data.root), "purge", "--json")
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["ok"] and report["purged"] == [] and report["retention_days"] == 30


def test_guidance_and_refusal_notices_without_a_dossier_lose_their_personal_part_after_the_period(kiosk, portal) -> None:  # noqa: F811
    """A citizen turned away leaves a name and an ID number on the PC; they go after the same period, once the portal
    holds the notice, and the notice still reprints without them."""
    from kiosk.dossier.notices import record_guidance, record_refusal
    from kiosk.dossier.retention import purge
    from kiosk.printed.load import PURGED_NAME
    from kiosk.printed.notice_load import load_notice
    from kiosk.storage.models import AuditEvent, CounterEvent, utcnow
    from sync.engine import SyncEngine

    officer = add_officer(kiosk)
    procedure = kiosk.catalogue.latest()[0]
    typed = {"submitter_name": "Đinh Thị Mận", "submitter_id_number": "001190012345"}
    guided = record_guidance(kiosk, procedure, typed, [procedure.documents[0].id], "Mang bản chính", officer)
    refused = record_refusal(kiosk, procedure, typed, "Không thuộc thẩm quyền của xã", officer)
    now = utcnow()
    assert purge(kiosk, now=now + timedelta(days=31)).notices_purged == []  # the portal does not have them yet
    assert SyncEngine(kiosk).run_once(force=True).ok
    assert purge(kiosk, now=now + timedelta(days=29)).notices_purged == []  # default 30 days: not yet
    report = purge(kiosk, now=now + timedelta(days=31))
    assert sorted(report.notices_purged) == sorted([guided.notice_number, refused.notice_number])
    assert purge(kiosk, now=now + timedelta(days=400)).notices_purged == []  # idempotent

    dump = _dump(kiosk.data.root)
    for secret in ("Đinh Thị Mận", "001190012345", "Mang bản chính"):
        assert secret not in dump and json.dumps(secret)[1:-1] not in dump
    with kiosk.read() as session:
        events = list(session.scalars(select(CounterEvent).where(CounterEvent.kind.in_(("guidance", "refusal")))))
        actions = [e.details["notice_number"] for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "notice.purged"))]
    assert all(e.local is None and e.body for e in events) and sorted(actions) == sorted(report.notices_purged)
    notice = load_notice(kiosk, refused.notice_number, "refusal", actor="lan", reprint=True)
    assert notice.citizen.name == PURGED_NAME and notice.number == refused.notice_number
