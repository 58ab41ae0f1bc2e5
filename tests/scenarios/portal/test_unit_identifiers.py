"""A commune holding a QĐ 20/2020/QĐ-TTg identifier (H26.105.12) sets up, receives, prints, syncs and is tracked
like one holding a QCVN 102:2016 identifier (000.00.07.H26): kiosk-admin, submit, the receipt's QR, a real
portal process, the citizen's tracking page and the look-up by QR (issue 12, item 1)."""

from __future__ import annotations

import json
import re

import pypdfium2 as pdfium
import pytest
import requests
import zxingcpp

from cli_helpers import run
from conftest import TEST_SITE
from portal_server import portal  # noqa: F401 - the fixture
from sync_helpers import add_officer, submit_dossiers


@pytest.mark.parametrize("unit_id", ["H26.105.12", "H26", "000.00.07.H26"])
def test_a_site_with_either_identifier_shape_receives_prints_syncs_and_is_tracked(unit_id, portal, tmp_path, capsys, qapp) -> None:  # noqa: F811
    from kiosk.dossier.lookup import code_from_image, code_from_text
    from kiosk.printed.load import load_receipt
    from kiosk.storage.context import open_kiosk
    from sync.engine import SyncEngine
    from ui.printing.receipt_render import render_pdf

    root = tmp_path / "site"
    code, out, err = run(capsys, "--data-dir", str(root), "--json", "init", "--unit-id", unit_id, "--unit-name", TEST_SITE["unit_name"],
                         "--commune-code", TEST_SITE["commune_code"], "--kiosk-number", "3")
    assert code == 0, err
    assert json.loads(out)["settings"]["unit_id"] == unit_id
    enrolment_code = portal.enrolment_code(unit_id, 3)
    code, out, err = run(capsys, "--data-dir", str(root), "--json", "enrol", "--portal", portal.url, "--code", enrolment_code)
    assert code == 0, err

    ctx = open_kiosk(root)
    try:
        officer = add_officer(ctx)
        [dossier_code] = submit_dossiers(ctx, officer, 1, tmp_path / "scans", size=1000)
        assert re.fullmatch(rf"{re.escape(unit_id)}-\d{{6}}-3001", dossier_code)
        receipt = load_receipt(ctx, dossier_code, actor="test", reprint=False)
        assert code_from_text(receipt.tracking_url) == dossier_code

        pdf = render_pdf(receipt, tmp_path / "receipt.pdf", "A5")
        page = pdfium.PdfDocument(str(pdf))[0]
        assert dossier_code in page.get_textpage().get_text_range()
        image = page.render(scale=150 / 72).to_pil()
        assert [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode] == [receipt.tracking_url]
        image.save(tmp_path / "receipt.png")
        assert code_from_image(tmp_path / "receipt.png") == dossier_code  # the officer's look-up by a photo of the QR

        report = SyncEngine(ctx).run_once(force=True)
        assert report.ok and report.delivered == 1, report
        page_html = requests.get(receipt.tracking_url, timeout=10)
        assert page_html.status_code == 200 and dossier_code in page_html.text and "Đã tiếp nhận" in page_html.text
        assert receipt.submitter_name not in page_html.text
    finally:
        ctx.close()


@pytest.mark.parametrize("unit_id", ["H26.1", "h26.105.12", "000.00.07.H2", "H26.105.12.34.56.78"])
def test_kiosk_admin_init_refuses_a_malformed_identifier_with_both_shapes_named(unit_id, tmp_path, capsys) -> None:
    root = tmp_path / "site"
    code, out, err = run(capsys, "--data-dir", str(root), "--json", "init", "--unit-id", unit_id, "--unit-name", TEST_SITE["unit_name"],
                         "--commune-code", TEST_SITE["commune_code"], "--kiosk-number", "1")
    answer = json.loads(out)
    assert code == 2 and not answer["ok"]
    assert "20/2020/QĐ-TTg" in answer["error"] and "QCVN 102:2016" in answer["error"]
    assert not (root / "kiosk.db").exists()


def test_the_portal_refuses_a_malformed_identifier_at_enrolment(portal) -> None:  # noqa: F811
    answer = portal.run_cli("enrolment-code", "--unit-id", "H26.1", "--kiosk-number", "1", "--json", check=False)
    assert answer.returncode == 2 and "20/2020/QĐ-TTg" in json.loads(answer.stdout)["error"]
