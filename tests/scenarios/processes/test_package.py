"""The packaged Linux build (build/kiosk.spec) from this checkout: a per-site package enrols, its doctor finds no error, its kiosk starts at the login screen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from portal_server import portal  # noqa: F401 - the fixture
from sync_helpers import UNIT_ID

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform != "linux", reason="the suite builds and runs the Linux package")]

BUILD_TIMEOUT = 1500


def folder_size(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("pyinstaller")
    result = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "--workpath", str(work / "work"), "--distpath", str(work / "dist"), str(REPO / "build" / "kiosk.spec")],
        cwd=REPO, capture_output=True, text=True, timeout=BUILD_TIMEOUT,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    app = work / "dist" / "mot-cua-kiosk"
    assert (app / "kiosk").is_file() and (app / "kiosk-admin").is_file()
    print(f"\npackage size: {folder_size(app) / 2**20:.0f} MiB ({app})")
    return app


def run(app: Path, *args: str, stdin: str | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "KIOSK_"))}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run([str(app / args[0]), *args[1:]], input=stdin, capture_output=True, text=True, timeout=timeout, env=env, cwd=app.parent)


def test_a_per_site_package_enrols_and_its_doctor_reports_no_error_and_its_kiosk_starts(built: Path, portal, tmp_path: Path) -> None:  # noqa: F811
    site = tmp_path / "site.json"
    site.write_text(json.dumps({
        "settings": {"unit_id": UNIT_ID, "unit_name": "UBND xã Bát Tràng", "commune_code": "00583", "kiosk_number": 1, "portal_url": portal.url},
        "enrolment_code": portal.enrolment_code(UNIT_ID, 1),
    }, ensure_ascii=False), encoding="utf-8")
    package = tmp_path / "site-bat-trang-1"
    made = subprocess.run([sys.executable, str(REPO / "build" / "make_site_package.py"), "--site", str(site), "--out", str(package), "--app", str(built)],
                          capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    assert json.loads((package / "site-config.json").read_text(encoding="utf-8"))["settings"]["unit_id"] == UNIT_ID

    data = tmp_path / "data"
    synced = run(package, "kiosk-admin", "--data-dir", str(data), "--json", "sync")  # first start: set up from the package, enrolled
    assert synced.returncode == 0, synced.stdout + synced.stderr
    assert json.loads(synced.stdout)["reachable"] and (data / "keys" / "portal.json").exists()
    added = run(package, "kiosk-admin", "--data-dir", str(data), "officer", "add", "lan", "--name", "Trần Thị Lan", "--role", "admin", stdin="24681357\n")
    assert added.returncode == 0, added.stderr

    doctor = run(package, "kiosk-admin", "--data-dir", str(data), "--json", "doctor")
    report = json.loads(doctor.stdout)
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert doctor.returncode == 0 and not errors, errors
    assert {f["check"] for f in report["findings"]} >= {"database", "enrolment", "portal", "clock_skew", "printer"}

    shot = tmp_path / "login.png"
    started = run(package, "kiosk", "--data-dir", str(data), "--screenshot", str(shot))
    assert started.returncode == 0 and "screen: login" in started.stdout, started.stdout + started.stderr
    from PIL import Image

    with Image.open(shot) as image:
        assert image.width >= 1024 and len(image.convert("L").getcolors(maxcolors=1 << 16) or ()) > 10  # a drawn window, not a blank
