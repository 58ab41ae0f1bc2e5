"""A fault-injecting HTTP proxy on 127.0.0.1 between the kiosk and the real portal (sync tests only).

Modes: pass, reset_before (RST before the request reaches the portal), reset_after (the portal answers and
commits, the kiosk gets an RST instead of the answer), http500, http503, stall (the portal answers, the
kiosk hears nothing for `stall_seconds`), captive (a Wi-Fi login page's `200 OK` HTML), malformed (the
portal answers, the kiosk gets `200` with broken JSON). A fault can hit only the next N requests matching a
regular expression on "METHOD /path", so it lands mid-sync. Request body bytes forwarded to the portal are
counted, attachment chunks separately, to measure what a cut costs.
"""

from __future__ import annotations

import re
import socket
import ssl
import struct
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

MODES = ("pass", "reset_before", "reset_after", "http500", "http503", "stall", "captive", "malformed")

CAPTIVE_PAGE = (
    "<!doctype html><html><head><title>Đăng nhập Wi-Fi</title></head>"
    "<body><h1>Chào mừng đến Wi-Fi miễn phí</h1><form><input name=phone><button>Đăng nhập</button></form></body></html>"
).encode("utf-8")
MALFORMED_JSON = b'{"service": "mot-cua-portal", "ack": {"uuid": "'


@dataclass
class Forwarded:
    method: str
    path: str
    body_bytes: int
    mode: str
    generation: int
    offset: int | None = None  # attachment chunks: where the chunk starts


@dataclass
class _Fault:
    mode: str
    remaining: int | None  # None: until cleared
    match: re.Pattern[str] | None
    skip: int = 0  # matching requests to let through before the fault starts


@dataclass
class Stats:
    requests: int = 0
    forwarded_body_bytes: int = 0
    forwarded_attachment_bytes: int = 0
    cut_body_bytes: int = 0  # bytes of request bodies the kiosk began but never finished (it died or gave up)
    cut_attachment_bytes: int = 0
    received_attachment_bytes: int = 0  # attachment chunk bytes the kiosk sent us, whatever became of them
    cut_by_generation: dict[int, int] = field(default_factory=dict)
    faults: dict[str, int] = field(default_factory=dict)
    log: list[Forwarded] = field(default_factory=list)


def _reason(status: int) -> str:
    return {200: "OK", 500: "Internal Server Error", 503: "Service Unavailable"}[status]


def _response(status: int, content_type: str, body: bytes, extra: str = "") -> bytes:
    head = f"HTTP/1.1 {status} {_reason(status)}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n{extra}\r\n"
    return head.encode("latin-1") + body


def _reset(sock: socket.socket) -> None:
    """Close with an RST (SO_LINGER 0), as a flaky link or a dropped NAT entry does."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()


class _Reader:
    def __init__(self, sock: socket.socket, bytes_per_second: float | None = None) -> None:
        self.sock = sock
        self.buffer = b""
        self.bytes_per_second = bytes_per_second

    def _fill(self) -> bool:
        data = self.sock.recv(16384 if self.bytes_per_second else 65536)
        if not data:
            return False
        self.buffer += data
        if self.bytes_per_second:
            time.sleep(len(data) / self.bytes_per_second)  # a slow uplink: chunks take a while, so a cut can land mid-chunk
        return True

    def head(self) -> bytes | None:
        while b"\r\n\r\n" not in self.buffer:
            if not self._fill():
                return None
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        return head

    def exactly(self, n: int) -> bytes | None:
        while len(self.buffer) < n:
            if not self._fill():
                return None
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def rest(self) -> bytes:
        while self._fill():
            pass
        data, self.buffer = self.buffer, b""
        return data


class FaultProxy:
    def __init__(
        self,
        upstream: str,
        *,
        stall_seconds: float = 3.0,
        uplink_bytes_per_second: float | None = None,
        tls: tuple[str, str] | None = None,
    ) -> None:
        """`tls=(certfile, keyfile)` serves HTTPS to the kiosk (a province portal with its own CA); the portal behind stays HTTP."""
        parts = urlsplit(upstream)
        self._tls: ssl.SSLContext | None = None
        if tls is not None:
            self._tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self._tls.load_cert_chain(*tls)
        self.uplink_bytes_per_second = uplink_bytes_per_second
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.stall_seconds = stall_seconds
        self.stats = Stats()
        self.generation = 0  # bumped by tests at each restart of the syncing process
        self._faults: list[_Fault] = []
        self._cut_epoch = 0
        self._lock = threading.Lock()
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(64)
        self._server.settimeout(0.1)  # so the accept loop notices close()
        self.port = self._server.getsockname()[1]
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self._closed = threading.Event()
        self._clients: set[socket.socket] = set()
        self._thread = threading.Thread(target=self._accept, name="fault-proxy", daemon=True)
        self._thread.start()

    # --- control --------------------------------------------------------------------------------

    def set_fault(self, mode: str, count: int | None = None, match: str | None = None, skip: int = 0) -> None:
        """Apply `mode` to `count` requests matching `match` (regex on "METHOD /path") after letting `skip` of them pass."""
        if mode not in MODES:
            raise ValueError(mode)
        with self._lock:
            self._faults = [] if mode == "pass" else [_Fault(mode, count, re.compile(match) if match else None, skip)]

    def clear(self) -> None:
        self.set_fault("pass")

    def reset_stats(self) -> None:
        with self._lock:
            self.stats = Stats()

    def _take_mode(self, method: str, path: str) -> str:
        line = f"{method} {path}"
        with self._lock:
            self.stats.requests += 1
            for fault in self._faults:
                if fault.match is not None and not fault.match.search(line):
                    continue
                if fault.skip > 0:
                    fault.skip -= 1
                    continue
                if fault.remaining is not None:
                    if fault.remaining <= 0:
                        continue
                    fault.remaining -= 1
                self.stats.faults[fault.mode] = self.stats.faults.get(fault.mode, 0) + 1
                return fault.mode
        return "pass"

    def close(self) -> None:
        self._closed.set()
        self._thread.join(timeout=5)
        self._server.close()
        with self._lock:
            clients = list(self._clients)
        for sock in clients:
            try:
                sock.close()
            except OSError:
                pass

    def __enter__(self) -> "FaultProxy":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- serving --------------------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._server.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            client.settimeout(None)
            with self._lock:
                self._clients.add(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        raw = client
        try:
            if self._tls is not None:
                client.settimeout(10)
                client = self._tls.wrap_socket(client, server_side=True)  # a failed handshake raises: the kiosk refused us
                client.settimeout(None)
            reader = _Reader(client, self.uplink_bytes_per_second)
            while not self._closed.is_set():
                if not self._one(client, reader):
                    break
        except (OSError, ssl.SSLError):
            pass
        finally:
            with self._lock:
                self._clients.discard(raw)
            try:
                client.close()
            except OSError:
                pass

    def cut_in_flight(self) -> None:
        """The link drops now: requests whose bytes are still arriving are lost, as in a power or network cut."""
        with self._lock:
            self._cut_epoch += 1

    def _one(self, client: socket.socket, reader: _Reader) -> bool:
        """Serve one request on a keep-alive connection; False when the connection is finished."""
        epoch = self._cut_epoch
        head = reader.head()
        generation = self.generation  # the syncing process this request came from (tests bump it at each restart)
        if head is None:
            return False
        lines = head.decode("latin-1").split("\r\n")
        method, target, _version = lines[0].split(" ", 2)
        headers = [line.split(":", 1) for line in lines[1:] if ":" in line]
        length = next((int(v.strip()) for k, v in headers if k.strip().lower() == "content-length"), 0)
        path = urlsplit(target).path
        try:
            body = reader.exactly(length) if length else b""
        except OSError:
            body = None
        if body is None or epoch != self._cut_epoch:  # the kiosk died or the link was cut mid-body: nothing reaches the portal
            arrived = len(reader.buffer) if body is None else len(body)
            with self._lock:
                self.stats.cut_body_bytes += arrived
                if path.startswith("/api/v1/attachments/"):
                    self.stats.cut_attachment_bytes += arrived
                    self.stats.cut_by_generation[generation] = self.stats.cut_by_generation.get(generation, 0) + arrived
            return False
        if method == "PUT" and path.startswith("/api/v1/attachments/"):
            with self._lock:
                self.stats.received_attachment_bytes += len(body)
        mode = self._take_mode(method, path)
        if mode == "reset_before":
            _reset(client)
            return False
        if mode == "http500":
            client.sendall(_response(500, "text/html; charset=utf-8", b"<html><body>Internal Server Error</body></html>"))
            return True
        if mode == "http503":
            client.sendall(_response(503, "text/plain", b"Service Unavailable", "Retry-After: 30\r\n"))
            return True
        if mode == "captive":
            client.sendall(_response(200, "text/html; charset=utf-8", CAPTIVE_PAGE))
            return True
        answer = self._forward(method, target, path, headers, body, mode, generation)
        if mode == "reset_after":
            _reset(client)
            return False
        if mode == "stall":
            self._closed.wait(self.stall_seconds)
            return False
        if mode == "malformed":
            client.sendall(_response(200, "application/json", MALFORMED_JSON))
            return True
        client.sendall(answer)
        return True

    def _forward(self, method: str, target: str, path: str, headers: list[list[str]], body: bytes, mode: str, generation: int) -> bytes:
        """Send the request to the portal on a fresh connection and return its whole answer, re-framed for keep-alive."""
        kept = [f"{k}:{v}" for k, v in headers if k.strip().lower() not in ("connection", "keep-alive", "proxy-connection")]
        request = "\r\n".join([f"{method} {target} HTTP/1.1", *kept, "Connection: close", "", ""]).encode("latin-1") + body
        with socket.create_connection(self.upstream, timeout=120) as upstream:
            upstream.sendall(request)
            with self._lock:
                offset = None
                if method == "PUT" and path.startswith("/api/v1/attachments/"):
                    self.stats.forwarded_attachment_bytes += len(body)
                    offset_values = parse_qs(urlsplit(target).query).get("offset")
                    offset = int(offset_values[0]) if offset_values else None
                self.stats.forwarded_body_bytes += len(body)
                self.stats.log.append(Forwarded(method, path, len(body), mode, generation, offset))
            reader = _Reader(upstream)
            head = reader.head()
            rest = reader.rest()
        if head is None:
            return _response(503, "text/plain", b"upstream closed")
        lines = head.decode("latin-1").split("\r\n")
        status_line, answer_headers = lines[0], lines[1:]
        names = {line.split(":", 1)[0].strip().lower() for line in answer_headers}
        kept_answer = [line for line in answer_headers if line.split(":", 1)[0].strip().lower() not in ("connection", "keep-alive")]
        if "content-length" not in names and "transfer-encoding" not in names:
            kept_answer.append(f"Content-Length: {len(rest)}")
        return "\r\n".join([status_line, *kept_answer, "", ""]).encode("latin-1") + rest


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
