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

from cli_helpers import ADMIN_PIN, ADMIN_USER, run
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
                         "--commune-code", TEST_SITE["commune_code"], "--kiosk-number", "3", "--admin", ADMIN_USER, "--admin-name", "Lê Văn Quản", stdin=ADMIN_PIN + "\n")
    assert code == 0, err
    assert json.loads(out)["settings"]["unit_id"] == unit_id
    enrolment_code = portal.enrolment_code(unit_id, 3)
    code, out, err = run(capsys, "--data-dir", str(root), "--json", "enrol", "--portal", portal.url, "--code", "-", "--as", ADMIN_USER, stdin=f"{ADMIN_PIN}\n{enrolment_code}\n")
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


def _centralised_definition(catalogue_dir) -> None:
    """A test definition of a nationally centralised service (no shipped one is): Circular 04/2025's series AA."""
    from forms import PROCEDURES_DIR

    doc = json.loads((PROCEDURES_DIR / "2.000635-ban-sao-trich-luc.2026-01.json").read_text(encoding="utf-8"))
    doc.update(code="9.000001", version="2026.1", name="Thủ tục thử nghiệm của dịch vụ công tập trung toàn quốc",
               keywords=["thử nghiệm tập trung"], dossier_code={"centralised": True, "series": "AA"})
    doc.pop("effective_from")
    catalogue_dir.mkdir(parents=True, exist_ok=True)
    (catalogue_dir / "9.000001-2026.1.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def test_a_centralised_service_code_is_numbered_in_its_series_synced_and_tracked(portal, tmp_path, capsys) -> None:  # noqa: F811
    from datetime import date

    from forms.codes import parse_code
    from forms.samples import sample_values
    from kiosk.dossier.lookup import code_from_text
    from kiosk.dossier.submit import submit
    from kiosk.printed.load import load_receipt
    from kiosk.storage.context import open_kiosk
    from kiosk.storage.paths import DataDir
    from sync.engine import SyncEngine

    root = tmp_path / "site"
    code, out, err = run(capsys, "--data-dir", str(root), "--json", "init", "--unit-id", "H26.105.12", "--unit-name", TEST_SITE["unit_name"],
                         "--commune-code", TEST_SITE["commune_code"], "--kiosk-number", "3", "--admin", ADMIN_USER, "--admin-name", "Lê Văn Quản", stdin=ADMIN_PIN + "\n")
    assert code == 0, err
    code, out, err = run(capsys, "--data-dir", str(root), "--json", "enrol", "--portal", portal.url, "--code", "-", "--as", ADMIN_USER,
                         stdin=f"{ADMIN_PIN}\n" + portal.enrolment_code("H26.105.12", 3) + "\n")
    assert code == 0, err
    _centralised_definition(DataDir(root).catalogue_dir)

    ctx = open_kiosk(root)
    try:
        officer = add_officer(ctx)
        centralised, ordinary = ctx.catalogue.in_force("9.000001"), ctx.catalogue.in_force("2.000635")
        assert centralised.code_series == "AA" and ordinary.code_series == ""
        codes = [submit(ctx, procedure=p, values=sample_values(p, seed=n, today=date.today()), officer=officer).code
                 for n, p in enumerate((centralised, ordinary, centralised))]
        day = parse_code(codes[0]).day
        assert codes == [f"H26.105.12-{day:%y%m%d}-AA3001", f"H26.105.12-{day:%y%m%d}-3001", f"H26.105.12-{day:%y%m%d}-AA3002"]
        assert parse_code(codes[0]).series == "AA" and parse_code(codes[0]).kiosk_number == 3

        receipt = load_receipt(ctx, codes[0], actor="test", reprint=False)
        assert code_from_text(receipt.tracking_url) == codes[0]  # the QR look-up reads the series code
        pending = requests.get(receipt.tracking_url, timeout=10)  # not synced yet: the receipt key of kiosk 3 vouches
        assert pending.status_code == 200 and codes[0] in pending.text and "Đang chờ gửi lên cổng" in pending.text

        report = SyncEngine(ctx).run_once(force=True)
        assert report.ok and report.delivered == 3, report
        page_html = requests.get(receipt.tracking_url, timeout=10)
        assert page_html.status_code == 200 and codes[0] in page_html.text and "Đã tiếp nhận" in page_html.text
    finally:
        ctx.close()
