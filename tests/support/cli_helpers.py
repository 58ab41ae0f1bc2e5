"""kiosk-admin called in-process by the tests: the command's exit code and output, and a site set up through it."""

from __future__ import annotations

import io
import sys
from datetime import date
from pathlib import Path

import pytest

from conftest import TEST_SITE
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
    code, out, err = run(capsys, "--data-dir", str(root), "officer", "add", "lan", "--name", "Trần Thị Lan", "--role", "officer", stdin="246813\n")
    assert code == 0, err
    return root


def birth_values() -> dict:
    from forms.catalogue import load_catalogue
    from forms.samples import sample_values

    return sample_values(load_catalogue().get("1.001193"), seed=7, today=date.today())
