"""One sync pass: upload due outbox entries (attachments first, resumable), pull status changes, fetch the catalogue.

The UI calls `SyncEngine(ctx).run_once(...)` on its network thread, `status(ctx)` and `queue_summary(ctx)`
for its views and `probe(ctx)` to notice the portal coming back; `kiosk-admin sync` calls `run_once(force=True)`.
"""

from __future__ import annotations

import logging
import random
import threading
import uuid as uuid_module
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any, Callable

from filelock import FileLock
from filelock import Timeout as LockBusy

from kiosk.clock.floor import load as load_clock
from kiosk.storage.context import KioskContext
from kiosk.errors import KioskError
from kiosk.storage.models import utcnow
from kiosk.printed.token import public_key_of
from sync import meta, outbox, wire
from sync.client import DEFAULT_TIMEOUT, PortalClient
from sync.clock_check import record_confirmed, skew_message, timed_health
from sync.credentials import load_credentials
from sync.ahead import UploadAhead
from sync.errors import (
    Forbidden,
    MissingAttachments,
    NotConfigured,
    PortalError,
    Unauthorized,
)
from sync.outbox import Prepared, QueueItem
from sync.schedule import is_network_failure
from sync.status_pull import apply_change
from sync.uploads import Cancelled, upload_attachments

log = logging.getLogger(__name__)

ClientFactory = Callable[[KioskContext], PortalClient]
ProgressCallback = Callable[["Progress"], None]

STATUS_PAGE = 100
BUSY_MESSAGE = "Một lượt đồng bộ khác đang chạy trên máy này; lượt này bỏ qua."
DEMO_MESSAGE = "Chế độ trình diễn: máy này không đồng bộ với cổng dịch vụ công."


@dataclass(frozen=True)
class Progress:
    """Upload progress of one dossier revision (attachments, then the body), for a progress bar."""

    code: str
    sent: int
    total: int


@dataclass(frozen=True)
class EntryError:
    code: str
    revision: int
    state: str  # "failed" (will retry) or "rejected" (needs the officer)
    message: str


@dataclass
class SyncReport:
    started_at: datetime
    finished_at: datetime | None = None
    reachable: bool = False
    busy: bool = False  # another process or thread held the sender lock; nothing was done
    refused: bool = False  # the portal answered but refused this kiosk (401, 403): an administrator must act
    recovered: int = 0  # entries found `sending` after a crash and put back in the queue
    attempted: int = 0
    delivered: int = 0
    failed: int = 0
    rejected: int = 0
    remaining: int = 0  # still waiting after the pass (queued, failed)
    status_changes: int = 0
    catalogue_fetched: bool = False
    catalogue_activated: list[str] = field(default_factory=list)  # "code@version" newly in use
    catalogue_refused: list[str] = field(default_factory=list)  # why a published version was not used
    catalogue: Any = field(default=None, repr=False)  # the new catalogue, adopted by the context's owner
    settings_changed: bool = False  # a pending enrolment wrote settings.json: the owner reloads it
    message: str | None = None  # a problem of the whole pass, for the officer (unreachable, 401, …)
    network_failure: bool = False  # the network, not an answer from the portal, stopped the pass (sync/schedule.py)
    clock_skew_s: float | None = None  # kiosk minus portal, from a comparison an authenticated answer confirmed
    clock_message: str | None = None  # the skew for the status bar when over 15 minutes (docs/clock.md)
    errors: list[EntryError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """The pass ran and nothing needs action."""
        return self.reachable and not self.busy and self.message is None and not self.failed and not self.rejected and not self.catalogue_refused

    def as_dict(self) -> dict[str, Any]:
        data = asdict(replace(self, catalogue=None))  # the catalogue object is not part of the report's record
        data.pop("catalogue")
        data["ok"] = self.ok
        return data


def adopt_report(ctx: KioskContext, report: SyncReport) -> None:
    """What a pass changed, put in effect by the context's owning thread."""
    if report.settings_changed:
        ctx.reload_settings()
    if report.catalogue is not None:
        ctx.adopt(catalogue=report.catalogue)


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows."""

    enrolled: bool
    portal_url: str
    queued: int  # waiting to be sent (queued, sending, failed)
    failed: int
    rejected: int
    delivered: int
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    last_attempt_at: datetime | None
    clock_message: str | None = None  # the latest trusted comparison's skew, when over 15 minutes


def default_client(ctx: KioskContext, *, timeout: tuple[float, float] = DEFAULT_TIMEOUT) -> PortalClient:
    """A client for the configured portal with the stored credentials (None when not enrolled: the portal says 401)."""
    credentials = load_credentials(ctx.data)
    url = ctx.settings.portal_url or (credentials.portal_url if credentials else "")
    if not url:
        raise NotConfigured()
    return PortalClient(url, credentials, ca_bundle=ctx.settings.portal_ca_bundle or None, timeout=timeout)


def lock_path(ctx: KioskContext) -> Any:
    return ctx.data.sync_lock_path


class SyncEngine:
    """Runs sync passes for one data folder; one sender at a time across processes (a lock file)."""

    def __init__(self, ctx: KioskContext, client_factory: ClientFactory | None = None, *, rng: random.Random | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.ctx = ctx
        self.clock = clock  # the kiosk's clock as compared with the portal's (tests fake it)
        self.client_factory = client_factory or default_client
        self.rng = rng
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Stop the running pass at the next chunk boundary (the entry in flight goes back to the queue)."""
        self._cancel.set()

    def run_once(self, force: bool = False, progress: ProgressCallback | None = None) -> SyncReport:
        """One pass. `force` ignores back-off (the officer's "Đồng bộ ngay", `kiosk-admin sync`)."""
        self._cancel.clear()
        report = SyncReport(started_at=utcnow())
        if self.ctx.settings.demo:
            report.message = DEMO_MESSAGE
            report.finished_at = utcnow()
            return report
        lock = FileLock(str(lock_path(self.ctx)))
        try:
            lock.acquire(timeout=0)
        except LockBusy:
            report.busy = True
            report.message = BUSY_MESSAGE
            report.finished_at = utcnow()
            return report
        try:
            self._pass(report, force, progress)
        finally:
            lock.release()
        if self.ctx.owned_here():  # the command line, a test: adopt now; the window adopts on its GUI thread
            adopt_report(self.ctx, report)
        return report

    # --- the pass -------------------------------------------------------------------------------

    def _pass(self, report: SyncReport, force: bool, progress: ProgressCallback | None) -> None:
        report.recovered = outbox.recover_interrupted(self.ctx)
        if report.recovered:
            log.warning("%d outbox entries were interrupted mid-send; they are retried", report.recovered)
        completed = False
        try:
            from sync.enrolment import enrol_pending

            report.settings_changed = enrol_pending(self.ctx) is not None  # a per-site package enrols itself at the first answer
        except KioskError as exc:
            report.message = exc.message
            report.finished_at = utcnow()
            self._record(report, False)
            return
        try:
            client = self.client_factory(self.ctx)
        except PortalError as exc:
            report.message = exc.message
        else:
            try:
                completed = self._talk(client, report, force, progress)
            finally:
                client.close()
        report.remaining = sum(n for state, n in outbox.count_by_state(self.ctx).items() if state in outbox.WAITING)
        report.finished_at = utcnow()
        self._record(report, completed)

    def _talk(self, client: PortalClient, report: SyncReport, force: bool, progress: ProgressCallback | None) -> bool:
        """Returns True when every phase ran (entries may still have failed individually)."""
        try:
            _answer, reading = timed_health(client, self.clock)
        except PortalError as exc:
            report.message = exc.message
            report.network_failure = is_network_failure(exc)
            return False
        report.reachable = True
        try:
            self._register_receipt_key(client)
        except PortalError as exc:
            report.message = exc.message
            report.refused = isinstance(exc, (Unauthorized, Forbidden))
            return False
        tried: set[int] = set()
        acks = outbox.AckRecorder(self.ctx)  # recorded a few at a time, and before each new round (it may depend on them)
        ahead = UploadAhead(self.ctx, client, lambda: self.client_factory(self.ctx), self._cancel.is_set, status_page=STATUS_PAGE)  # sync/ahead.py
        try:
            while True:  # again after each round: delivering revision N makes N+1 due in the same pass
                batch = [entry_id for entry_id in outbox.due_entries(self.ctx, force=force) if entry_id not in tried]
                if not batch:
                    break
                ahead.plan(batch)
                for entry_id in batch:
                    if self._cancel.is_set():
                        return False
                    tried.add(entry_id)
                    stop = self._send(ahead.client_for(entry_id), entry_id, report, progress, ahead, acks)
                    ahead.forget(entry_id)
                    if stop:
                        return False
                acks.record()
        finally:
            acks.record()
            ahead.close()
        client = ahead.closing(client)  # answers fetched ahead while the last upload finished (sync/ahead.py)
        try:
            report.status_changes = self._pull_status(client)
            if record_confirmed(self.ctx, reading) is not None and reading is not None:  # an authenticated answer came
                report.clock_skew_s, report.clock_message = reading.skew_s, skew_message(reading)
            self._fetch_catalogue(client, report)
            report.catalogue_fetched = True
            self._report(client)
        except PortalError as exc:
            report.message = exc.message
            report.refused = isinstance(exc, (Unauthorized, Forbidden))
            return False
        return True

    def _send(self, client: PortalClient, entry_id: int, report: SyncReport, progress: ProgressCallback | None, ahead: UploadAhead,
              acks: outbox.AckRecorder) -> bool:
        """Send one outbox entry; returns True when the rest of the pass should stop (network or credentials)."""
        prepared = outbox.prepare(self.ctx, entry_id, sending=True)  # `sending` committed before any byte leaves
        attempt = prepared.attempt
        report.attempted += 1
        try:
            if prepared.event_kind is not None:
                ack = client.put_event(prepared.uuid, prepared.payload, attempt=attempt)
            else:
                ack = self._put_revision(client, prepared, attempt, progress, ahead)
        except Unauthorized as exc:
            outbox.mark_failed(self.ctx, entry_id, exc.message, backoff=False)
            report.message = exc.message
            report.refused = True
            return True
        except PortalError as exc:
            if exc.retry:
                cut = is_network_failure(exc)  # the reconnect probe decides when to try again (sync/schedule.py)
                outbox.mark_failed(self.ctx, entry_id, exc.message, backoff=not cut, escalate=not exc.connectivity, rng=self.rng)
                report.network_failure = report.network_failure or cut
                report.failed += 1
                report.errors.append(EntryError(prepared.code, prepared.revision, "failed", exc.message))
                log.info("%s r%d not delivered (attempt %d): %s", prepared.code, prepared.revision, attempt, type(exc).__name__)
                if exc.connectivity:
                    report.message = exc.message
                    report.refused = isinstance(exc, Forbidden)
                return exc.connectivity
            outbox.mark_rejected(self.ctx, entry_id, exc.message)
            report.rejected += 1
            report.errors.append(EntryError(prepared.code, prepared.revision, "rejected", exc.message))
            log.warning("%s r%d rejected: %s", prepared.code, prepared.revision, getattr(exc, "error", type(exc).__name__))
            return False
        except _Cancelled:
            outbox.mark_failed(self.ctx, entry_id, "Lượt đồng bộ đã dừng giữa chừng; máy sẽ gửi tiếp.", backoff=False)
            return True
        except Exception:  # noqa: BLE001 - a bug: logged with a traceback, the entry goes back to the queue
            reference = uuid_module.uuid4().hex[:8]
            log.exception("unexpected error sending %s r%d (ref %s)", prepared.code, prepared.revision, reference)
            message = f"Lỗi không mong muốn khi gửi (mã tham chiếu {reference}); máy sẽ thử lại, nếu lặp lại hãy báo quản trị viên."
            outbox.mark_failed(self.ctx, entry_id, message, rng=self.rng)
            report.failed += 1
            report.errors.append(EntryError(prepared.code, prepared.revision, "failed", message))
            return False
        acks.add(entry_id, ack)
        report.delivered += 1
        log.info("%s r%d delivered (attempt %d)", prepared.code, prepared.revision, attempt)
        total = sum(a.size for a in prepared.attachments) + len(prepared.payload)
        self._emit(progress, Progress(prepared.code, total, total))
        return False

    def _put_revision(self, client: PortalClient, prepared: Prepared, attempt: int, progress: ProgressCallback | None, ahead: UploadAhead) -> Any:
        """A dossier revision: its attachments first (unless uploaded ahead), then its body (uploading again once when
        the portal misses a file). The next dossier's upload starts once this one's last byte is handed over."""
        uploaded = ahead.take(prepared.entry_id)  # None: not tried ahead; False: cut or failed, so ask first and resume
        if uploaded:
            files = sum(a.size for a in prepared.attachments)
            self._emit(progress, Progress(prepared.code, files, files + len(prepared.payload)))
        else:
            self._upload_attachments(client, prepared, progress, attempt, ask_first=uploaded is False,
                                     on_sent=lambda: ahead.start_after(prepared.entry_id, client))
        try:
            return client.put_revision(prepared.uuid, prepared.revision, prepared.payload, attempt=attempt)
        except MissingAttachments as exc:
            log.warning("portal misses %d attachments of %s r%d; uploading again", len(exc.missing), prepared.code, prepared.revision)
            self._upload_attachments(client, prepared, progress, attempt, ask_first=True)
            return client.put_revision(prepared.uuid, prepared.revision, prepared.payload, attempt=attempt)

    def _upload_attachments(self, client: PortalClient, prepared: Prepared, progress: ProgressCallback | None, attempt: int, *,
                            ask_first: bool = False, on_sent: Callable[[], None] | None = None) -> None:
        """Upload every attachment the portal does not hold completely, resuming from the bytes it holds (sync/uploads.py)."""
        upload_attachments(
            self.ctx, client, prepared, attempt=attempt, ask_first=ask_first, cancelled=self._cancel.is_set, on_sent=on_sent,
            emit=lambda sent, total: self._emit(progress, Progress(prepared.code, sent, total)),
        )

    def _pull_status(self, client: PortalClient) -> int:
        """Apply status changes since the stored cursor; the cursor moves in the same transaction (idempotent)."""
        with self.ctx.read() as session:
            cursor = meta.get(session, meta.STATUS_CURSOR)
        applied = 0
        for _ in range(10_000):
            changes, next_cursor, more = client.status_changes(cursor, limit=STATUS_PAGE)
            if not changes:
                break
            with self.ctx.transaction() as session:
                for change in changes:
                    applied += apply_change(session, change)
                new_cursor = next_cursor or changes[-1].cursor
                meta.put(session, meta.STATUS_CURSOR, new_cursor)
            if new_cursor == cursor or not more:
                break
            cursor = new_cursor
        return applied

    def _report(self, client: PortalClient) -> None:
        """The fleet view's heartbeat; a refusal here never fails the pass (the dossiers already went)."""
        from kiosk import __version__

        waiting = sum(n for state, n in outbox.count_by_state(self.ctx).items() if state in outbox.WAITING)
        from sync import audit_witness

        try:
            answer = client.report(waiting, __version__, utcnow().isoformat(), audit_head=audit_witness.chain_head(self.ctx))
        except PortalError as exc:
            log.info("kiosk report not accepted: %s", type(exc).__name__)
        else:
            audit_witness.remember(self.ctx, answer)

    def _register_receipt_key(self, client: PortalClient) -> None:
        """Once per portal and identifier: its copy of our receipt public key lets it vouch for receipts not synced
        yet, and registering it under a re-issued unit identifier tells the portal that codes under the new and
        the old identifier both come from this kiosk (kiosk-admin site change-unit-id), before any upload."""
        public_key = public_key_of(self.ctx.receipt_key).hex()
        unit_id = self.ctx.settings.unit_id
        marker = f"{client.base_url} {public_key} {unit_id}"
        with self.ctx.read() as session:
            if meta.get(session, meta.RECEIPT_KEY_REGISTERED) == marker:
                return
        client.register_receipt_key(public_key, self.ctx.settings.unit_name, unit_id)
        with self.ctx.transaction() as session:
            meta.put(session, meta.RECEIPT_KEY_REGISTERED, marker)
        log.info("receipt public key registered with the portal")

    def _fetch_catalogue(self, client: PortalClient, report: SyncReport | None = None) -> None:
        from sync.catalogue_updates import apply_published

        update = apply_published(self.ctx, client.published_catalogue())
        if report is not None:
            report.catalogue_activated, report.catalogue_refused, report.catalogue = update.activated, update.refused, update.catalogue
        answer = client.catalogue()
        with self.ctx.transaction() as session:
            meta.put(session, meta.CATALOGUE, wire.canonical_json({"procedures": answer["procedures"]}).decode("utf-8"))
            meta.put(session, meta.CATALOGUE_FETCHED_AT, utcnow().isoformat())

    def _record(self, report: SyncReport, completed: bool) -> None:
        now = utcnow().isoformat()
        problem = report.message or next((e.message for e in report.errors), None) or next(iter(report.catalogue_refused), None)
        with self.ctx.transaction() as session:
            meta.put(session, meta.LAST_ATTEMPT_AT, now)
            if completed:
                meta.put(session, meta.LAST_SUCCESS_AT, now)
            if problem:
                meta.put(session, meta.LAST_ERROR, problem)
                meta.put(session, meta.LAST_ERROR_AT, now)
            elif completed:
                meta.put(session, meta.LAST_ERROR, None)
                meta.put(session, meta.LAST_ERROR_AT, None)

    @staticmethod
    def _emit(progress: ProgressCallback | None, event: Progress) -> None:
        if progress is None:
            return
        try:
            progress(event)
        except Exception:  # noqa: BLE001 - a broken progress bar must not stop a sync
            log.exception("progress callback failed")


_Cancelled = Cancelled



# --- for the UI and the CLI -------------------------------------------------------------------------


def queue_summary(ctx: KioskContext, *, include_delivered: bool = False, limit: int = 500) -> list[QueueItem]:
    """Each outbox entry not yet delivered, oldest first: code, revision, state, attempts, next_attempt_at, last_error."""
    return outbox.queue_items(ctx, include_delivered=include_delivered, limit=limit)


def status(ctx: KioskContext) -> SyncStatus:
    counts = outbox.count_by_state(ctx)
    with ctx.read() as session:
        last_success = meta.get_time(session, meta.LAST_SUCCESS_AT)
        last_error = meta.get(session, meta.LAST_ERROR)
        last_error_at = meta.get_time(session, meta.LAST_ERROR_AT)
        last_attempt = meta.get_time(session, meta.LAST_ATTEMPT_AT)
    credentials = load_credentials(ctx.data)
    return SyncStatus(
        enrolled=credentials is not None,
        portal_url=ctx.settings.portal_url,
        queued=sum(counts.get(state, 0) for state in outbox.WAITING),
        failed=counts.get("failed", 0),
        rejected=counts.get("rejected", 0),
        delivered=counts.get("delivered", 0),
        last_success_at=last_success,
        last_error=last_error,
        last_error_at=last_error_at,
        last_attempt_at=last_attempt,
        clock_message=skew_message(load_clock(ctx.data.root).last_check),
    )



def current_problem(status: Any) -> str | None:
    """The latest sync problem, unless a clean pass came after it."""
    message = getattr(status, "last_error", None)
    if not message:
        return None
    error_at, success_at = getattr(status, "last_error_at", None), getattr(status, "last_success_at", None)
    if error_at and success_at and success_at > error_at:
        return None
    return str(message)

PROBE_TIMEOUT = (2.0, 3.0)  # connect, read: one round trip each even on EDGE (600 ms), a lost SYN's resend at 1 s included;
# short enough that probes through a dead link keep their 2–3 s cadence (sync/schedule.py)


def probe(ctx: KioskContext, client_factory: ClientFactory | None = None) -> bool:
    """True when the real portal answers its health check (a captive portal or a proxy's page is "offline")."""
    if ctx.settings.demo:
        return False
    try:
        client = (client_factory or (lambda c: default_client(c, timeout=PROBE_TIMEOUT)))(ctx)
    except PortalError:
        return False
    try:
        client.health()
        return True
    except PortalError:
        return False
    finally:
        client.close()
