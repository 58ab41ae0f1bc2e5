"""Everything the kiosk and the portal create is private (folders 0700, files 0600), even under `umask 022`.

Both programs run as real processes whose umask is 022 (the usual login default, which would make files
0644 and folders 0755: readable by every local account). A real flow runs end to end: init, an officer,
a dossier with an attachment, a receipt PDF, a backup and a `backup --out` copy, a log line, enrolment
(code on stdin) and a sync that uploads the dossier and its attachment to the portal. Then every folder and
file either program made is walked. docs/security.md, "Private files".
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from conftest import REPO, TEST_SITE
from cli_helpers import ADMIN_PIN, ADMIN_USER, birth_values
from portal_server import start_portal

UMASK_022 = ["sh", "-c", 'umask 022 && exec "$@"', "umask-022"]  # execs the portal: its pid stays the portal's


def kiosk_admin(root: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """`kiosk-admin --data-dir ROOT ARGS…` as its own process started with umask 022."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    result = subprocess.run(
        [sys.executable, "-m", "ui.admin.cli", "--data-dir", str(root), *args],
        cwd=REPO, env=env, input=stdin, capture_output=True, text=True, encoding="utf-8", timeout=180,
        preexec_fn=lambda: os.umask(0o022),
    )
    assert result.returncode == 0, f"kiosk-admin {' '.join(args)}: {result.stdout}\n{result.stderr}"
    return result


def loose_modes(top: Path) -> list[str]:
    """Every folder under `top` (itself included) that is not 0700 and every file that is not 0600."""
    found = []
    for folder, subfolders, files in os.walk(top):
        for path in [Path(folder)] + [Path(folder) / name for name in files]:
            mode = stat.S_IMODE(path.lstat().st_mode)
            if path.is_symlink():
                continue
            wanted = 0o700 if path.is_dir() else 0o600
            if mode != wanted:
                found.append(f"{path.relative_to(top.parent)} {mode:04o} (wanted {wanted:04o})")
    return found


def test_kiosk_and_portal_files_are_private_under_umask_022(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    data = inputs / "birth.json"
    data.write_text(json.dumps(birth_values(), ensure_ascii=False), encoding="utf-8")
    scan = inputs / "giay-chung-sinh.pdf"
    scan.write_bytes(b"%PDF-1.4 test scan")
    scan.chmod(0o644)  # the citizen's scan as the scanner left it: the kiosk's copy must not inherit this mode
    exports = tmp_path / "usb"  # a folder the kiosk makes for an export (backup --out, receipt PDF)
    root = tmp_path / "site"

    with start_portal(tmp_path / "portal", command_prefix=UMASK_022) as portal:
        kiosk_admin(root, "init", "--unit-id", TEST_SITE["unit_id"], "--unit-name", TEST_SITE["unit_name"],
                    "--commune-code", TEST_SITE["commune_code"], "--kiosk-number", "1", "--admin", ADMIN_USER, "--admin-name", "Lê Văn Quản", stdin=ADMIN_PIN + "\n")
        kiosk_admin(root, "officer", "add", "lan", "--name", "Trần Thị Lan", "--role", "officer", "--as", ADMIN_USER,
                    stdin=f"{ADMIN_PIN}\n246813\n")
        out = kiosk_admin(root, "--json", "submit", "--procedure", "1.001193", "--data", str(data), "--attach", str(scan)).stdout
        dossier_code = json.loads(out)["code"]
        kiosk_admin(root, "backup")
        kiosk_admin(root, "backup", "--out", str(exports / "sao-luu" / "kiosk.backup"))  # makes the folders
        kiosk_admin(root, "receipt", dossier_code, "--pdf", str(exports / "giay-hen.pdf"))
        code = portal.enrolment_code(TEST_SITE["unit_id"], 1)
        kiosk_admin(root, "enrol", "--portal", portal.url, "--code", "-", "--as", ADMIN_USER, stdin=f"{ADMIN_PIN}\n{code}\n")
        report = json.loads(kiosk_admin(root, "--json", "sync").stdout)
        assert report["delivered"] == 1, report

    assert (root / "backups").is_dir() and any((root / "backups").iterdir())
    assert (root / "logs" / "kiosk.log").stat().st_size > 0  # a log line was written
    assert (exports / "giay-hen.pdf").is_file() and (exports / "sao-luu" / "kiosk.backup").is_file()
    assert any(portal.files_dir.iterdir())  # the attachment reached the portal
    assert (tmp_path / "portal" / "portal.db").is_file()

    problems = loose_modes(root) + loose_modes(exports)  # the portal's files folder is inside its root, walked below
    harness = ("portal ", "portal/portal.log ")  # the folder and log file start_portal itself makes
    problems += [p for p in loose_modes(tmp_path / "portal") if not p.startswith(harness)]
    assert not problems, "\n".join(problems)
