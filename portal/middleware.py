"""The plain ASGI middleware around the app: body size limits, a request log without query strings, a JSON 500,
and what happens to a body the client stops sending.

A body cut short — the client closed the connection, or sent nothing for BODY_IDLE_S, which is what a dropped 2G
link looks like from here (no FIN, no RST, only silence) — is dropped, except an attachment chunk's: its bytes
so far are a correct prefix of the chunk (TCP delivers in order, and the file's SHA-256 is checked when it is
complete), so the app appends them and the kiosk resumes after them instead of re-sending the whole chunk
(docs/sync-protocol.md, "A chunk cut short"). Measured over the emulated rural link, a 15 s cut otherwise cost the
whole interrupted chunk again and most of a 10 s goal for the first delivery after the link came back.
"""

from __future__ import annotations

import asyncio
import logging
import time
import traceback

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal.answers import json_answer
from portal.config import MAX_DOSSIER_BODY, MAX_SMALL_BODY
from sync import wire

log = logging.getLogger("portal")
DRAIN_CAP = 16 * 1024 * 1024  # a too-large body up to this size is read and dropped before the 413; past it the connection closes
READY_PATH = f"{wire.API_PREFIX}/health/ready"
BODY_IDLE_S = 10.0  # a body that sends nothing this long is cut short (longer than a kiosk's own 5 s without progress)


def keeps_prefix(scope: Scope) -> bool:
    """Only an attachment chunk's body is worth its prefix; a revision or event cut short is never processed."""
    return scope.get("method") == "PUT" and scope.get("path", "").startswith(f"{wire.API_PREFIX}/attachments/")


def body_limit(scope: Scope) -> int:
    """The largest body this path takes: a chunk, a dossier revision, or anything else (docs/portal.md)."""
    path = scope.get("path", "")
    if path.startswith(f"{wire.API_PREFIX}/attachments/"):
        return wire.CHUNK_SIZE
    if path.startswith(f"{wire.API_PREFIX}/dossiers/"):
        return MAX_DOSSIER_BODY
    return MAX_SMALL_BODY


def redacted(path: str) -> str:
    """A path for the log: a tracking page's code is kept out (with its token it would open the page)."""
    return "/tra-cuu/…" if path.startswith("/tra-cuu/") else path[:200]


class GuardMiddleware:
    """Body size limits (413 before the app sees the body), a request log without query strings, and a JSON
    500 for anything unexpected, logged by type and place only (an exception's text may quote personal data)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        method, path = scope.get("method", "?"), redacted(scope.get("path", ""))
        status_holder = {"status": 0}

        async def send_logged(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
            await send(message)

        limit = body_limit(scope)
        declared_header = dict(scope.get("headers") or []).get(b"content-length")
        try:
            declared = int(declared_header) if declared_header is not None else None
        except ValueError:
            declared = None
        too_large = declared is not None and declared > limit
        close = declared is not None and declared > DRAIN_CAP
        app_receive = receive
        if method in ("POST", "PUT", "PATCH") and not (declared is not None and declared > DRAIN_CAP):
            # Read the body here (bounded): a body over the limit is drained and refused with 413, so the
            # client reads the answer instead of a reset connection; the app gets the buffered body.
            chunks: list[bytes] = []
            total, more = 0, True
            while more:
                try:
                    message = await asyncio.wait_for(receive(), BODY_IDLE_S)
                except asyncio.TimeoutError:
                    message = {"type": "http.disconnect"}
                if message["type"] == "http.disconnect":
                    if too_large or not keeps_prefix(scope) or not chunks:
                        return
                    log.info("%s %s: body cut short after %d bytes; the prefix is kept", method, path, total)
                    break
                chunk = message.get("body", b"")
                total += len(chunk)
                if total > limit:
                    too_large = True
                    chunks = []
                    if total > DRAIN_CAP:
                        close = True
                        break
                elif not too_large:
                    chunks.append(chunk)
                more = message.get("more_body", False)
            body = b"".join(chunks)
            replayed = False

            async def receive_buffered() -> Message:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            app_receive = receive_buffered
        try:
            if too_large:
                response = json_answer(413, {"error": "too_large", "message": f"at most {limit} bytes"}, {"Connection": "close"} if close else None)
                await response(scope, app_receive, send_logged)
            else:
                await self.app(scope, app_receive, send_logged)
        except Exception as exc:  # noqa: BLE001 - the last line of defence: a JSON 500, a safe log line
            log.error(
                "internal error on %s %s: %s\n%s", method, path, type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__))
            )
            if status_holder["status"] == 0:
                await json_answer(500, {"error": "internal", "message": "internal error"})(scope, app_receive, send_logged)
        finally:
            # A load balancer polls the readiness check every few seconds: only its refusals are worth the log.
            polled = path == READY_PATH and status_holder["status"] == 200
            log.log(logging.DEBUG if polled else logging.INFO, "%s %s %s %.0f ms", method, path, status_holder["status"], (time.monotonic() - started) * 1000)
