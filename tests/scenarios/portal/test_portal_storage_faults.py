"""The portal's storage faults, on the real process: a full disk (a real size-limited tmpfs under its files folder)
answers 507 and keeps exactly the bytes held before the chunk, whether the chunk arrived whole or was cut short; a
second announcement of a file with another size is refused (409) and never resets the upload in progress
(docs/sync-protocol.md "Storage faults")."""

from __future__ import annotations

import hashlib
import os
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from disk_helpers import fill, tmpfs
from portal_server import portal, start_portal  # noqa: F401 - portal is a fixture: a real `kiosk-portal serve` process
from sync import wire

pytestmark = pytest.mark.skipif(os.name != "posix", reason="mounting a small tmpfs needs Linux")

UNIT = "000.00.07.H26"
STORAGE_FULL = "cổng hết chỗ lưu trữ; hồ sơ sẽ được gửi lại"
FREE_AFTER_FILL = 64 * 1024  # room for a quarter of a chunk: the next chunk's write is short, then ENOSPC


@pytest.fixture
def full_disk_portal(tmp_path: Path):
    """A portal whose attachment folder is a 3 MB tmpfs: (portal, the mount)."""
    root = tmp_path / "portal"
    with tmpfs(root / "portal-files", "3m") as disk, start_portal(root) as server:
        yield server, disk


def _auth(server, number: int = 1) -> dict[str, str]:
    kiosk_id, secret = server.enrol(UNIT, number)
    return {"Authorization": f"Bearer {kiosk_id}:{secret}"}


def _put(server, auth, sha: str, offset: int, size: int, chunk: bytes) -> requests.Response:
    return requests.put(f"{server.api}/attachments/{sha}", params={"offset": offset, "size": size}, data=chunk, headers=auth, timeout=30)


def _status(server, auth, sha: str) -> dict:
    return requests.get(f"{server.api}/attachments/{sha}", headers=auth, timeout=30).json()


def _leave_free(disk: Path, free: int) -> Path:
    """Fill the file system, then give back `free` bytes (whole pages): a chunk larger than that gets a short write."""
    filler = fill(disk)
    os.truncate(filler, filler.stat().st_size - free)
    return filler


def _part(server, sha: str) -> Path:
    return server.files_dir / "partial" / f"{sha}.part"


def test_a_chunk_that_finds_the_disk_full_is_cut_back_answered_507_and_taken_once_there_is_room(full_disk_portal) -> None:
    server, disk = full_disk_portal
    auth = _auth(server)
    data = os.urandom(2 * wire.CHUNK_SIZE + 1000)
    sha = hashlib.sha256(data).hexdigest()
    first = _put(server, auth, sha, 0, len(data), data[: wire.CHUNK_SIZE])
    assert first.status_code == 200 and first.json()["received"] == wire.CHUNK_SIZE

    filler = _leave_free(disk, FREE_AFTER_FILL)
    refused = _put(server, auth, sha, wire.CHUNK_SIZE, len(data), data[wire.CHUNK_SIZE: 2 * wire.CHUNK_SIZE])
    assert refused.status_code == 507
    body = refused.json()
    assert body["service"] == wire.SERVICE and body["error"] == "storage_full" and body["message"] == STORAGE_FULL
    assert body["received"] == wire.CHUNK_SIZE and not body["complete"]
    # The partial file holds the first chunk, byte for byte, and nothing of the refused one; the status says so.
    assert _part(server, sha).read_bytes() == data[: wire.CHUNK_SIZE]
    assert _status(server, auth, sha)["received"] == wire.CHUNK_SIZE
    assert "Traceback" not in server.log() and "internal error" not in server.log()

    filler.unlink()  # the administrator frees space: the upload resumes where the portal says
    for offset in (wire.CHUNK_SIZE, 2 * wire.CHUNK_SIZE):
        answer = _put(server, auth, sha, offset, len(data), data[offset: offset + wire.CHUNK_SIZE])
        assert answer.status_code == 200, answer.text
    assert answer.json()["complete"]
    assert (server.files_dir / sha).read_bytes() == data


def test_a_chunk_cut_short_on_a_full_disk_keeps_nothing_of_its_prefix(full_disk_portal) -> None:
    """The kept-prefix path (portal/middleware.py) appends through the same write: a torn prefix is cut back too."""
    server, disk = full_disk_portal
    auth = _auth(server)
    data = os.urandom(2 * wire.CHUNK_SIZE)
    sha = hashlib.sha256(data).hexdigest()
    assert _put(server, auth, sha, 0, len(data), data[: wire.CHUNK_SIZE]).status_code == 200
    filler = _leave_free(disk, FREE_AFTER_FILL)

    url = urlsplit(server.url)
    sent = 3 * FREE_AFTER_FILL  # more than the room left, less than the chunk announced
    head = (f"PUT {wire.API_PREFIX}/attachments/{sha}?offset={wire.CHUNK_SIZE}&size={len(data)} HTTP/1.1\r\nHost: {url.netloc}\r\n"
            f"Content-Length: {wire.CHUNK_SIZE}\r\nContent-Type: application/octet-stream\r\nAuthorization: {auth['Authorization']}\r\n\r\n")
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(head.encode() + data[wire.CHUNK_SIZE: wire.CHUNK_SIZE + sent])
        time.sleep(0.3)
    finished = f"PUT /api/v1/attachments/{sha} "  # the portal's request log: one line per request it finished
    deadline = time.monotonic() + 20
    while server.log().count(finished) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.log().count(finished) == 2
    assert _part(server, sha).read_bytes() == data[: wire.CHUNK_SIZE]
    assert _status(server, auth, sha)["received"] == wire.CHUNK_SIZE

    filler.unlink()
    answer = _put(server, auth, sha, wire.CHUNK_SIZE, len(data), data[wire.CHUNK_SIZE:])
    assert answer.status_code == 200 and answer.json()["complete"]
    assert (server.files_dir / sha).read_bytes() == data


def test_a_second_announcement_with_another_size_is_refused_and_the_first_upload_goes_on(portal) -> None:  # noqa: F811
    first_kiosk, second_kiosk = _auth(portal, 1), _auth(portal, 2)
    data = os.urandom(wire.CHUNK_SIZE + 5000)
    sha = hashlib.sha256(data).hexdigest()
    assert _put(portal, first_kiosk, sha, 0, len(data), data[: wire.CHUNK_SIZE]).status_code == 200

    for offset in (0, wire.CHUNK_SIZE):  # from the start, or where the portal is: either way refused
        refused = _put(portal, second_kiosk, sha, offset, len(data) + 7, b"x" * 100)
        assert refused.status_code == 409
        body = refused.json()
        assert body["error"] == "size_conflict" and body["size"] == len(data) and body["received"] == wire.CHUNK_SIZE
    assert _part(portal, sha).read_bytes() == data[: wire.CHUNK_SIZE]
    assert _status(portal, first_kiosk, sha) == {"service": wire.SERVICE, "sha256": sha, "size": len(data), "received": wire.CHUNK_SIZE, "complete": False}

    done = _put(portal, first_kiosk, sha, wire.CHUNK_SIZE, len(data), data[wire.CHUNK_SIZE:])
    assert done.status_code == 200 and done.json()["complete"]
    assert (portal.files_dir / sha).read_bytes() == data
