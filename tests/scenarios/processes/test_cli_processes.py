"""kiosk-admin in a fresh process: a receipt PDF rendered headless. Moved from tests/test_cli.py."""

from __future__ import annotations

import json
import subprocess
import sys


from conftest import REPO
from cli_helpers import birth_values, cli_site, run  # noqa: F401 - cli_site is a fixture

def test_receipt_pdf_headless_in_a_fresh_process(cli_site, capsys, tmp_path) -> None:
    """`kiosk-admin receipt` needs no display: run it as its own process without DISPLAY or QT_QPA_PLATFORM."""
    data = tmp_path / "birth.json"
    data.write_text(json.dumps(birth_values(), ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, "--data-dir", str(cli_site), "submit", "--procedure", "1.001193", "--data", str(data))
    dossier_code = out.split()[0]
    pdf = tmp_path / "receipt.pdf"
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run(
        [sys.executable, "-m", "ui.admin.cli", "--data-dir", str(cli_site), "receipt", dossier_code, "--pdf", str(pdf), "--json"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["pdf"] == str(pdf)

    import pypdfium2
    import zxingcpp

    document = pypdfium2.PdfDocument(str(pdf))
    image = document[0].render(scale=150 / 72).to_pil()
    decoded = [b.text for b in zxingcpp.read_barcodes(image)]
    assert any(dossier_code in text and "/tra-cuu/" in text for text in decoded), decoded
