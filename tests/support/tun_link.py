"""Two network namespaces joined by the user-space link emulator (tests/support/link_emulator.py), and its self-check.

    [kiosk ns] tk… 10.201.0.2 ⇄ link_emulator.py ⇄ tp… 10.201.0.1 [portal ns]

`TunLink(LinkSpec(...))` makes both namespaces, starts the emulator (which creates one TUN device in each),
gives the devices point-to-point addresses, and sets the TCP congestion control on each route (a namespace
otherwise inherits the host's default, bbr here, which shrugs off random loss and would flatter a figure).
`self_check()` proves the link is what it claims before anyone measures over it:
- an idle ping's median round trip within 5% of the set one (2 × delay);
- a bare bulk TCP transfer kiosk → portal at 0.9–1.0x of the set rate;
- the loss measured over ≥ 2,000 packets inside the 99% binomial interval of the set probability;
- nothing crosses while the link is cut, and pings cross again once it is restored.
It needs root (namespaces, TUN devices); `missing_prerequisite()` says why it cannot run, so a test can skip
saying so. Names carry the pid, so a run killed with SIGKILL is swept by the next (sweep_stale_namespaces).
"""

from __future__ import annotations

import json
import math
import os
import queue
import re
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from link_emulator import in_namespace

EMULATOR = Path(__file__).with_name("link_emulator.py")
NS_PREFIX = "mck-tun"
KIOSK_ADDR, PORTAL_ADDR = "10.201.0.2", "10.201.0.1"
CONGESTION_CONTROL = "cubic"  # Windows 10/11 and Ubuntu default
COMMAND_TIMEOUT = 15.0
READY_TIMEOUT = 20.0


@dataclass(frozen=True)
class LinkSpec:
    """What the link is set to. Loss is per direction; `queue_s` is the most backlog before drop-tail."""

    rate_bps: float
    delay_ms: float  # one way
    loss_up: float = 0.0  # kiosk → portal, where the dossier bytes go
    loss_down: float = 0.0
    queue_s: float = 1.0
    seed: int = 1

    @property
    def rtt_s(self) -> float:
        return 2 * self.delay_ms / 1000

    @property
    def bytes_per_s(self) -> float:
        return self.rate_bps / 8

    def describe(self) -> str:
        loss = f"{self.loss_up:.0%} kiosk→portal" + (f", {self.loss_down:.0%} portal→kiosk" if self.loss_down else "")
        return f"{self.rate_bps / 1000:g} kbit/s, {self.rtt_s * 1000:g} ms round trip, {loss} loss, queue {self.queue_s:g} s"


def missing_prerequisite() -> str | None:
    """Why the emulated link cannot be built here, or None."""
    if not sys.platform.startswith("linux"):
        return "the TUN link emulator needs Linux"
    if os.geteuid() != 0:
        return "not root: network namespaces and TUN devices need CAP_NET_ADMIN"
    if shutil.which("ip") is None:
        return "`ip` not found (Debian iproute2)"
    if not os.path.exists("/dev/net/tun"):
        return "no /dev/net/tun in this kernel or container"
    return None


def run_cmd(cmd: list[str], *, check: bool = True) -> subprocess.CompletedProcess:
    """One `ip`/`sysctl` command, bounded in time; a failure raises with its stderr."""
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, stdin=subprocess.DEVNULL)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {(result.stderr or result.stdout).strip() or f'exit {result.returncode}'}")
    return result


def sweep_stale_namespaces() -> list[str]:
    """Delete namespaces left by a run that was killed (its pid is gone)."""
    removed = []
    for line in run_cmd(["ip", "netns", "list"], check=False).stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        match = re.fullmatch(rf"{NS_PREFIX}-(\d+)-.+", name)
        if match and not Path(f"/proc/{match.group(1)}").exists():
            run_cmd(["ip", "netns", "del", name], check=False)
            removed.append(name)
    return removed


_SEQUENCE = iter(range(1, 1_000_000))


@dataclass
class TunLink:
    """The two namespaces and the emulator between them; `close()` removes all of it and never raises."""

    spec: LinkSpec
    congestion_control_wanted: str = CONGESTION_CONTROL
    emulate: LinkSpec | None = None  # tests only: run the emulator with other settings than `spec` claims
    pid: int = field(default_factory=os.getpid)
    seq: int = field(default_factory=lambda: next(_SEQUENCE))
    created: list[str] = field(default_factory=list)
    emulator: subprocess.Popen | None = None
    scheduling: str = ""
    cut_active: bool = False

    kiosk_addr = KIOSK_ADDR
    portal_addr = PORTAL_ADDR

    @property
    def kiosk_ns(self) -> str:
        return f"{NS_PREFIX}-{self.pid}-{self.seq}-kiosk"

    @property
    def portal_ns(self) -> str:
        return f"{NS_PREFIX}-{self.pid}-{self.seq}-portal"

    @property
    def kiosk_dev(self) -> str:
        return f"tk{self.pid}x{self.seq}"[:15]

    @property
    def portal_dev(self) -> str:
        return f"tp{self.pid}x{self.seq}"[:15]

    def __enter__(self) -> "TunLink":
        try:
            self.build()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def build(self) -> None:
        sweep_stale_namespaces()
        for ns in (self.kiosk_ns, self.portal_ns):
            run_cmd(["ip", "netns", "add", ns])
            self.created.append(ns)
            run_cmd(["ip", "-n", ns, "link", "set", "lo", "up"])
            for key in ("all", "default"):  # no router solicitations or MLD reports on the link
                run_cmd(["ip", "netns", "exec", ns, "sysctl", "-q", "-w", f"net.ipv6.conf.{key}.disable_ipv6=1"], check=False)
        s = self.emulate or self.spec
        self.emulator = subprocess.Popen(
            [sys.executable, str(EMULATOR), "--kiosk-ns", self.kiosk_ns, "--kiosk-dev", self.kiosk_dev, "--portal-ns", self.portal_ns,
             "--portal-dev", self.portal_dev, "--rate-bps", str(s.rate_bps), "--delay-ms", str(s.delay_ms), "--loss-up", str(s.loss_up),
             "--loss-down", str(s.loss_down), "--queue-s", str(s.queue_s), "--seed", str(s.seed)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1,
        )
        self._answers: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=self._pump, name="link-emulator-stdout", daemon=True).start()
        ready = self._next_answer(READY_TIMEOUT)
        if ready.get("event") != "ready":
            raise RuntimeError(f"the link emulator did not start: {ready}")
        self.scheduling = str(ready.get("scheduling", ""))
        for ns, dev, local, peer in ((self.kiosk_ns, self.kiosk_dev, KIOSK_ADDR, PORTAL_ADDR), (self.portal_ns, self.portal_dev, PORTAL_ADDR, KIOSK_ADDR)):
            run_cmd(["ip", "-n", ns, "addr", "add", local, "peer", f"{peer}/32", "dev", dev])
            run_cmd(["ip", "-n", ns, "link", "set", dev, "up"])
            route = ["ip", "-n", ns, "route", "replace", f"{peer}/32", "dev", dev, "src", local]
            if run_cmd([*route, "congctl", self.congestion_control_wanted], check=False).returncode != 0:
                run_cmd(route)  # an old iproute2: the namespace's default; congestion_control() tells which

    def _pump(self) -> None:
        assert self.emulator is not None and self.emulator.stdout is not None
        for line in self.emulator.stdout:
            try:
                self._answers.put(json.loads(line))
            except ValueError:
                self._answers.put({"event": "text", "line": line.strip()})
        self._answers.put(None)

    def _next_answer(self, timeout: float) -> dict[str, Any]:
        try:
            answer = self._answers.get(timeout=timeout)
        except queue.Empty:
            raise RuntimeError(f"the link emulator did not answer within {timeout:.0f} s") from None
        if answer is None:
            self._answers.put(None)
            stderr = self.emulator.stderr.read() if self.emulator and self.emulator.stderr else ""
            raise RuntimeError(f"the link emulator exited ({self.emulator.poll() if self.emulator else '?'}): {stderr.strip()[-2000:]}")
        return answer

    def command(self, name: str) -> dict[str, Any]:
        """Send `cut`, `restore` or `stats`; returns the emulator's answer (its counters)."""
        assert self.emulator is not None and self.emulator.stdin is not None
        self.emulator.stdin.write(name + "\n")
        self.emulator.stdin.flush()
        while True:
            answer = self._next_answer(COMMAND_TIMEOUT)
            if answer.get("event") == name:
                return answer
            if answer.get("event") == "error":
                raise RuntimeError(answer.get("message"))

    def cut(self) -> None:
        self.command("cut")
        self.cut_active = True

    def restore(self) -> None:
        self.command("restore")
        self.cut_active = False

    def stats(self) -> dict[str, Any]:
        return self.command("stats")

    def counters(self) -> dict[str, int]:
        """Bytes the kiosk put on its device (headers and retransmissions included) and the emulator's drops."""
        link = json.loads(run_cmd(["ip", "-n", self.kiosk_ns, "-s", "-j", "link", "show", "dev", self.kiosk_dev]).stdout)[0]["stats64"]
        stats = self.stats()
        up, down = stats["kiosk_to_portal"], stats["portal_to_kiosk"]
        return {
            "kiosk_tx_bytes": int(link["tx"]["bytes"]), "kiosk_tx_packets": int(link["tx"]["packets"]), "kiosk_rx_bytes": int(link["rx"]["bytes"]),
            "uplink_packets": up["packets_in"], "uplink_drops": up["lost"] + up["queue_dropped"] + up["cut_dropped"],
            "downlink_packets": down["packets_in"], "downlink_drops": down["lost"] + down["queue_dropped"] + down["cut_dropped"],
        }

    def congestion_control(self) -> str:
        """The TCP congestion control of the kiosk's route to the portal (or the namespace default)."""
        route = run_cmd(["ip", "-n", self.kiosk_ns, "route", "show", f"{PORTAL_ADDR}/32"], check=False).stdout
        match = re.search(r"congctl (?:lock )?(\S+)", route)
        if match:
            return match.group(1)
        return run_cmd(["ip", "netns", "exec", self.kiosk_ns, "sysctl", "-n", "net.ipv4.tcp_congestion_control"], check=False).stdout.strip()

    def socket(self, side: str, kind: int, proto: int = 0) -> socket.socket:
        """A socket opened in the kiosk's or the portal's namespace (`side`), used from this process."""
        ns = self.kiosk_ns if side == "kiosk" else self.portal_ns
        return in_namespace(ns, lambda: socket.socket(socket.AF_INET, kind, proto))

    def close(self) -> None:
        if self.emulator is not None:
            try:
                if self.emulator.stdin:
                    self.emulator.stdin.close()  # end of stdin ends it
                self.emulator.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.emulator.kill()
                self.emulator.wait(timeout=5)
            self.emulator = None
        for ns in reversed(self.created):
            run_cmd(["ip", "netns", "del", ns], check=False)
        self.created.clear()

    # --- the self-check -------------------------------------------------------------------------------------

    def self_check(self, *, pings: int = 20, loss_packets: int = 2000, bulk_seconds: float = 8.0) -> dict[str, Any]:
        """Measure the link against its settings (module docstring); `ok` is True only if every check holds."""
        rtt = measure_rtt(self, pings)
        bulk = measure_bulk(self, bulk_seconds)
        loss = measure_loss(self, loss_packets)
        cut = check_cut(self)
        checks = {"rtt": rtt, "bulk_tcp": bulk, "loss": loss, "cut": cut}
        return {"ok": all(c["ok"] for c in checks.values()), "link": self.spec.describe(), "emulator_scheduling": self.scheduling,
                "tcp_congestion_control": self.congestion_control(), **checks}


# --- the measurements ---------------------------------------------------------------------------------------


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def _echo_request(ident: int, seq: int) -> bytes:
    payload = struct.pack("!d", time.monotonic()) + bytes(48)  # 56 bytes, as ping's default
    header = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    return struct.pack("!BBHHH", 8, 0, _checksum(header + payload), ident, seq) + payload


def _ping_round_trips(link: TunLink, count: int, spacing_s: float, wait_s: float) -> list[float]:
    """Send `count` ICMP echo requests kiosk → portal, `spacing_s` apart; the round trips of those answered."""
    sock = link.socket("kiosk", socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ident = os.getpid() & 0xFFFF
    sent: dict[int, float] = {}
    trips: list[float] = []
    try:
        sock.settimeout(0.01)
        deadline = None
        seq = 0
        next_send = time.monotonic()
        while True:
            now = time.monotonic()
            if seq < count and now >= next_send:
                seq += 1
                sent[seq] = time.monotonic()
                sock.sendto(_echo_request(ident, seq), (PORTAL_ADDR, 0))
                next_send += spacing_s
                if seq == count:
                    deadline = time.monotonic() + wait_s
            if deadline is not None and (now > deadline or len(trips) == count):
                break
            try:
                data = sock.recv(2048)
            except (socket.timeout, BlockingIOError):
                continue
            received = time.monotonic()
            ihl = (data[0] & 0x0F) * 4
            kind, _, _, rid, rseq = struct.unpack("!BBHHH", data[ihl:ihl + 8])
            if kind == 0 and rid == ident and rseq in sent:
                trips.append(received - sent.pop(rseq))
    finally:
        sock.close()
    return trips


def measure_rtt(link: TunLink, count: int) -> dict[str, Any]:
    """An idle ping: pings far apart (no queueing), median round trip against 2 × delay, within 5%."""
    trips = _ping_round_trips(link, count, spacing_s=0.1, wait_s=link.spec.rtt_s * 3 + 1.0)
    target = link.spec.rtt_s
    if not trips:
        return {"ok": False, "reason": "no ping came back", "set_ms": target * 1000}
    median = statistics.median(trips)
    return {"ok": abs(median - target) <= 0.05 * target, "set_ms": round(target * 1000, 1), "median_ms": round(median * 1000, 1),
            "min_ms": round(min(trips) * 1000, 1), "max_ms": round(max(trips) * 1000, 1), "answered": len(trips), "sent": count, "bound": "±5%"}


def measure_bulk(link: TunLink, seconds: float) -> dict[str, Any]:
    """A bare bulk TCP transfer kiosk → portal: payload bytes per second at the receiver against the set rate."""
    size = int(link.spec.bytes_per_s * seconds)
    server = link.socket("portal", socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((PORTAL_ADDR, 0))
    server.listen(1)
    port = server.getsockname()[1]
    times: dict[str, float] = {}
    got = [0]

    def receive() -> None:
        server.settimeout(seconds * 6 + 30)
        conn, _ = server.accept()
        conn.settimeout(seconds * 6 + 30)
        first = conn.recv(65536)
        times["first"] = time.monotonic()
        first_size = len(first)
        while True:
            data = conn.recv(65536)
            if not data:
                break
            got[0] += len(data)
            times["last"] = time.monotonic()
        got[0] += first_size
        times["first_size"] = first_size
        conn.close()

    receiver = threading.Thread(target=receive, name="bulk-receiver", daemon=True)
    receiver.start()
    client = link.socket("kiosk", socket.SOCK_STREAM)
    try:
        client.settimeout(seconds * 6 + 30)
        client.connect((PORTAL_ADDR, port))
        client.sendall(os.urandom(size))
        client.shutdown(socket.SHUT_WR)
        receiver.join(seconds * 6 + 30)
    finally:
        client.close()
        server.close()
    if "last" not in times or got[0] < size:
        return {"ok": False, "reason": f"received {got[0]:,} of {size:,} bytes"}
    rate = (got[0] - times["first_size"]) / (times["last"] - times["first"])
    ratio = rate / link.spec.bytes_per_s
    return {"ok": 0.9 <= ratio <= 1.0, "set_bytes_per_s": link.spec.bytes_per_s, "measured_bytes_per_s": round(rate), "ratio": round(ratio, 3),
            "bytes": size, "seconds": round(times["last"] - times["first"], 2), "bound": "0.9–1.0x (TCP payload against the IP rate)"}


def binomial_interval(n: int, p: float, confidence: float = 0.99) -> tuple[int, int]:
    """The central `confidence` interval [lo, hi] of a Binomial(n, p) count, exactly (tails ≤ (1 − c)/2 each)."""
    tail = (1 - confidence) / 2
    if not 0 < p < 1:
        return (0, 0) if p <= 0 else (n, n)
    log_p, log_q = math.log(p), math.log1p(-p)
    pmf = [math.exp(math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) + k * log_p + (n - k) * log_q) for k in range(n + 1)]
    lo, cumulative = 0, 0.0
    while cumulative + pmf[lo] <= tail:
        cumulative += pmf[lo]
        lo += 1
    hi, cumulative = n, 0.0
    while cumulative + pmf[hi] <= tail:
        cumulative += pmf[hi]
        hi -= 1
    return lo, hi


def measure_loss(link: TunLink, packets: int) -> dict[str, Any]:
    """`packets` small UDP datagrams kiosk → portal at half the link rate (no queue drops): lost count in the 99% interval."""
    receiver = link.socket("portal", socket.SOCK_DGRAM)
    receiver.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    receiver.bind((PORTAL_ADDR, 0))
    port = receiver.getsockname()[1]
    sender = link.socket("kiosk", socket.SOCK_DGRAM)
    seen: set[int] = set()
    ip_bytes = 28 + 4
    burst = 10
    interval = burst * ip_bytes * 8 / link.spec.rate_bps * 2  # half the link rate
    before = link.stats()["kiosk_to_portal"]
    try:
        for start in range(0, packets, burst):
            for i in range(start, min(start + burst, packets)):
                sender.sendto(struct.pack("!I", i), (PORTAL_ADDR, port))
            time.sleep(interval)
        receiver.settimeout(link.spec.rtt_s + 1.0)
        try:
            while len(seen) < packets:
                seen.add(struct.unpack("!I", receiver.recv(64)[:4])[0])
        except socket.timeout:
            pass
    finally:
        sender.close()
        receiver.close()
    after = link.stats()["kiosk_to_portal"]
    lost = packets - len(seen)
    lo, hi = binomial_interval(packets, link.spec.loss_up)
    return {"ok": lo <= lost <= hi, "set": link.spec.loss_up, "sent": packets, "lost": lost, "measured": round(lost / packets, 4),
            "interval_99": [lo, hi], "queue_dropped": after["queue_dropped"] - before["queue_dropped"]}


def check_cut(link: TunLink) -> dict[str, Any]:
    """While cut, no ping crosses; after restore, pings cross again."""
    link.cut()
    try:
        during = _ping_round_trips(link, 3, spacing_s=0.05, wait_s=link.spec.rtt_s + 0.3)
    finally:
        link.restore()
    after = _ping_round_trips(link, 3, spacing_s=0.05, wait_s=link.spec.rtt_s * 3 + 1.0)
    return {"ok": not during and bool(after), "answered_while_cut": len(during), "answered_after_restore": len(after)}
