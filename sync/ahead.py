"""Upload-ahead: the next dossier's attachments go up on a second connection while this one finishes.

On a rural link (256 kbit/s, 300 ms round trip) every request on one keep-alive connection leaves the link idle
for at least a round trip: waiting for the answer to a file's last chunk, then the revision body's PUT and its
answer. With 200 kB scans that is about 10% of the link (docs/sync-engine.md, "Overlapping requests on a slow
link"). So once the last byte of a dossier's files has been handed to the socket, the engine starts the next
dossier's upload on the other of its two connections; the revision body and the wait for answers then overlap
with it. The next upload starts only then, not earlier, so the first dossier of a pass never shares the link.

Uploading early is harmless (files are content-addressed and the portal's upload is idempotent) and changes
nothing in the outbox: the entry is marked `sending` only when its turn comes, and its revision is delivered
only on the portal's acknowledgement, as before. What the main path does with a job: complete, its files are
not sent again; failed or cut, it asks the portal first what it holds and resumes (ask_first). Only the engine's
thread opens jobs, reads the outbox and chooses connections; a job's thread only uploads.

The closing requests (a page of status changes, the published catalogue, the catalogue) are fetched the same way
once the round's last file is handed over, on the idle connection; the engine applies their answers after the
loop as before. A further round (delivering revision N makes N+1 due, a delivered dossier's counter event too)
drops them: an event's status echo must be in the page the pass applies.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, cast

from kiosk.storage.context import KioskContext
from sync import meta, outbox
from sync.client import PortalClient
from sync.errors import PortalError
from sync.outbox import Prepared
from sync.uploads import Cancelled, upload_attachments

log = logging.getLogger(__name__)

JOIN_BOUND_S = 40.0  # a job stops at its next chunk boundary, or its request ends within the client's timeouts
CLOSING = -1  # the key of the closing requests' job (entry ids are positive)


@dataclass
class _Job:
    entry_id: int
    client: PortalClient
    thread: threading.Thread | None = None
    sent: threading.Event = field(default_factory=threading.Event)  # its last byte is handed over, or it ended
    error: Exception | None = None


class UploadAhead:
    """At most one upload ahead, on whichever of the (at most two) connections the current entry does not use."""

    def __init__(self, ctx: KioskContext, client: PortalClient, open_client: Callable[[], PortalClient], cancelled: Callable[[], bool],
                 *, status_page: int) -> None:
        self.ctx = ctx
        self._status_page = status_page
        self._answers: dict[tuple[Any, ...], Any] = {}
        self._clients = [client]
        self._open_client = open_client
        self._cancelled = cancelled
        self._stop = threading.Event()
        self._jobs: dict[int, _Job] = {}
        self._next: dict[int, int] = {}

    def plan(self, batch: list[int]) -> None:
        """The order the engine sends this round's entries in: which entry comes after which."""
        self.forget(CLOSING)  # a further round: what was fetched ahead may miss what its entries cause
        self._answers.clear()
        self._next = dict(zip(batch, batch[1:]))

    def client_for(self, entry_id: int) -> PortalClient:
        """The connection for this entry: the one its upload-ahead used, else one no job is using."""
        job = self._jobs.get(entry_id)
        if job is not None:
            return job.client
        busy = [j.client for j in self._jobs.values()]
        return next(c for c in self._clients if all(c is not b for b in busy))

    def take(self, entry_id: int) -> bool | None:
        """Wait for this entry's job: True when its files are all on the portal, False when it failed or was cut
        (ask first, resume), None when none ran. Its last byte handed over, the next entry's job starts."""
        job = self._jobs.get(entry_id)
        if job is None:
            return None
        job.sent.wait()
        self.start_after(entry_id, job.client)
        self._join(job)
        del self._jobs[entry_id]
        if isinstance(job.error, Cancelled) and self._cancelled():
            raise job.error
        return job.error is None

    def forget(self, entry_id: int) -> None:
        """The engine is done with this entry (sent, failed or skipped): its job, if one is left, is waited for."""
        job = self._jobs.pop(entry_id, None)
        if job is not None:
            self._join(job)

    def start_after(self, entry_id: int, busy: PortalClient) -> None:
        """Start uploading the files of the entry after `entry_id` on the connection other than `busy`."""
        following = self._next.get(entry_id)
        if following is None:
            self._start_closing(busy)
            return
        if following in self._jobs or self._stop.is_set() or self._cancelled():
            return
        try:
            prepared = outbox.prepare(self.ctx, following, ahead=True)  # notes the upload ahead in the same commit
        except Exception:  # noqa: BLE001 - its own turn reports the problem; no upload ahead for it
            log.info("no upload ahead for outbox entry %d: it could not be prepared", following, exc_info=True)
            return
        if prepared.event_kind is not None or not prepared.attachments:
            return
        client = self._other(busy)
        if client is None:
            return
        job = _Job(following, client)
        job.thread = threading.Thread(target=self._run, args=(job, prepared), name=f"upload-ahead-{following}", daemon=True)
        self._jobs[following] = job
        job.thread.start()

    def closing(self, client: PortalClient) -> PortalClient:
        """The client for the pass's closing requests: the answers fetched ahead first (each once), then `client`."""
        self.forget(CLOSING)
        return cast(PortalClient, _Closing(client, self._answers))

    def _start_closing(self, busy: PortalClient) -> None:
        if CLOSING in self._jobs or self._answers or self._stop.is_set() or self._cancelled():
            return
        client = self._other(busy)
        if client is None:
            return
        with self.ctx.read() as session:
            cursor = meta.get(session, meta.STATUS_CURSOR)
        job = _Job(CLOSING, client)
        job.thread = threading.Thread(target=self._run_closing, args=(job, cursor), name="closing-ahead", daemon=True)
        self._jobs[CLOSING] = job
        job.thread.start()

    def _run_closing(self, job: _Job, cursor: str | None) -> None:
        answers: dict[tuple[Any, ...], Any] = {}
        try:  # in the order the engine asks; stops at the first failure (the engine asks again and reports it)
            answers[("status_changes", cursor, self._status_page)] = job.client.status_changes(cursor, limit=self._status_page)
            answers[("published_catalogue",)] = job.client.published_catalogue()
            answers[("catalogue",)] = job.client.catalogue()
        except Exception as exc:  # noqa: BLE001
            job.error = exc
            log.info("closing requests ahead stopped: %s", type(exc).__name__)
        finally:
            self._answers.update(answers)
            job.sent.set()

    def close(self) -> None:
        """Stop and wait for any job (bounded), close the second connection."""
        self._stop.set()
        for job in list(self._jobs.values()):
            self._join(job)
        self._jobs.clear()
        for client in self._clients[1:]:
            client.close()

    def _other(self, busy: PortalClient) -> PortalClient | None:
        for client in self._clients:
            if client is not busy:
                return client
        try:
            client = self._open_client()
        except PortalError as exc:
            log.info("no second connection for uploads ahead: %s", type(exc).__name__)
            return None
        self._clients.append(client)
        return client

    def _run(self, job: _Job, prepared: Prepared) -> None:
        try:  # asking first costs a round trip on the idle connection while the other one's last bytes leave, and an
            # upload-ahead cut in an earlier pass (its entry still at attempt 0) then resumes instead of starting at 0
            upload_attachments(self.ctx, job.client, prepared, attempt=1, ask_first=True, emit=lambda _sent, _total: None,
                               cancelled=lambda: self._stop.is_set() or self._cancelled(), on_sent=job.sent.set)
        except Exception as exc:  # noqa: BLE001 - the main path asks the portal and resumes, and reports as usual
            job.error = exc
            log.info("upload ahead of %s r%d stopped: %s", prepared.code, prepared.revision, type(exc).__name__)
        finally:
            job.sent.set()

    @staticmethod
    def _join(job: _Job) -> None:
        if job.thread is not None:
            job.thread.join(JOIN_BOUND_S)
            if job.thread.is_alive():
                log.warning("upload ahead of outbox entry %d still running after %.0f s", job.entry_id, JOIN_BOUND_S)


class _Closing:
    """Answers fetched ahead, each given once for the same question, else the portal asked through `client`."""

    def __init__(self, client: PortalClient, answers: dict[tuple[Any, ...], Any]) -> None:
        self._client = client
        self._answers = answers

    def _answer(self, key: tuple[Any, ...], ask: Callable[[], Any]) -> Any:
        return self._answers.pop(key) if key in self._answers else ask()

    def status_changes(self, since: str | None, limit: int = 100) -> Any:
        return self._answer(("status_changes", since, limit), lambda: self._client.status_changes(since, limit=limit))

    def published_catalogue(self) -> Any:
        return self._answer(("published_catalogue",), self._client.published_catalogue)

    def catalogue(self) -> Any:
        return self._answer(("catalogue",), self._client.catalogue)

    def __getattr__(self, name: str) -> Any:  # report(), base_url, …: the client itself
        return getattr(self._client, name)
