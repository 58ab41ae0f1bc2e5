"""The user-space link emulator's own tests (tests/support/link_emulator.py, tun_link.py): the rural figures and the
cut-link scenario are only as true as the link they run over, so its self-check must pass on the link the benchmark
uses, fail on a link that is not what it claims, and the queue limit and the cut must behave like a modem's."""

from __future__ import annotations

import socket
import subprocess
import time

import pytest

from tun_link import LinkSpec, TunLink, missing_prerequisite

pytestmark = pytest.mark.skipif(missing_prerequisite() is not None, reason=f"no emulated link here: {missing_prerequisite()}")

RURAL = LinkSpec(rate_bps=256_000, delay_ms=150, loss_up=0.01, queue_s=1.0)  # what bench/rural_tun.py measures over


def test_self_check_holds_on_the_rural_link() -> None:
    with TunLink(RURAL) as link:
        check = link.self_check()
        stats = link.stats()
    assert check["rtt"]["ok"], check["rtt"]
    assert check["bulk_tcp"]["ok"], check["bulk_tcp"]
    assert check["loss"]["ok"], check["loss"]
    assert check["loss"]["sent"] >= 2000 and check["loss"]["queue_dropped"] == 0
    assert check["cut"]["ok"], check["cut"]
    assert check["tcp_congestion_control"] == "cubic"
    assert check["ok"]
    assert stats["kiosk_to_portal"]["lost"] > 0 and stats["portal_to_kiosk"]["lost"] == 0  # the loss is on the data path only


def test_self_check_fails_on_a_link_that_is_not_what_it_claims() -> None:
    faster_lossier = LinkSpec(rate_bps=512_000, delay_ms=100, loss_up=0.05, queue_s=1.0)
    with TunLink(RURAL, emulate=faster_lossier) as link:
        check = link.self_check(bulk_seconds=4.0)
    assert not check["ok"]
    assert not check["rtt"]["ok"] and check["rtt"]["median_ms"] < 250
    assert not check["bulk_tcp"]["ok"] and check["bulk_tcp"]["ratio"] > 1.2  # 5% loss holds TCP below the doubled rate
    assert not check["loss"]["ok"] and check["loss"]["lost"] > check["loss"]["interval_99"][1]


def _udp_pair(link: TunLink) -> tuple[socket.socket, socket.socket, int]:
    receiver = link.socket("portal", socket.SOCK_DGRAM)
    receiver.bind((link.portal_addr, 0))
    sender = link.socket("kiosk", socket.SOCK_DGRAM)
    return sender, receiver, receiver.getsockname()[1]


def test_a_full_queue_drops_the_tail_and_the_rest_leaves_at_the_link_rate() -> None:
    spec = LinkSpec(rate_bps=256_000, delay_ms=50, queue_s=0.5)
    payload = 1000  # 1,028 IP bytes: 32.1 ms each at 256 kbit/s
    air = (payload + 28) * 8 / spec.rate_bps
    with TunLink(spec) as link:
        sender, receiver, port = _udp_pair(link)
        sent_at = time.monotonic()
        for i in range(100):  # 3.2 s of traffic at once, into a 0.5 s queue
            sender.sendto(i.to_bytes(4, "big") + bytes(payload - 4), (link.portal_addr, port))
        arrivals: list[tuple[int, float]] = []
        receiver.settimeout(1.5)
        try:
            while True:
                arrivals.append((int.from_bytes(receiver.recv(2048)[:4], "big"), time.monotonic()))
        except socket.timeout:
            pass
        dropped = link.stats()["kiosk_to_portal"]["queue_dropped"]
        sender.close()
        receiver.close()
    held = int(spec.queue_s / air)  # packets whose wait stays under the limit
    assert held - 1 <= len(arrivals) <= held + 2
    assert dropped == 100 - len(arrivals)
    assert [n for n, _ in arrivals] == list(range(len(arrivals)))  # in order; the tail is what is dropped
    spacing = (arrivals[-1][1] - arrivals[0][1]) / (len(arrivals) - 1)
    assert spacing == pytest.approx(air, rel=0.1)
    assert arrivals[-1][1] - sent_at <= spec.queue_s + spec.delay_ms / 1000 + 0.1


def test_a_cut_loses_what_was_in_flight_and_the_link_comes_back() -> None:
    spec = LinkSpec(rate_bps=1_000_000, delay_ms=300)
    with TunLink(spec) as link:
        sender, receiver, port = _udp_pair(link)
        sender.sendto(b"before the cut", (link.portal_addr, port))
        link.cut()  # well inside the 300 ms the datagram spends on the way
        sender.sendto(b"during the cut", (link.portal_addr, port))
        time.sleep(0.5)
        link.restore()
        sender.sendto(b"after the cut", (link.portal_addr, port))
        receiver.settimeout(1.5)
        got = []
        try:
            while True:
                got.append(receiver.recv(100))
        except socket.timeout:
            pass
        stats = link.stats()
        sender.close()
        receiver.close()
    assert got == [b"after the cut"]
    assert stats["kiosk_to_portal"]["cut_dropped"] == 2


def test_closing_leaves_nothing_behind() -> None:
    link = TunLink(LinkSpec(rate_bps=1_000_000, delay_ms=10))
    with link:
        namespaces = [link.kiosk_ns, link.portal_ns]
        emulator = link.emulator
        assert emulator is not None
    assert emulator.poll() is not None
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, timeout=15).stdout
    assert not any(ns in listed for ns in namespaces)
