"""A chunk upload over a link slower than the connect timeout allows for the whole body still goes through.

urllib3 applies the *connect* timeout while it sends a request body; sent in one piece, a 256 KiB chunk had to
leave in 5 s, which a 256 kbit/s rural link cannot do (8 s), so every chunk failed as "unreachable" and was
sent again (found by bench/rural.py over an emulated link). The body now goes out in blocks (16 KiB), and the connect
timeout bounds each block: a timeout means no progress, not a slow link.

The slow link here is a real socket server that reads a few KiB at a time from a tiny receive buffer.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time

from requests.adapters import HTTPAdapter

from sync import wire
from sync.client import PortalClient
from sync.credentials import Credentials

CHUNK = 256 * 1024
READ_BYTES = 8 * 1024
READ_PAUSE_S = 0.02  # ≈ 400 KB/s: the chunk takes ≈ 0.65 s, several times the connect timeout below
CONNECT_TIMEOUT_S = 0.15


def _slow_portal(listener: socket.socket, received: list[int], sha256: str) -> None:
    conn, _ = listener.accept()
    with conn:
        conn.settimeout(20)
        data = b""
        while b"\r\n\r\n" not in data:
            data += conn.recv(1024)
        head, _, body = data.partition(b"\r\n\r\n")
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
        while len(body) < length:
            time.sleep(READ_PAUSE_S)
            piece = conn.recv(READ_BYTES)
            if not piece:
                return
            body += piece
        received.append(len(body))
        answer = json.dumps({"service": wire.SERVICE, "sha256": sha256, "size": length, "received": length, "complete": True}).encode()
        conn.sendall(b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(answer), answer))


class NarrowSendBuffer(HTTPAdapter):
    """The kiosk's side of a slow link: a send buffer far smaller than a chunk, as on a real slow uplink where
    the kernel cannot take the whole chunk at once (on loopback it otherwise would, hiding the problem)."""

    def init_poolmanager(self, *args, **kwargs):  # noqa: ANN002, ANN003 - requests' signature
        kwargs["socket_options"] = [(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096), (socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
        super().init_poolmanager(*args, **kwargs)


def test_a_chunk_slower_than_the_connect_timeout_is_still_delivered() -> None:
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # inherited by the accepted socket: a narrow pipe
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    received: list[int] = []
    chunk = bytes(range(256)) * (CHUNK // 256)
    server = threading.Thread(target=_slow_portal, args=(listener, received, hashlib.sha256(chunk).hexdigest()), daemon=True)
    server.start()
    client = PortalClient(
        f"http://127.0.0.1:{listener.getsockname()[1]}",
        Credentials("http://x", "kiosk-1", "secret", "2026-12-01T00:00:00+00:00"),
        timeout=(CONNECT_TIMEOUT_S, 20.0),
    )
    client.session.mount("http://", NarrowSendBuffer())
    try:
        started = time.monotonic()
        status = client.upload_chunk(hashlib.sha256(chunk).hexdigest(), 0, CHUNK, chunk)
        took = time.monotonic() - started
    finally:
        client.close()
        listener.close()
    server.join(timeout=20)
    assert received == [CHUNK]
    assert status.complete
    assert took > CONNECT_TIMEOUT_S  # the link really was slower than the connect timeout for the whole body
