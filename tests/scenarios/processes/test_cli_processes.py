"""kiosk-admin in a fresh process: a receipt PDF rendered headless. Moved from tests/test_cli.py."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from conftest import REPO, TEST_SITE
from ui.admin.cli import main

def run(capsys: pytest.CaptureFixture[str], *args: str, stdin: str = "") -> tuple[int, str, str]:
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(list(args))
    finally:
        sys.stdin = sys.__stdin__
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def cli_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    root = tmp_path / "site"
    code, out, err = run(
        capsys,
        "--data-dir", str(root), "init",
        "--unit-id", TEST_SITE["unit_id"], "--unit-name", TEST_SITE["unit_name"],
        "--commune-code", TEST_SITE["commune_code"], "--kiosk-number", "2",
    )
    assert code == 0, err
    code, out, err = run(capsys, "--data-dir", str(root), "officer", "add", "lan", "--name", "Trần Thị Lan", "--role", "officer", stdin="2468\n")
    assert code == 0, err
    return root


def birth_values() -> dict:
    from forms.catalogue import load_catalogue
    from forms.samples import sample_values

    return sample_values(load_catalogue().get("1.001193"), seed=7, today=date.today())


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
