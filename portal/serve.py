"""`kiosk-portal serve`: one process, or a parent and N stateless workers (uvicorn's own process model).

The parent binds the listening socket (so `--port 0` can print the port it got), checks the schema and the file
store once, prints the ready line once, then either serves itself (`--workers 1`) or hands the socket to
uvicorn's `Multiprocess` supervisor, which spawns N workers that accept on it, restarts one that dies, and on
SIGTERM or SIGINT stops them all (each finishes its requests, at most `GRACEFUL_S`) before it exits.

Workers are spawned (fresh interpreters, nothing of the parent's memory): each builds its app with
`worker_app(config, …)` from the same PortalConfig, handed to it pickled. Every piece of state is in the database
or the file store (docs/portal.md, "Deployment: several workers"), so any worker can answer any request.
"""

from __future__ import annotations

import argparse
import functools
import ipaddress
import json
import logging
import socket
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

from portal.config import PortalConfig
from portal.db import Database
from portal.services import catalogue
from portal.storage import FolderStore

if TYPE_CHECKING:  # the one-shot commands import this module for its arguments: no FastAPI for them
    from fastapi import FastAPI

GRACEFUL_S = 5  # a worker told to stop finishes its requests for at most this long
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

SQLITE_WORKERS_MESSAGE = (
    "Không chạy được nhiều tiến trình (--workers {workers}) với SQLite: SQLite chỉ cho một tiến trình ghi một lúc vào một tệp, "
    "và cổng ghi bằng BEGIN IMMEDIATE nên các lần ghi vẫn phải xếp hàng; thêm tiến trình chỉ thêm thời gian chờ khóa. "
    "SQLite trên nhiều máy (qua thư mục mạng) không an toàn. Hãy dùng --workers 1, hoặc PostgreSQL (--db postgresql+psycopg://…). "
    "(SQLite takes one writer at a time on one file and the portal's writes queue on BEGIN IMMEDIATE anyway, so more "
    "processes only add lock waits; SQLite across machines is unsafe. Use --workers 1, or PostgreSQL.)"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port; the bound URL is printed on its own line")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="worker processes sharing the port (default 1; above 1 needs PostgreSQL)")
    parser.add_argument("--forwarded-allow-ips", type=forwarded_allow_ips, default="", metavar="IPS",
                        help="reverse proxies (IP addresses or networks, comma-separated) whose X-Forwarded-For/-Proto are trusted; default none")


def listening_socket(host: str, port: int) -> socket.socket:
    """The portal's listening socket, bound before uvicorn runs so port 0 can print the port it got.

    Made with proto IPPROTO_TCP, not 0: asyncio turns Nagle off (TCP_NODELAY) only on accepted sockets whose
    proto says TCP. With Nagle on, each keep-alive answer's body waited about 40 ms for the client's delayed
    ACK: every request took ≥ 40 ms on loopback, a sync of 10 MiB 3.9 s instead of 0.9 s (docs/benchmarks.md).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def forwarded_allow_ips(value: str) -> str:
    """`--forwarded-allow-ips`: addresses or networks (comma-separated) of reverse proxies, or `*`; checked here so a
    typo is refused at start-up rather than silently trusting nobody (or everybody)."""
    items = [item.strip() for item in value.split(",") if item.strip()]
    for item in items:
        if item == "*":
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise argparse.ArgumentTypeError(f"không phải địa chỉ IP hay dải mạng: {item!r} (not an IP address or network)") from None
    return ",".join(items)


def refusal(config: PortalConfig, workers: int) -> str | None:
    """Why these workers cannot serve this database (None: they can)."""
    if workers < 1:
        return "--workers phải từ 1 trở lên (--workers must be 1 or more)."
    if workers > 1 and make_url(config.db_url).get_backend_name() == "sqlite":
        return SQLITE_WORKERS_MESSAGE.format(workers=workers)
    return None


def worker_logging(log_level: str) -> dict:
    """uvicorn's `log_config` for spawned workers, which start with no logging set up (uvicorn applies it in each
    worker): the portal's log on the standard error they inherited, as the parent's (`kiosk-portal` main)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"portal": {"format": LOG_FORMAT}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "portal", "stream": "ext://sys.stderr"}},
        "root": {"level": log_level.upper(), "handlers": ["stderr"]},
    }


def worker_app(config: PortalConfig) -> FastAPI:
    """The app one worker serves: built in the worker process, from the configuration the parent parsed. Its
    schema check only confirms the parent's (a migration run between the two is refused the same way)."""
    from portal.app import create_app

    app = create_app(config)
    app.state.db.ensure_schema()  # a worker refuses a schema older than its code (portal/schema.py)
    app.state.store.ensure()
    catalogue.catalogue()  # load forms/ now rather than on the first request
    return app


def check_before_workers(config: PortalConfig) -> None:
    """The schema and the file store, checked once in the parent: a wrong schema is one message and exit 1,
    not N workers failing and being restarted. Raises SchemaNotReady or OSError."""
    db = Database(config.db_url)
    try:
        db.ensure_schema()
    finally:
        db.dispose()  # the parent holds no connection while it supervises
    FolderStore(config.files_dir).ensure()


def cmd_serve(args: argparse.Namespace, config: PortalConfig, fail) -> int:
    """Serve until SIGTERM or SIGINT; `fail(args, message, code)` reports a refusal (exit 2) or failure (exit 1)."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    workers = args.workers
    refused = refusal(config, workers)
    if refused:
        return fail(args, refused, 2)
    if workers == 1:
        app: object = worker_app(config)
    else:
        check_before_workers(config)
        app = functools.partial(worker_app, config)  # picklable: sent to each spawned worker
    try:
        sock = listening_socket(args.host, args.port)
    except OSError as exc:
        return fail(args, f"Không mở được cổng {args.host}:{args.port}: {exc.strerror or exc}", 1)
    port = sock.getsockname()[1]
    host = f"[{args.host}]" if sock.family == socket.AF_INET6 else args.host
    url = f"http://{host}:{port}"

    # Proxy headers (X-Forwarded-For, -Proto) only from the proxies named: uvicorn's default trusts loopback, so any
    # local process's clients could pick the address the tracking page's rate limit keys on (docs/portal.md).
    trusted = args.forwarded_allow_ips
    uv_config = uvicorn.Config(
        app, factory=workers > 1, workers=workers, log_config=worker_logging(args.log_level) if workers > 1 else None, access_log=False, lifespan="off",
        timeout_graceful_shutdown=GRACEFUL_S, server_header=False, proxy_headers=bool(trusted), forwarded_allow_ips=trusted or None,
    )
    # The supervisor takes over SIGTERM/SIGINT when it is made: made before the ready line, a stop sent right after
    # that line still stops every worker.
    supervisor = Multiprocess(uv_config, sockets=[sock]) if workers > 1 else None
    # The ready signal: the socket is bound and listening (connections wait in its backlog until a worker accepts).
    if args.json:
        print(json.dumps({"ok": True, "url": url, "db": config.db_url, "files": str(config.files_dir), "workers": workers}), flush=True)
    else:
        print(url, flush=True)
    logging.getLogger("portal").info("serving %s with %d worker(s) (files in %s)", url, workers, config.files_dir)
    if supervisor is None:
        uvicorn.Server(uv_config).run(sockets=[sock])
    else:
        supervisor.run()
    return 0
