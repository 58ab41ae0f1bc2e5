"""A citizen scans the receipt: the QR's URL opens the portal's tracking page in headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import requests

from forms.text import fold
from portal_server import portal  # noqa: F401 - the fixture
from sync_helpers import add_officer, make_kiosk, submit_dossiers

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def chromium_dom(url: str, profile: Path) -> str:
    """The page as Chromium renders it (README's Set up installs Debian's chromium)."""
    assert CHROMIUM, "chromium is not installed: README's Set up installs it (apt-get install chromium)"
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", f"--user-data-dir={profile}", "--dump-dom", url],
        capture_output=True, text=True, timeout=90,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def receipt_url(ctx, code: str, tmp_path: Path) -> str:
    import pypdfium2
    import zxingcpp

    from kiosk.printed.load import load_receipt
    from ui.window.qt_app import ensure_gui_app
    from ui.printing.receipt_render import render_pdf

    ensure_gui_app()
    pdf = render_pdf(load_receipt(ctx, code, actor="test", reprint=False), tmp_path / "receipt.pdf")
    image = pypdfium2.PdfDocument(str(pdf))[0].render(scale=150 / 72).to_pil()
    (url,) = [barcode.text for barcode in zxingcpp.read_barcodes(image)]
    return url


def test_receipt_qr_opens_the_tracking_page_without_personal_data(qapp, portal, tmp_path: Path) -> None:  # noqa: F811
    from sync.engine import SyncEngine

    ctx = make_kiosk(tmp_path / "kiosk", portal)
    officer = add_officer(ctx)
    (code,) = submit_dossiers(ctx, officer, 1, tmp_path / "scans", size=20_000)
    assert SyncEngine(ctx).run_once(force=True).delivered == 1
    portal.run_cli("set-status", code, "4", "--note", "Chuyển bộ phận tư pháp")

    with ctx.read() as session:
        from sqlalchemy import select

        from kiosk.storage.models import Dossier

        dossier = session.scalar(select(Dossier).where(Dossier.code == code))
        name, id_number, phone = dossier.values["submitter_name"], dossier.values["submitter_id_number"], dossier.values.get("submitter_phone")
        procedure_name = dossier.procedure.name

    url = receipt_url(ctx, code, tmp_path)
    assert url.startswith(portal.url + "/tra-cuu/") and code in url

    dom = chromium_dom(url, tmp_path / "chromium")
    assert "Đang xử lý" in dom and procedure_name in unicodedata.normalize("NFC", dom)
    raw = requests.get(url, timeout=10)
    assert raw.status_code == 200
    # The page loads nothing else (no scripts, stylesheets, images or frames), so the page itself is every response.
    assert not re.search(r"<(script|link|img|iframe)\b", raw.text, re.I)
    for page in (dom, raw.text):
        nfc, folded = unicodedata.normalize("NFC", page), fold(page)
        for secret in (name, unicodedata.normalize("NFD", name), fold(name), id_number, phone):
            assert secret and secret not in nfc and secret not in folded, "personal data on the public page"
        assert "Chuyển bộ phận tư pháp" not in nfc  # back-office notes stay off the public page

    altered = url[:-1] + ("a" if url[-1] != "a" else "b")
    wrong_dom = chromium_dom(altered, tmp_path / "chromium2")
    assert "Không tìm thấy hồ sơ" in wrong_dom and "Đang xử lý" not in wrong_dom
    unknown = requests.get(url.replace(code, code[:-4] + "9999"), timeout=10)
    assert unknown.status_code == requests.get(altered, timeout=10).status_code == 404
    assert unknown.text == requests.get(altered, timeout=10).text
    ctx.close()
