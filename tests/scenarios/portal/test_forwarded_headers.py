"""`kiosk-portal serve` trusts X-Forwarded-For only from the proxies named in `--forwarded-allow-ips` (none by
default): otherwise any local process — a proxy's clients included — could choose the address the tracking page's
rate limit counts, and reset it with every request (docs/portal.md)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import requests

from portal_server import REPO, portal_command, start_portal

RATE = 2  # tracking-page look-ups per address and minute


def _answers(server, forwarded_for: list[str]) -> list[int]:
    """The tracking page's status for one look-up per X-Forwarded-For value, in order (404: looked up; 429: limited)."""
    return [
        requests.get(f"{server.url}/tra-cuu/KHONG-CO", params={"t": "x"}, headers={"X-Forwarded-For": address}, timeout=30).status_code
        for address in forwarded_for
    ]


def test_without_named_proxies_the_rate_limit_keys_on_the_real_peer(tmp_path: Path) -> None:
    with start_portal(tmp_path / "portal", extra_args=["--tracking-rate", str(RATE)]) as server:
        assert _answers(server, ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"]) == [404, 404, 429, 429]


def test_a_named_proxy_passes_on_its_clients_addresses(tmp_path: Path) -> None:
    with start_portal(tmp_path / "portal", extra_args=["--tracking-rate", str(RATE), "--forwarded-allow-ips", "127.0.0.1"]) as server:
        assert _answers(server, ["203.0.113.1", "203.0.113.2", "203.0.113.3"]) == [404, 404, 404]  # three citizens
        assert _answers(server, ["203.0.113.9", "203.0.113.9", "203.0.113.9"]) == [404, 404, 429]  # one citizen, limited


def test_a_malformed_proxy_list_is_refused_at_start(tmp_path: Path) -> None:
    result = subprocess.run(portal_command(f"sqlite:///{tmp_path / 'p.db'}", "serve", "--port", "0", "--forwarded-allow-ips", "127.0.0.1,proxy.local"),
                            capture_output=True, text=True, timeout=60, cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert result.returncode == 2 and "proxy.local" in result.stderr, result.stderr
