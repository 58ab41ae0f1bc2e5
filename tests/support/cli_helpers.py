"""kiosk-admin called in-process by the tests: the command's exit code and output, and a site set up through it."""

from __future__ import annotations

import io
import sys
from datetime import date
from pathlib import Path

import pytest

from conftest import TEST_SITE
from ui.admin.cli import main


ADMIN_USER, ADMIN_PIN = "quantri", "135792"  # the site administrator of the tests' sites (docs/admin.md: who may run what)


def add_admin(root: Path) -> None:
    """Give a data folder set up by the core (the `site_dir` fixture) the administrator that administrators' commands ask for."""
    from sqlalchemy import select

    from kiosk.security.officers import add_officer
    from kiosk.storage.context import open_kiosk
    from kiosk.storage.models import Officer

    ctx = open_kiosk(root)
    try:
        with ctx.transaction() as session:
            if session.scalar(select(Officer.id).where(Officer.username == ADMIN_USER)) is None:
                add_officer(session, ADMIN_USER, "Lê Văn Quản", "admin", ADMIN_PIN)
    finally:
        ctx.close()


def as_admin(*args: str, stdin: str = "") -> int:
    """kiosk-admin ARGS --as the site's administrator (add_admin first), the PIN ahead of `stdin`."""
    sys.stdin = io.StringIO(ADMIN_PIN + "\n" + stdin)
    try:
        return main([*args, "--as", ADMIN_USER])
    finally:
        sys.stdin = sys.__stdin__


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
        "--commune-code", TEST_SITE["commune_code"], "--kiosk-number", "2", "--admin", ADMIN_USER, "--admin-name", "Lê Văn Quản",
        stdin=ADMIN_PIN + "\n",
    )
    assert code == 0, err
    code, out, err = run(capsys, "--data-dir", str(root), "officer", "add", "lan", "--name", "Trần Thị Lan", "--role", "officer",
                         "--as", ADMIN_USER, stdin=f"{ADMIN_PIN}\n246813\n")
    assert code == 0, err
    return root


def birth_values() -> dict:
    from forms.catalogue import load_catalogue
    from forms.samples import sample_values

    return sample_values(load_catalogue().get("1.001193"), seed=7, today=date.today())
