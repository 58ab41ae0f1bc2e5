"""No secret on a command line: every local account reads /proc/<pid>/cmdline (`ps`).

The enrolment code reaches `kiosk-admin enrol` on stdin (`--code -`); the portal's admin token comes from
KIOSK_PORTAL_ADMIN_TOKEN or a 0600 file (`--admin-token-file`). A secret given on the command line, or in a
file other accounts can read, is refused with a message saying why and what to do. docs/security.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from cli_helpers import ADMIN_PIN, ADMIN_USER
from conftest import REPO, TEST_SITE
from portal_server import _env, portal, portal_command, start_portal  # noqa: F401 - portal is a fixture

TOKEN = "fleet-token-7f3a9c"
FLEET = "/quan-tri/may-tiep-nhan"


def cmdline(pid: int) -> str:
    """The command line every local account sees for `pid` (arguments joined by spaces).

    Right after exec the kernel may not have set up the new arguments yet (the cmdline reads empty for an
    instant): read again until it is there.
    """
    deadline = time.monotonic() + 30
    while True:
        seen = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        if seen or time.monotonic() > deadline:
            return seen
        time.sleep(0.01)


def admin_command(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "ui.admin.cli", "--data-dir", str(root), *args]


def admin_env() -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))


def init_site(root: Path) -> None:
    result = subprocess.run(
        admin_command(root, "init", "--unit-id", TEST_SITE["unit_id"], "--unit-name", TEST_SITE["unit_name"],
                      "--commune-code", TEST_SITE["commune_code"], "--kiosk-number", "1", "--admin", ADMIN_USER, "--admin-name", "Lê Văn Quản"),
        cwd=REPO, env=admin_env(), capture_output=True, text=True, timeout=120, input=ADMIN_PIN + "\n",
    )
    assert result.returncode == 0, result.stderr


def test_enrol_reads_the_code_on_stdin_and_refuses_it_in_argv(tmp_path: Path, portal) -> None:  # noqa: F811
    root = tmp_path / "site"
    init_site(root)
    code = portal.enrolment_code(TEST_SITE["unit_id"], 1)

    refused = subprocess.run(admin_command(root, "enrol", "--portal", portal.url, "--code", code),
                             cwd=REPO, env=admin_env(), capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2
    assert "Không nhận mã đăng ký trên dòng lệnh" in refused.stderr and "command line" in refused.stderr
    assert "echo MÃ | kiosk-admin enrol --portal URL --code -" in refused.stderr
    assert not (root / "keys" / "portal.json").exists()  # nothing sent: the code is still unused

    process = subprocess.Popen(admin_command(root, "enrol", "--portal", portal.url, "--code", "-", "--as", ADMIN_USER), cwd=REPO, env=admin_env(),
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        seen = cmdline(process.pid)  # read while it runs (it waits for its stdin)
        out, err = process.communicate(f"{ADMIN_PIN}\n{code}\n", timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "enrol" in seen and code not in seen and ADMIN_PIN not in seen
    assert (root / "keys" / "portal.json").is_file()  # enrolled with the code given on stdin


def test_portal_token_from_the_environment_or_a_private_file_never_argv(tmp_path: Path) -> None:
    token_file = tmp_path / "admin-token"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    token_file.chmod(0o600)
    for name, kwargs in (("env", {"env": {"KIOSK_PORTAL_ADMIN_TOKEN": TOKEN}}), ("file", {"extra_args": ["--admin-token-file", str(token_file)]})):
        with start_portal(tmp_path / name, **kwargs) as server:
            assert TOKEN not in cmdline(server.process.pid), name
            assert requests.get(server.url + FLEET, params={"token": TOKEN}, timeout=10).status_code == 200, name
            assert requests.get(server.url + FLEET, params={"token": "wrong"}, timeout=10).status_code == 404, name


def serve(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    db = f"sqlite:///{(tmp_path / 'refused.db').as_posix()}"
    return subprocess.run(portal_command(db, "serve", "--port", "0", *args), cwd=tmp_path, env=_env(),
                          capture_output=True, text=True, encoding="utf-8", timeout=60)


def test_portal_refuses_a_token_in_argv_or_in_a_readable_file(tmp_path: Path) -> None:
    result = serve(tmp_path, "--admin-token", TOKEN)
    assert result.returncode == 2
    assert "Không nhận mã quản trị (--admin-token) trên dòng lệnh" in result.stderr and "command line" in result.stderr
    assert "KIOSK_PORTAL_ADMIN_TOKEN" in result.stderr and "--admin-token-file" in result.stderr

    readable = tmp_path / "token"
    readable.write_text(TOKEN, encoding="utf-8")
    readable.chmod(0o644)
    result = serve(tmp_path, "--admin-token-file", str(readable))
    assert result.returncode == 2
    assert "0644" in result.stderr and f"chmod 600 {readable}" in result.stderr
    assert not (tmp_path / "refused.db").exists()  # refused before anything was made
