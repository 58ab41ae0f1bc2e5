"""Sync over an emulated rural link (issue 6): goodput against the link's bandwidth, and bytes re-sent after a cut.

The link is Linux `tc netem` (256 kbit/s each way, 150 ms each way = 300 ms round trip, 1% loss) on a
router between two network namespaces, so the real portal and the real kiosk sync engine talk over it:

    [kiosk ns] mk<tag> ──veth── mrk<tag> [router ns] mrp<tag> ──veth── mp<tag> [portal ns]
     10.200.1.2                 10.200.1.1           10.200.2.1          10.200.2.2
                                ↑ netem: portal→kiosk  ↑ netem: kiosk→portal (the dossier bytes)

Why a router namespace rather than netem on the endpoints: a qdisc on the sender's own interface pushes
back on its TCP (a full local queue is reported to the socket, TCP small queues throttle it), which a
real rural link never does; on a router the endpoints see a plain network path that delays and loses.

If netem cannot run here (not root, no `ip`/`tc`, or a kernel without CONFIG_NET_SCH_NETEM), both
figures come out "not run" with the reason: no other qdisc stands in for netem in a reported figure.
`python -m bench.rural --plumbing-check` runs the same machinery over `tbf` (rate only, no delay, no
loss) to prove namespaces, routing, portal, child, cut and byte counting work; it is labelled as such
and is never a rural-link figure. Its diagnostics `--congestion-control NAME` and `--connect-timeout S`
(the client's, replaced) show what the product's outcome depends on; bench_rural() never uses them.

Goodput counts the attachment and body bytes the portal acknowledged during one `run_once(force=True)`
over that pass's wall time; bytes re-sent are the chunk bytes the kiosk handed to its client beyond the
bytes the portal ended up holding (bench/rural_child.py counts them where the engine calls the client).
Each run appends its details to <scratch>/rural-runs.jsonl as it ends.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import REPO, SITE, figure
from sync.wire import CHUNK_SIZE

# --- the link ---------------------------------------------------------------------------------------------

RATE_KBIT = 256
LINK_BYTES_PER_S = RATE_KBIT * 1000 / 8  # 32,000 B/s: the baseline every goodput is divided by
ONE_WAY_DELAY_MS = 150  # each direction: 300 ms round trip
# "1% loss" is read like the "300 ms round trip" next to it, as what a ping across the link reports.
# All of it is put on the kiosk→portal direction, which carries the dossier bytes, rather than 0.5%
# each way: halving the loss on the data path would flatter an upload figure, while ACKs are cumulative,
# so losing a few of them barely slows an upload. 1% on both directions would be ~2% round trip.
UPLINK_LOSS_PCT = 1.0
DOWNLINK_LOSS_PCT = 0.0
# netem's `limit` counts every packet it holds, those waiting out the delay included. A default of 1000
# packets is 47 s of queue at 256 kbit/s, so TCP would fill it and every request would wait tens of
# seconds (far more buffer than a modem's). One second of queue at the link rate on top of the delay line
# (~3 BDPs of 9.6 kB) lets TCP keep the link busy without turning the queue into the bottleneck.
QUEUE_SECONDS = 1.0
FULL_FRAME = 1514  # bytes netem's rate counts for a full-size packet (Ethernet header included)
NETEM_LIMIT = math.ceil(LINK_BYTES_PER_S * (ONE_WAY_DELAY_MS / 1000 + QUEUE_SECONDS) / FULL_FRAME)  # 25
# Windows 10/11 and Ubuntu default. Set per route (`congctl`): a namespace inherits the host's default
# (bbr here, which shrugs off random loss and would flatter the figure), and a non-initial namespace may
# only switch its default to an algorithm in the host's tcp_allowed_congestion_control.
CONGESTION_CONTROL = "cubic"

GOAL_GOODPUT = "≥ 0.85x of bandwidth"
RURAL_LINK = "an emulated rural link (256 kbit/s, 300 ms RTT, 1% loss)"
PLUMBING_LABEL = "PLUMBING CHECK ONLY — tbf, not netem; not a rural-link figure"

# --- what is sent ------------------------------------------------------------------------------------------

GOODPUT_DOSSIERS = 2
GOODPUT_SIZE = 256 * 1024  # one full chunk per dossier: 512 KiB ≈ 16.4 s at the link rate
CUT_SIZE = 640 * 1024  # one dossier, 2.5 chunks: the cut lands in the middle of the second chunk
CUT_SECONDS = 15.0  # a mobile dropout; longer than the client's 5 s connect/send timeout, so it is noticed
CUT_RUNS = 3  # each cut run takes a minute or more (the window's 20 s timer paces the retries)
MAX_GOODPUT_RUNS = 5

# --- timeouts (seconds) ------------------------------------------------------------------------------------

IP_TIMEOUT = 15.0
READY_TIMEOUT = 240.0  # kiosk set-up and enrolment over the link
TRIGGER_TIMEOUT = 150.0  # waiting for the first chunk of the cut run to be acknowledged
CHILD_DEADLINE = 240.0  # the child stops retrying after a cut this long after it started
RESULT_TIMEOUT = CHILD_DEADLINE + 120.0  # its last pass may still be running at the deadline
STOP_TIMEOUT = 10.0

NS_PREFIX = "mck-rural"


# --- running commands ----------------------------------------------------------------------------------


class LinkError(RuntimeError):
    """A command that builds or changes the link failed; the message quotes it and its stderr."""


def run_cmd(cmd: list[str], *, check: bool = True, timeout: float = IP_TIMEOUT) -> subprocess.CompletedProcess:
    """Run one `ip`/`tc`/`sysctl` command with a timeout; raise LinkError with its stderr when `check`."""
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise LinkError(f"{' '.join(cmd)}: no answer within {timeout:.0f} s") from exc
    except OSError as exc:
        raise LinkError(f"{' '.join(cmd)}: {exc}") from exc
    if check and result.returncode != 0:
        raise LinkError(f"{' '.join(cmd)}: {(result.stderr or result.stdout).strip() or f'exit {result.returncode}'}")
    return result


def in_ns(ns: str, *cmd: str) -> list[str]:
    return ["ip", "netns", "exec", ns, *cmd]


# --- can netem run here? -----------------------------------------------------------------------------------


def kernel_netem_config() -> str:
    """What /proc/config.gz says about netem (and modules), for the "not run" reason."""
    try:
        with gzip.open("/proc/config.gz", "rt", encoding="utf-8", errors="replace") as handle:
            config = handle.read()
    except OSError:
        return f"kernel {os.uname().release}: no /proc/config.gz to say whether netem was built"
    netem = re.search(r"^(# )?CONFIG_NET_SCH_NETEM( is not set|=.*)$", config, re.M)
    modules = re.search(r"^(# )?CONFIG_MODULES( is not set|=.*)$", config, re.M)
    if netem is None or netem.group(1):
        return f"kernel {os.uname().release} built without CONFIG_NET_SCH_NETEM (read from /proc/config.gz)"
    if netem.group(2) == "=m" and (modules is None or modules.group(1)):
        return f"kernel {os.uname().release}: netem is a module but CONFIG_MODULES is not set (read from /proc/config.gz)"
    return f"kernel {os.uname().release}: CONFIG_NET_SCH_NETEM{netem.group(2)} (read from /proc/config.gz)"


def missing_prerequisite() -> str | None:
    """Why no namespace can be built at all (not root, no iproute2), or None."""
    if os.geteuid() != 0:
        return "not root: network namespaces and qdiscs need CAP_NET_ADMIN"
    missing = [tool for tool in ("ip", "tc") if shutil.which(tool) is None]
    if missing:
        return f"{' and '.join(missing)} not found (iproute2 is needed)"
    return None


class NoNamespace(LinkError):
    """Not even a throwaway network namespace could be made (e.g. a container without CAP_SYS_ADMIN)."""


def probe_qdisc(*qdisc: str) -> str | None:
    """None when `tc qdisc add dev lo root QDISC…` works in a throwaway namespace, else tc's error.

    Raises NoNamespace when the namespace itself cannot be made: then the qdisc was never tried.
    """
    ns = f"{NS_PREFIX}-{os.getpid()}-probe"
    try:
        try:
            run_cmd(["ip", "netns", "add", ns])
        except LinkError as exc:
            raise NoNamespace(str(exc)) from exc
        result = run_cmd(in_ns(ns, "tc", "qdisc", "add", "dev", "lo", "root", *qdisc), check=False)
        if result.returncode != 0:
            return (result.stderr or result.stdout).strip() or f"tc exited {result.returncode}"
        return None
    finally:
        run_cmd(["ip", "netns", "del", ns], check=False)


def probe_netem() -> str | None:
    """None when netem works here; else the plain reason it cannot run (the figure says "not run")."""
    missing = missing_prerequisite()
    if missing:
        return missing
    try:
        error = probe_qdisc("netem", "delay", "1ms")
    except NoNamespace as exc:
        return f"no network namespace could be made: {exc}"
    if error is None:
        return None
    return f"{error} — {kernel_netem_config()}"


# --- the shaping --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shaping:
    """The root qdisc on each of the router's two egress interfaces."""

    label: str
    link_name: str  # in the figure names
    uplink: tuple[str, ...]  # kiosk → portal (dossier bytes)
    downlink: tuple[str, ...]  # portal → kiosk (answers, ACKs, catalogue)
    is_netem: bool

    @property
    def goodput_name(self) -> str:
        return f"sync over {self.link_name}"

    @property
    def cut_name(self) -> str:
        return f"bytes re-sent after a cut on {self.link_name}"

    def describe(self) -> dict[str, Any]:
        return {"label": self.label, "kiosk_to_portal": "tc qdisc add … root " + " ".join(self.uplink), "portal_to_kiosk": "tc qdisc add … root " + " ".join(self.downlink)}


def _netem_args(loss_pct: float) -> tuple[str, ...]:
    loss = ("loss", f"{loss_pct:g}%") if loss_pct else ()
    return ("netem", "delay", f"{ONE_WAY_DELAY_MS}ms", "rate", f"{RATE_KBIT}kbit", *loss, "limit", str(NETEM_LIMIT))


NETEM = Shaping("netem", RURAL_LINK, _netem_args(UPLINK_LOSS_PCT), _netem_args(DOWNLINK_LOSS_PCT), is_netem=True)
_TBF = ("tbf", "rate", f"{RATE_KBIT}kbit", "burst", "4kb", "latency", "400ms")
TBF_PLUMBING = Shaping("tbf (plumbing check only: rate, no delay, no loss)", "a tbf-shaped 256 kbit/s link (no delay, no loss)", _TBF, _TBF, is_netem=False)


# --- the namespaces -----------------------------------------------------------------------------------------

_SEQUENCE = iter(range(1, 1_000_000))
KIOSK_ADDR, ROUTER_KIOSK_ADDR, ROUTER_PORTAL_ADDR, PORTAL_ADDR = "10.200.1.2", "10.200.1.1", "10.200.2.1", "10.200.2.2"


def sweep_stale_namespaces() -> list[str]:
    """Delete namespaces left by a run of this module that was SIGKILLed (its pid is gone); returns their names."""
    result = run_cmd(["ip", "netns", "list"], check=False)
    removed = []
    for line in result.stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        match = re.fullmatch(rf"{NS_PREFIX}-(\d+)-.+", name)
        if match and int(match.group(1)) != os.getpid() and not Path(f"/proc/{match.group(1)}").exists():
            run_cmd(["ip", "netns", "del", name], check=False)
            removed.append(name)
    return removed


@dataclass
class RuralLink:
    """Three namespaces, two veth pairs, forwarding and the qdiscs; `close()` deletes all of it.

    Names carry this process's pid and a sequence number, so parallel runs never collide and a run
    that was SIGKILLed can be recognised (sweep_stale_namespaces).
    """

    shaping: Shaping
    congestion_control_wanted: str = CONGESTION_CONTROL
    pid: int = field(default_factory=os.getpid)
    seq: int = field(default_factory=lambda: next(_SEQUENCE))
    created: list[str] = field(default_factory=list)
    cut_active: bool = False

    def _ns(self, role: str) -> str:
        return f"{NS_PREFIX}-{self.pid}-{self.seq}-{role}"

    def _if(self, role: str) -> str:
        return f"{role}{self.pid}x{self.seq}"[:15]  # IFNAMSIZ

    @property
    def kiosk_ns(self) -> str:
        return self._ns("kiosk")

    @property
    def router_ns(self) -> str:
        return self._ns("router")

    @property
    def portal_ns(self) -> str:
        return self._ns("portal")

    @property
    def kiosk_if(self) -> str:
        return self._if("mk")

    @property
    def router_kiosk_if(self) -> str:
        return self._if("mrk")

    @property
    def router_portal_if(self) -> str:
        return self._if("mrp")

    @property
    def portal_if(self) -> str:
        return self._if("mp")

    def __enter__(self) -> "RuralLink":
        try:
            self.build()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def build(self) -> None:
        for ns in (self.kiosk_ns, self.router_ns, self.portal_ns):
            run_cmd(["ip", "netns", "add", ns])
            self.created.append(ns)
            run_cmd(["ip", "-n", ns, "link", "set", "lo", "up"])
            run_cmd(in_ns(ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"), check=False)  # no RS/DAD noise in the counters
        # One MSS per packet: with TSO/GSO a 64 kB super-packet would be a single "packet" to netem's loss.
        gso = ("gso_max_size", str(FULL_FRAME), "gso_max_segs", "1")
        run_cmd(["ip", "link", "add", self.kiosk_if, "netns", self.kiosk_ns, *gso, "type", "veth", "peer", "name", self.router_kiosk_if, "netns", self.router_ns, *gso])
        run_cmd(["ip", "link", "add", self.portal_if, "netns", self.portal_ns, *gso, "type", "veth", "peer", "name", self.router_portal_if, "netns", self.router_ns, *gso])
        for ns, dev, cidr in (
            (self.kiosk_ns, self.kiosk_if, f"{KIOSK_ADDR}/24"),
            (self.router_ns, self.router_kiosk_if, f"{ROUTER_KIOSK_ADDR}/24"),
            (self.router_ns, self.router_portal_if, f"{ROUTER_PORTAL_ADDR}/24"),
            (self.portal_ns, self.portal_if, f"{PORTAL_ADDR}/24"),
        ):
            run_cmd(["ip", "-n", ns, "addr", "add", cidr, "dev", dev])
            run_cmd(["ip", "-n", ns, "link", "set", dev, "up"])
        for ns, gateway in ((self.kiosk_ns, ROUTER_KIOSK_ADDR), (self.portal_ns, ROUTER_PORTAL_ADDR)):
            route = ["ip", "-n", ns, "route", "add", "default", "via", gateway]
            if run_cmd([*route, "congctl", self.congestion_control_wanted], check=False).returncode != 0:
                run_cmd(route)  # an old kernel or iproute2: the namespace's default; congestion_control() tells which
        run_cmd(in_ns(self.router_ns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1"))
        run_cmd(in_ns(self.router_ns, "tc", "qdisc", "add", "dev", self.router_portal_if, "root", *self.shaping.uplink))
        run_cmd(in_ns(self.router_ns, "tc", "qdisc", "add", "dev", self.router_kiosk_if, "root", *self.shaping.downlink))

    def close(self) -> None:
        """Delete the namespaces (their veths go with them); never raises, so it is safe in `finally`."""
        for ns in reversed(self.created):
            run_cmd(["ip", "netns", "del", ns], check=False)
        self.created.clear()

    # --- the cut: a silent blackhole in the router, whatever the qdisc ---------------------------------

    def cut(self) -> None:
        """Drop every forwarded packet silently, both ways, like a rural uplink losing its signal.

        Blackhole host routes in the router: forwarded packets that hit one are discarded without an
        ICMP answer, so the endpoints see silence (no local error) and only their timeouts notice. The
        endpoints' own interfaces stay up, as a kiosk's LAN cable does when the 3G link drops.
        """
        for addr in (PORTAL_ADDR, KIOSK_ADDR):
            run_cmd(["ip", "-n", self.router_ns, "route", "add", "blackhole", f"{addr}/32"])
        self.cut_active = True

    def restore(self) -> None:
        for addr in (PORTAL_ADDR, KIOSK_ADDR):
            run_cmd(["ip", "-n", self.router_ns, "route", "del", "blackhole", f"{addr}/32"], check=False)
        self.cut_active = False

    # --- counters -----------------------------------------------------------------------------------

    def counters(self) -> dict[str, int]:
        """Bytes the kiosk put on its wire (TCP/IP headers and retransmissions included) and the router's qdisc drops."""
        link = json.loads(run_cmd(["ip", "-n", self.kiosk_ns, "-s", "-j", "link", "show", "dev", self.kiosk_if]).stdout)[0]["stats64"]
        out = {"kiosk_tx_bytes": int(link["tx"]["bytes"]), "kiosk_tx_packets": int(link["tx"]["packets"]), "kiosk_rx_bytes": int(link["rx"]["bytes"])}
        for name, dev in (("uplink", self.router_portal_if), ("downlink", self.router_kiosk_if)):
            qdisc = json.loads(run_cmd(in_ns(self.router_ns, "tc", "-s", "-j", "qdisc", "show", "dev", dev)).stdout)[0]
            out[f"{name}_packets"] = int(qdisc.get("packets", 0))
            out[f"{name}_drops"] = int(qdisc.get("drops", 0))
        return out

    def congestion_control(self) -> str:
        """The TCP congestion control the kiosk's connections to the portal use (its route's, else the netns default)."""
        route = run_cmd(["ip", "-n", self.kiosk_ns, "route", "show", "default"], check=False).stdout
        match = re.search(r"congctl (?:lock )?(\S+)", route)
        if match:
            return match.group(1)
        return run_cmd(in_ns(self.kiosk_ns, "sysctl", "-n", "net.ipv4.tcp_congestion_control"), check=False).stdout.strip()


def _delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {key: after[key] - before.get(key, 0) for key in after}


# --- the portal, in its namespace ---------------------------------------------------------------------------


@contextmanager
def portal_in_namespace(ns: str, root: Path, host: str = PORTAL_ADDR) -> Iterator[Any]:
    """The real `kiosk-portal serve` inside `ns`, bound to `host`: tests/portal_server.py's start_portal behind
    `ip netns exec` (which execs, so the pid is the portal's own), with the same ready signal (the URL line)."""
    from portal_server import start_portal

    with start_portal(root, host=host, command_prefix=in_ns(ns), db_url=f"sqlite:///{(root / 'portal.db').as_posix()}") as portal:
        yield portal


# --- the kiosk, in its namespace ----------------------------------------------------------------------------


class Child:
    """bench/rural_child.py in the kiosk namespace; its stdout is a stream of JSON events."""

    def __init__(
        self, link: Any, root: Path, portal_url: str, code: str, kiosk_number: int, *, dossiers: int, size: int, seed: int, mode: str,
        connect_timeout: float | None = None, deadline: float = CHILD_DEADLINE,
    ) -> None:
        from portal_server import _env

        root.mkdir(parents=True, exist_ok=True)
        self.log_path = root / "child.log"
        self.events: list[dict[str, Any]] = []
        self._queue: queue.Queue[dict[str, Any] | None] = queue.Queue()
        args = [
            "--root", str(root), "--portal-url", portal_url, "--kiosk-number", str(kiosk_number),
            "--dossiers", str(dossiers), "--size", str(size), "--seed", str(seed), "--mode", mode, "--deadline", str(deadline),
        ] + (["--connect-timeout", str(connect_timeout)] if connect_timeout is not None else [])
        with open(self.log_path, "ab") as log_file:
            self.process = subprocess.Popen(
                in_ns(link.kiosk_ns, sys.executable, "-m", "bench.rural_child", *args),
                cwd=REPO, env=_env({"QT_QPA_PLATFORM": "offscreen", "RURAL_ENROLMENT_CODE": code}), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log_file,
            )
        threading.Thread(target=self._pump, name="rural-child-stdout", daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            text = raw.decode("utf-8", "replace").strip()
            try:
                event = json.loads(text)
            except ValueError:
                event = {"event": "text", "line": text}
            self._queue.put(event if isinstance(event, dict) else {"event": "text", "line": text})
        self._queue.put(None)

    def next_event(self, timeout: float) -> dict[str, Any] | None:
        """The next event, or None at a timeout; raises when the child ended without a result."""
        try:
            event = self._queue.get(timeout=max(0.0, timeout))
        except queue.Empty:
            return None
        if event is None:
            self._queue.put(None)  # stay at end-of-stream for later calls
            raise RuntimeError(f"kiosk child exited ({self.process.wait(timeout=STOP_TIMEOUT)}) without a result:\n{self.log_tail()}")
        self.events.append(event)
        return event

    def wait_for(self, name: str, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            event = self.next_event(deadline - time.monotonic())
            if event is None:
                raise TimeoutError(f"kiosk child sent no {name!r} within {timeout:.0f} s:\n{self.log_tail()}")
            if event.get("event") == name:
                return event

    def go(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(b"go\n")
        self.process.stdin.flush()

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        """End the child (it is ours: we started it and hold its pid)."""
        if self.process.stdin is not None:
            try:
                self.process.stdin.close()
            except OSError:
                pass
        if self.process.poll() is None:
            try:
                self.process.wait(timeout=2.0)  # after its result it exits by itself
            except subprocess.TimeoutExpired:
                self.process.terminate()
                try:
                    self.process.wait(timeout=STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(timeout=STOP_TIMEOUT)


@contextmanager
def kiosk_child(link: Any, portal: Any, root: Path, kiosk_number: int, **kwargs: Any) -> Iterator[Child]:
    code = portal.enrolment_code(SITE["unit_id"], kiosk_number)
    child = Child(link, root, portal.url, code, kiosk_number, **kwargs)
    try:
        yield child
    finally:
        child.stop()


# --- one run of each kind -----------------------------------------------------------------------------------


def goodput_run(
    link: Any, portal: Any, root: Path, kiosk_number: int, *, dossiers: int = GOODPUT_DOSSIERS, size: int = GOODPUT_SIZE, **child_options: Any
) -> dict[str, Any]:
    """One kiosk, `dossiers` dossiers of one `size`-byte scan each waiting, one `run_once(force=True)` over the link."""
    with kiosk_child(link, portal, root, kiosk_number, dossiers=dossiers, size=size, seed=kiosk_number, mode="goodput", **child_options) as child:
        child.wait_for("ready", READY_TIMEOUT)
        before = link.counters()
        child.go()
        result = child.wait_for("result", RESULT_TIMEOUT)
        wire = _delta(before, link.counters())
    counters = result["counters"]
    seconds = result["passes"][0]["seconds"]
    delivered_bytes = counters["complete_bytes"] + counters["body_bytes"]
    return {
        "kiosk_number": kiosk_number,
        "seconds": seconds,
        "delivered": result["delivered"],
        "dossiers": result["dossiers"],
        "delivered_bytes": delivered_bytes,
        "goodput": delivered_bytes / seconds if seconds > 0 else 0.0,
        "message": result["passes"][0]["message"],
        "chunk_failures": counters["chunk_failures"],
        "first_error": next((c["error"] for c in counters["chunks"] if c.get("error")), None),
        "chunks": counters["chunks"],
        "time_by_request": counters["by_kind"],
        "wire": wire,
    }


def cut_run(link: RuralLink, portal: Any, root: Path, kiosk_number: int, **child_options: Any) -> dict[str, Any]:
    """One upload of CUT_SIZE bytes with the link cut for CUT_SECONDS in the middle of its second chunk."""
    half_chunk_s = CHUNK_SIZE / 2 / LINK_BYTES_PER_S
    timing: dict[str, float] = {}
    with kiosk_child(link, portal, root, kiosk_number, dossiers=1, size=CUT_SIZE, seed=100 + kiosk_number, mode="cut", **child_options) as child:
        child.wait_for("ready", READY_TIMEOUT)
        before = link.counters()
        child.go()
        started = time.monotonic()
        trigger = _wait_first_chunk(child, CHUNK_SIZE)
        if trigger is None:  # the child is stopped on leaving the `with`
            note = f"no chunk was acknowledged within {TRIGGER_TIMEOUT:.0f} s, so the link was not cut"
            return {"kiosk_number": kiosk_number, "cut": False, "note": note, "events": child.events[-5:], "log": child.log_tail(1500)}
        if trigger.get("event") == "result":
            result, note = trigger, "the upload ended before the cut"
        else:
            time.sleep(half_chunk_s)  # into the middle of the second chunk, at the link rate
            timing["cut_at_s"] = time.monotonic() - started
            link.cut()
            try:
                time.sleep(CUT_SECONDS)
            finally:
                link.restore()
            timing["restored_at_s"] = time.monotonic() - started
            result, note = child.wait_for("result", RESULT_TIMEOUT), None
        wire = _delta(before, link.counters())
    counters = result["counters"]
    during_cut = _failed_bytes(counters["chunks"], timing.get("cut_at_s"), timing.get("restored_at_s"), inside=True)
    out: dict[str, Any] = {
        "kiosk_number": kiosk_number,
        "cut": note is None,
        "note": note,
        "delivered": result["delivered"] == result["dossiers"],
        "offered_chunk_bytes": counters["offered_chunk_bytes"],
        "unique_chunk_bytes": counters["unique_chunk_bytes"],
        "resent_bytes": counters["resent_chunk_bytes"],
        "resent_by_attempts_cut_short": during_cut,  # chunk attempts that failed while the link was cut
        "resent_other": counters["resent_chunk_bytes"] - during_cut,  # attempts that failed with the link up, 409 repeats
        "chunk_failures": counters["chunk_failures"],
        "passes": len(result["passes"]),
        "seconds": result["seconds"],
        "chunks": counters["chunks"],
        "wire": wire,
        "wire_bytes_over_payload": wire["kiosk_tx_bytes"] - counters["unique_chunk_bytes"] - counters["body_bytes"],
        **{k: round(v, 2) for k, v in timing.items()},
    }
    if "restored_at_s" in timing:
        out["recovery_s"] = round(result["seconds"] - timing["restored_at_s"], 2)  # link back → everything delivered
    return out


def _failed_bytes(chunks: list[dict[str, Any]], start: float | None, end: float | None, *, inside: bool) -> int:
    """Bytes of failed chunk attempts whose time overlaps the cut [start, end] (child and parent clocks start together at `go`)."""
    if start is None or end is None:
        return 0 if inside else sum(c["bytes"] for c in chunks if c.get("error"))
    total = 0
    for c in chunks:
        if c.get("error"):
            overlaps = c["at"] <= end and c["at"] + c["seconds"] >= start
            total += c["bytes"] if overlaps == inside else 0
    return total


def _wait_first_chunk(child: Child, chunk_size: int) -> dict[str, Any] | None:
    """The progress event saying a first chunk is held and more is to come (or the result, if it came first)."""
    deadline = time.monotonic() + TRIGGER_TIMEOUT
    while True:
        event = child.next_event(deadline - time.monotonic())
        if event is None:
            return None
        if event.get("event") == "result":
            return event
        if event.get("event") == "progress" and chunk_size <= event["sent"] < event["total"]:
            return event


# --- figures ------------------------------------------------------------------------------------------------


def not_run(reason: str, status: str = "not run") -> list[dict[str, Any]]:
    return [
        {"name": NETEM.goodput_name, "status": status, "reason": reason, "goal": GOAL_GOODPUT},
        {"name": NETEM.cut_name, "status": status, "reason": reason, "goal": _cut_goal()},
    ]


def _cut_goal() -> str:
    return f"≤ 1 chunk ({CHUNK_SIZE:,} B) re-sent per cut"


def _link_description(link: RuralLink) -> dict[str, Any]:
    return {
        **link.shaping.describe(),
        "where": "on the router namespace's two egress interfaces (kiosk ns ↔ router ns ↔ portal ns)",
        "loss": f"{UPLINK_LOSS_PCT:g}% kiosk→portal, {DOWNLINK_LOSS_PCT:g}% portal→kiosk (≈1% round trip, all on the data path)" if link.shaping.is_netem else "none",
        "queue_limit_packets": NETEM_LIMIT if link.shaping.is_netem else None,
        "tcp_congestion_control": link.congestion_control(),
        "offloads": "gso_max_segs 1 on every veth (one MSS per packet)",
        "cut": f"blackhole routes in the router both ways for {CUT_SECONDS:g} s (silent drop), from mid second chunk",
        "tls": "none (the reference portal serves HTTP; a real HTTPS portal adds handshake round trips)",
    }


def goodput_figure(runs: list[dict[str, Any]], link: RuralLink, prefix: str = "") -> dict[str, Any]:
    product = [r["goodput"] for r in runs]
    result = figure(prefix + link.shaping.goodput_name, product, [LINK_BYTES_PER_S] * len(product), unit="B/s", goal=GOAL_GOODPUT, higher_is_better=True)
    failed = [r for r in runs if r["delivered"] < r["dossiers"]]
    result["status"] = "measured" if not failed else f"product failed: {len(failed)} of {len(runs)} runs did not deliver every dossier in one pass"
    if failed:
        result["reason"] = failed[0]["first_error"] or failed[0]["message"]
    if len(runs) < 5:
        nominal = GOODPUT_DOSSIERS * GOODPUT_SIZE / LINK_BYTES_PER_S
        measured = statistics.median(r["seconds"] for r in runs)
        result["runs_note"] = f"runs fewer than 5 because each takes at least {nominal:.0f} s at the link rate (median run {measured:.0f} s)"
    result["sent"] = f"{GOODPUT_DOSSIERS} dossiers × {GOODPUT_SIZE // 1024} KiB scan each, one run_once(force=True) per run"
    clean = [r["goodput"] for r in runs if r["delivered"] == r["dossiers"]]
    if failed and clean:  # what the link allows when no chunk times out: tells the engine's cost from the failures'
        result["median_of_runs_that_delivered_all"] = statistics.median(clean)
    result["chunk_attempts"] = _chunk_tally(runs)
    result["link"] = _link_description(link)
    result["per_run"] = [_compact(r) for r in runs]
    return result


def cut_figure(runs: list[dict[str, Any]], link: RuralLink, prefix: str = "") -> dict[str, Any]:
    cuts = [r for r in runs if r["cut"]]
    if not cuts:
        return {"name": prefix + link.shaping.cut_name, "status": "failed", "reason": runs[0]["note"] if runs else "no run", "goal": _cut_goal(), "per_run": runs}
    product = [float(r["resent_bytes"]) for r in cuts]
    result = figure(prefix + link.shaping.cut_name, product, [float(CHUNK_SIZE)] * len(product), unit="B", goal=_cut_goal(), higher_is_better=False)
    undelivered = [r for r in cuts if not r["delivered"]]
    result["status"] = "measured" if not undelivered else f"product failed: {len(undelivered)} of {len(cuts)} uploads not delivered after the cut"
    result["resent_by_attempts_cut_short_median"] = statistics.median(r["resent_by_attempts_cut_short"] for r in cuts)
    result["resent_other_median"] = statistics.median(r["resent_other"] for r in cuts)
    result["chunk_attempts"] = _chunk_tally(cuts)
    result["baseline_is"] = "one chunk (sync/wire.py CHUNK_SIZE): what a resumable upload may re-send per cut"
    result["runs_note"] = f"{len(cuts)} cuts (fewer than 5 because each run takes {statistics.median(r['seconds'] for r in cuts):.0f} s)"
    result["sent"] = (
        f"1 dossier × {CUT_SIZE // 1024} KiB scan, run_once(force=True); link cut {CUT_SECONDS:g} s from the middle of the second chunk; "
        "then run_once(force=False) on the kiosk window's timer (ui/window/sync_controller.py AUTO_INTERVAL_MS) until delivered"
    )
    result["link"] = _link_description(link)
    result["per_run"] = [_compact(r) for r in runs]
    return result


def _chunk_tally(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """How many chunk PUTs were tried, how many failed, and why (the first words of each error)."""
    chunks = [c for r in runs for c in r.get("chunks", [])]
    errors: dict[str, int] = {}
    for c in chunks:
        if c.get("error"):
            errors[c["error"]] = errors.get(c["error"], 0) + 1
    failed = [c["seconds"] for c in chunks if c.get("error")]
    ok = [c["seconds"] for c in chunks if not c.get("error") and c["bytes"] >= CHUNK_SIZE]
    return {
        "tried": len(chunks),
        "failed": len(failed),
        "errors": errors,
        "median_seconds_to_fail": statistics.median(failed) if failed else None,
        "median_seconds_full_chunk_ok": statistics.median(ok) if ok else None,
    }


def _compact(run: dict[str, Any]) -> dict[str, Any]:
    """A run without its bulky per-request lists, for the JSON report (chunks keep their timings)."""
    return {k: v for k, v in run.items() if k not in ("log", "events")}


# --- entry points -------------------------------------------------------------------------------------------


def measure(
    scratch: Path, runs: int, shaping: Shaping, prefix: str = "", *, congestion_control: str = CONGESTION_CONTROL, connect_timeout: float | None = None
) -> list[dict[str, Any]]:
    """Both figures over `shaping`; the link and portals are torn down whatever happens.

    `congestion_control` and `connect_timeout` other than the defaults are diagnostics of the plumbing
    check; bench_rural() never passes them.
    """
    sweep_stale_namespaces()
    goodput_runs = max(3, min(runs, MAX_GOODPUT_RUNS))
    options = {"connect_timeout": connect_timeout} if connect_timeout is not None else {}
    with RuralLink(shaping, congestion_control) as link:
        with portal_in_namespace(link.portal_ns, scratch / "rural-portal-goodput") as portal:
            goodput = [_logged(scratch, goodput_run(link, portal, scratch / f"rural-goodput-{i}", i + 1, **options)) for i in range(goodput_runs)]
        with portal_in_namespace(link.portal_ns, scratch / "rural-portal-cut") as portal:
            cuts: list[dict[str, Any]] = []
            for i in range(CUT_RUNS):
                cuts.append(_logged(scratch, cut_run(link, portal, scratch / f"rural-cut-{i}", i + 1, **options)))
                if not cuts[-1]["cut"] and cuts[-1]["note"].startswith("no chunk"):
                    break  # the product cannot get a chunk through this link: more runs would only say so again
        figures = [goodput_figure(goodput, link, prefix), cut_figure(cuts, link, prefix)]
    if connect_timeout is not None:
        for fig in figures:
            fig["diagnostic_override"] = f"client connect timeout {connect_timeout:g} s instead of the product's (not the product as shipped)"
    return figures


def _logged(scratch: Path, run: dict[str, Any]) -> dict[str, Any]:
    """Append each run to <scratch>/rural-runs.jsonl as it ends, so an interrupted benchmark still leaves its data."""
    with open(scratch / "rural-runs.jsonl", "a", encoding="utf-8") as handle:
        handle.write(json.dumps(run, ensure_ascii=False, default=str) + "\n")
    return run


def bench_rural(scratch: Path, runs: int) -> list[dict[str, Any]]:
    """The rural figures: over the user-space TUN emulator (bench/rural_tun.py, every kernel with TUN devices),
    and over tc netem as well where the kernel has it (never over another qdisc)."""
    from bench.rural_tun import bench_rural_tun

    figures = bench_rural_tun(scratch, runs)
    reason = probe_netem()
    if reason is not None:
        for fig in figures[:1]:
            fig.setdefault("details", []).append(f"tc netem not run here ({reason}); these figures are over the TUN emulator")
        return figures
    try:
        return figures + measure(scratch, runs, NETEM)
    except (LinkError, RuntimeError, TimeoutError, OSError, KeyError, ValueError) as exc:
        return figures + not_run(f"{type(exc).__name__}: {exc}", status="failed")


def plumbing_check(scratch: Path, runs: int = 3, *, congestion_control: str = CONGESTION_CONTROL, connect_timeout: float | None = None) -> list[dict[str, Any]]:
    """The same machinery over tbf, to prove it works on a kernel without netem; not a figure."""
    missing = missing_prerequisite()
    if missing is None:
        try:
            error = probe_qdisc(*TBF_PLUMBING.uplink)
        except NoNamespace as exc:
            error = f"no network namespace could be made: {exc}"
        missing = f"tbf: {error}" if error else None
    if missing:
        return [{"name": PLUMBING_LABEL, "status": "not run", "reason": missing}]
    figures = measure(scratch, runs, TBF_PLUMBING, prefix=f"{PLUMBING_LABEL}: ", congestion_control=congestion_control, connect_timeout=connect_timeout)
    for fig in figures:
        fig["status"] = f"{PLUMBING_LABEL} ({fig.get('status')})"
    return figures


def _terminate_as_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")  # so every `finally` deletes its namespaces


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rural", description=__doc__.splitlines()[0])
    parser.add_argument("--plumbing-check", action="store_true", help="run over tbf instead (proves the machinery; not a figure)")
    parser.add_argument("--runs", type=int, default=3, help="goodput runs (3–5)")
    parser.add_argument("--keep", type=Path, help="keep the scratch files (logs) in this folder")
    parser.add_argument("--congestion-control", default=CONGESTION_CONTROL, help="with --plumbing-check: the kiosk's and portal's TCP congestion control")
    parser.add_argument("--connect-timeout", type=float, help="with --plumbing-check: replace the client's connect timeout (a diagnostic, not the product)")
    args = parser.parse_args(argv)
    if not args.plumbing_check and (args.connect_timeout is not None or args.congestion_control != CONGESTION_CONTROL):
        parser.error("--congestion-control and --connect-timeout are diagnostics of --plumbing-check only")
    for signum in (signal.SIGTERM, signal.SIGINT):  # SIGINT too: a shell's background job starts with it ignored
        signal.signal(signum, _terminate_as_interrupt)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kiosk-rural-") as scratch_name:
        scratch = args.keep or Path(scratch_name)
        scratch.mkdir(parents=True, exist_ok=True)
        try:
            if args.plumbing_check:
                figures = plumbing_check(scratch, args.runs, congestion_control=args.congestion_control, connect_timeout=args.connect_timeout)
            else:
                figures = bench_rural(scratch, args.runs)
        except KeyboardInterrupt as exc:
            print(f"interrupted ({exc}); the namespaces, the portal and the kiosk child were stopped", file=sys.stderr)
            return 130
        except Exception:  # noqa: BLE001 - the plumbing check reports its own failure in full
            traceback.print_exc()
            return 1
    report = {"seconds": round(time.perf_counter() - started, 1), "figures": figures}
    if args.plumbing_check:
        print(f"=== {PLUMBING_LABEL} ===")
    print(json.dumps(report, ensure_ascii=False, indent=2))
    for fig in figures:
        print(_summary_line(fig))
    return 0


def _summary_line(fig: dict[str, Any]) -> str:
    if "product" not in fig:
        return f"{fig['name']}: {fig.get('status')} — {fig.get('reason')}"
    p = fig["product"]
    if fig["unit"] == "B/s":
        return f"{fig['name']}: median {p['median']:,.0f} B/s ({p['min']:,.0f}–{p['max']:,.0f}), {fig['ratio']:.2f}x of {LINK_BYTES_PER_S:,.0f} B/s; goal {fig['goal']}; {fig['status']}"
    return f"{fig['name']}: median {p['median']:,.0f} B re-sent per cut ({p['min']:,.0f}–{p['max']:,.0f}), {fig['ratio']:.2f} chunks; goal {fig['goal']}; {fig['status']}"


if __name__ == "__main__":
    sys.exit(main())
