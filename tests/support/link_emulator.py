"""A slow, lossy radio link in user space: moves IP packets between two TUN devices (issue 15 item 3).

    python tests/support/link_emulator.py --kiosk-ns NS --kiosk-dev DEV --portal-ns NS --portal-dev DEV \
        --rate-bps 256000 --delay-ms 150 --loss-up 0.01 --loss-down 0 --queue-s 1.0 --seed 1

Why: this kernel has no netem, but it has TUN devices and network namespaces. Each TUN device
(IFF_TUN | IFF_NO_PI: bare IP packets) is created inside its namespace, so the kiosk's and the portal's
kernels run real TCP against each other and only this process stands between them. Packets are passed
unmodified (point-to-point addresses, no NAT), in order, per direction:

- **bandwidth**: a packet occupies the link for len × 8 / rate seconds (IP bytes; TUN has no link header),
  one after the other, like a modem's serial line;
- **queue limit**: a packet that would wait more than `queue_s` seconds of backlog before its turn is dropped
  (drop-tail, as a modem's buffer);
- **loss**: each packet is lost with the direction's probability after it used its air time (a radio loses
  packets on the air, it does not skip sending them); the random source is seeded;
- **delay**: it arrives `delay_ms` after its last bit left (one way; the round trip is twice that);
- **cut**: while the link is cut every packet is dropped silently, and what was queued or in flight is lost,
  as when a 2G signal drops; no ICMP answer, so the endpoints only notice by their timeouts.

Control: one command per line on stdin (`cut`, `restore`, `stats`, `quit`); each answer is one JSON line on
stdout. The first line it prints is `{"event": "ready", ...}` once both devices exist. End of stdin (the
parent died) ends it, and closing the TUN file descriptors deletes the devices. It tries to run under
SCHED_FIFO (root) so a loaded machine does not add its own delay to the link's; `stats` says which.
"""

from __future__ import annotations

import argparse
import collections
import ctypes
import fcntl
import json
import os
import random
import selectors
import struct
import sys
import threading
import time
from dataclasses import dataclass, field

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
CLONE_NEWNET = 0x40000000
MAX_PACKET = 65535


def _setns(ns_name: str) -> None:
    """Move the calling thread into the named network namespace (`ip netns add` makes /run/netns/NAME)."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(f"/run/netns/{ns_name}", os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"setns({ns_name}): {os.strerror(err)}")
    finally:
        os.close(fd)


def in_namespace(ns_name: str, make):  # noqa: ANN001, ANN201 - any zero-argument callable and its result
    """Call `make()` in a short-lived thread that joined `ns_name`: sockets and TUN devices it opens live there.

    A network namespace belongs to a thread, and what a thread opens stays in the namespace it was opened
    in; the thread ends, the file descriptor keeps working. The rest of the process never changes namespace.
    """
    box: dict[str, object] = {}

    def run() -> None:
        try:
            _setns(ns_name)
            box["value"] = make()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller below
            box["error"] = exc

    thread = threading.Thread(target=run, name=f"netns-{ns_name}")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]


def open_tun(name: str) -> int:
    """A TUN device `name` in the calling thread's namespace, non-blocking; it lives as long as the descriptor."""
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    try:
        fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    except OSError:
        os.close(fd)
        raise
    return fd


@dataclass
class Direction:
    """One direction of the link: its serial line, its delay line and what happened to its packets."""

    name: str
    out_fd: int
    rate_bps: float
    delay_s: float
    loss: float
    queue_s: float
    rng: random.Random
    link_free_at: float = 0.0
    in_flight: collections.deque = field(default_factory=collections.deque)  # (deliver_at, lost, packet)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("packets_in", "bytes_in", "delivered", "bytes_delivered", "lost", "queue_dropped", "cut_dropped", "lost_at_cut_bytes", "write_errors"), 0))

    def offer(self, packet: bytes, now: float, cut: bool) -> None:
        self.counts["packets_in"] += 1
        self.counts["bytes_in"] += len(packet)
        if cut:
            self.counts["cut_dropped"] += 1
            return
        air = len(packet) * 8 / self.rate_bps
        start = max(now, self.link_free_at)
        if start - now + air > self.queue_s:
            self.counts["queue_dropped"] += 1
            return
        self.link_free_at = start + air
        lost = self.loss > 0 and self.rng.random() < self.loss
        self.in_flight.append((self.link_free_at + self.delay_s, lost, packet))

    def next_due(self) -> float | None:
        return self.in_flight[0][0] if self.in_flight else None

    def deliver_due(self, now: float) -> None:
        while self.in_flight and self.in_flight[0][0] <= now:
            _, lost, packet = self.in_flight.popleft()
            if lost:
                self.counts["lost"] += 1
                continue
            try:
                os.write(self.out_fd, packet)
            except OSError:  # the far device is down (being torn down); count it, never stop the link
                self.counts["write_errors"] += 1
                continue
            self.counts["delivered"] += 1
            self.counts["bytes_delivered"] += len(packet)

    def drop_everything(self, now: float) -> None:
        """The signal is gone: what was queued or on the air never arrives (and must be sent again)."""
        self.counts["cut_dropped"] += len(self.in_flight)
        self.counts["lost_at_cut_bytes"] += sum(len(packet) for _, lost, packet in self.in_flight if not lost)
        self.in_flight.clear()
        self.link_free_at = now


def _realtime() -> str:
    """Run under SCHED_FIFO when allowed, so the benchmarked programs cannot delay the link's own timing."""
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))
        return "SCHED_FIFO 10"
    except (OSError, AttributeError):
        try:
            os.nice(-10)
            return "nice -10"
        except OSError:
            return "normal (no permission to raise priority)"


def serve(args: argparse.Namespace) -> int:
    kiosk_fd = in_namespace(args.kiosk_ns, lambda: open_tun(args.kiosk_dev))
    portal_fd = in_namespace(args.portal_ns, lambda: open_tun(args.portal_dev))
    rng = random.Random(args.seed)
    up = Direction("kiosk_to_portal", portal_fd, args.rate_bps, args.delay_ms / 1000, args.loss_up, args.queue_s, random.Random(rng.random()))
    down = Direction("portal_to_kiosk", kiosk_fd, args.rate_bps, args.delay_ms / 1000, args.loss_down, args.queue_s, random.Random(rng.random()))
    scheduling = _realtime()
    selector = selectors.DefaultSelector()
    selector.register(kiosk_fd, selectors.EVENT_READ, up)
    selector.register(portal_fd, selectors.EVENT_READ, down)
    selector.register(sys.stdin.fileno(), selectors.EVENT_READ, None)
    state = {"cut": False, "cuts": 0}

    def answer(event: str, **extra: object) -> None:
        sys.stdout.write(json.dumps({"event": event, **extra}) + "\n")
        sys.stdout.flush()

    answer("ready", pid=os.getpid(), scheduling=scheduling)
    stdin_buffer = b""
    while True:
        now = time.monotonic()
        dues = [d for d in (up.next_due(), down.next_due()) if d is not None]
        timeout = max(0.0, min(dues) - now) if dues else None
        for key, _ in selector.select(timeout):
            direction = key.data
            if direction is None:
                chunk = os.read(sys.stdin.fileno(), 4096)
                if not chunk:
                    return 0  # the parent is gone: closing the descriptors deletes the devices
                stdin_buffer += chunk
                while b"\n" in stdin_buffer:
                    line, stdin_buffer = stdin_buffer.split(b"\n", 1)
                    command = line.decode().strip()
                    if command == "cut":
                        state["cut"] = True
                        state["cuts"] += 1
                        for d in (up, down):
                            d.drop_everything(time.monotonic())
                    elif command == "restore":
                        state["cut"] = False
                    elif command == "quit":
                        answer("bye")
                        return 0
                    elif command != "stats":
                        answer("error", message=f"unknown command {command!r}")
                        continue
                    answer(command, cut=state["cut"], cuts=state["cuts"], scheduling=scheduling, **{d.name: dict(d.counts) for d in (up, down)})
                continue
            while True:  # drain the device: each read is one IP packet
                try:
                    packet = os.read(key.fd, MAX_PACKET)
                except BlockingIOError:
                    break
                direction.offer(packet, time.monotonic(), state["cut"])
        now = time.monotonic()
        up.deliver_due(now)
        down.deliver_due(now)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kiosk-ns", required=True)
    parser.add_argument("--kiosk-dev", required=True)
    parser.add_argument("--portal-ns", required=True)
    parser.add_argument("--portal-dev", required=True)
    parser.add_argument("--rate-bps", type=float, required=True, help="bits per second each way (IP bytes)")
    parser.add_argument("--delay-ms", type=float, required=True, help="one-way delay")
    parser.add_argument("--loss-up", type=float, default=0.0, help="probability a kiosk→portal packet is lost")
    parser.add_argument("--loss-down", type=float, default=0.0, help="probability a portal→kiosk packet is lost")
    parser.add_argument("--queue-s", type=float, default=1.0, help="most backlog (seconds at the link rate) before drop-tail")
    parser.add_argument("--seed", type=int, default=1)
    return serve(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
