"""A chunk whose body stops half-way, as it does when a 2G link drops mid-upload: the portal keeps the bytes that
arrived, so the kiosk resumes after them instead of sending the whole chunk again (portal/middleware.py,
docs/sync-protocol.md "A chunk cut short"). A dossier revision cut short is never processed."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import time
import uuid as uuid_module
from urllib.parse import urlsplit

import pytest
import requests

from portal_server import portal  # noqa: F401 - fixture: a real `kiosk-portal serve` process
from sync import wire

UNIT = "000.00.07.H26"


@pytest.fixture
def auth(portal) -> dict[str, str]:  # noqa: F811
    kiosk_id, secret = portal.enrol(UNIT, 1)
    return {"Authorization": f"Bearer {kiosk_id}:{secret}"}


def _start_put(portal, path: str, headers: dict[str, str], declared: int, sent: bytes, content_type: str = "application/octet-stream") -> socket.socket:  # noqa: F811
    """A PUT announcing `declared` body bytes that sends only `sent`, over a raw socket left open."""
    url = urlsplit(portal.url)
    sock = socket.create_connection((url.hostname, url.port), timeout=10)
    head = [f"PUT {wire.API_PREFIX}{path} HTTP/1.1", f"Host: {url.netloc}", f"Content-Length: {declared}", f"Content-Type: {content_type}"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + sent)
    return sock


def _held(portal, auth, sha: str) -> int:  # noqa: F811
    return requests.get(f"{portal.api}/attachments/{sha}", headers=auth, timeout=10).json()["received"]


def _wait_held(portal, auth, sha: str, expected: int, within: float) -> int:  # noqa: F811
    deadline = time.monotonic() + within
    while (held := _held(portal, auth, sha)) != expected and time.monotonic() < deadline:
        time.sleep(0.2)
    return held


def test_a_chunk_cut_by_a_closed_connection_keeps_its_prefix_and_the_upload_resumes_after_it(portal, auth) -> None:  # noqa: F811
    data = os.urandom(200_000)
    sha = hashlib.sha256(data).hexdigest()
    sock = _start_put(portal, f"/attachments/{sha}?offset=0&size={len(data)}", auth, len(data), data[:80_000])
    time.sleep(0.3)
    sock.close()
    assert _wait_held(portal, auth, sha, 80_000, within=10) == 80_000
    answer = requests.put(f"{portal.api}/attachments/{sha}", params={"offset": 80_000, "size": len(data)}, data=data[80_000:], headers=auth, timeout=10)
    assert answer.status_code == 200 and answer.json()["complete"]
    assert hashlib.sha256((portal.files_dir / sha).read_bytes()).hexdigest() == sha


def test_a_chunk_that_goes_silent_keeps_its_prefix_after_the_idle_limit(portal, auth) -> None:  # noqa: F811
    from portal.middleware import BODY_IDLE_S

    data = os.urandom(150_000)
    sha = hashlib.sha256(data).hexdigest()
    sock = _start_put(portal, f"/attachments/{sha}?offset=0&size={len(data)}", auth, len(data), data[:50_000])
    try:  # the socket stays open and silent, like a link that dropped: no FIN, no RST
        assert _held(portal, auth, sha) in (0, 50_000)
        assert _wait_held(portal, auth, sha, 50_000, within=BODY_IDLE_S + 10) == 50_000
    finally:
        sock.close()
    wrong_resume = requests.put(f"{portal.api}/attachments/{sha}", params={"offset": 0, "size": len(data)}, data=data[:wire.CHUNK_SIZE], headers=auth, timeout=10)
    assert wrong_resume.status_code == 409 and wrong_resume.json()["received"] == 50_000  # it says where to go on


def test_a_dossier_revision_cut_short_is_never_processed(portal, auth) -> None:  # noqa: F811
    body = json.dumps({"uuid": str(uuid_module.uuid4()), "padding": "x" * 5000}).encode()
    uuid = json.loads(body)["uuid"]
    sock = _start_put(portal, f"/dossiers/{uuid}/revisions/1", auth, len(body), body[: len(body) // 2], "application/json")
    time.sleep(0.3)
    sock.close()
    time.sleep(1.0)
    assert json.loads(portal.run_cli("dossiers", "--json").stdout)["dossiers"] == []
    assert f"/dossiers/{uuid}/revisions/1" not in portal.log()  # dropped before the app saw it (the app logs every answer)
