"""The client's TCP connections: a dead link is noticed within seconds, not after TCP's own exponential back-off.

When a 2G link drops while a request waits for its answer, every byte already sent sits unacknowledged and TCP
retransmits it at doubling intervals (0.3, 0.6, 1.2 … s). Measured over the emulated rural link (bench/rural_tun.py),
a 15 s cut that struck after a chunk had left the socket kept the kiosk waiting up to the 30 s read timeout, and
the link was back long before the next retransmission: the first dossier after the cut came 20 s or more after
the link did. TCP_USER_TIMEOUT (Linux; TCP_MAXRT on Windows) closes a connection whose sent data stays unacknowledged
for DEAD_LINK_S, so the pass ends as a network failure and the reconnect probe (sync/schedule.py) takes over, which
notices the link's return within 2–3 s. On a live link, even EDGE with 2% loss, data is acknowledged within about a
second, so DEAD_LINK_S never cuts a slow but working upload.

TCP_NOTSENT_LOWAT (Linux) keeps at most UNSENT_BYTES not yet sent in the socket: the kernel would otherwise take
a whole 200 kB chunk into its send buffer seconds before it leaves on a 256 kbit/s link, and "the body is handed
over", when sync/ahead.py starts the next dossier's upload on the other connection, would come seconds early and
split the link between the two uploads. With it, handed over means all but half a second of the link is sent.
"""

from __future__ import annotations

import socket
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection

DEAD_LINK_S = 8
UNSENT_BYTES = 16 * 1024  # urllib3 writes 16 KiB blocks: a block waits while this much is still unsent


def socket_options() -> list[tuple[int, int, int]]:
    """urllib3's defaults (TCP_NODELAY) plus the dead-link timeout and the unsent-bytes limit where the platform has them."""
    options = list(HTTPConnection.default_socket_options)
    if hasattr(socket, "TCP_USER_TIMEOUT"):  # Linux: milliseconds
        options.append((socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, DEAD_LINK_S * 1000))
    elif hasattr(socket, "TCP_MAXRT"):  # Windows: seconds
        options.append((socket.IPPROTO_TCP, socket.TCP_MAXRT, DEAD_LINK_S))
    if hasattr(socket, "TCP_NOTSENT_LOWAT"):
        options.append((socket.IPPROTO_TCP, socket.TCP_NOTSENT_LOWAT, UNSENT_BYTES))
    return options


class DeadLinkAdapter(HTTPAdapter):
    """requests' adapter with socket_options() on every connection, direct or through a proxy."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["socket_options"] = socket_options()
        super().init_poolmanager(*args, **kwargs)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        proxy_kwargs.setdefault("socket_options", socket_options())
        return super().proxy_manager_for(proxy, **proxy_kwargs)
