"""The portal's listening socket: connections asyncio accepts on it have Nagle off (TCP_NODELAY).

With Nagle on, every answer on a kept-alive connection waited ~40 ms for the client's delayed ACK, which
made each sync request cost ≥ 40 ms on loopback (docs/benchmarks.md).
"""

from __future__ import annotations

import asyncio
import socket

from portal.serve import listening_socket


def test_accepted_connections_have_tcp_nodelay() -> None:
    seen: list[int] = []

    async def scenario() -> None:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            seen.append(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(handle, sock=listening_socket("127.0.0.1", 0))  # as uvicorn does with sockets=[…]
        port = server.sockets[0].getsockname()[1]
        _reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.05)
        writer.close()
        server.close()
        await server.wait_closed()

    asyncio.run(scenario())
    assert seen and seen[0] != 0
