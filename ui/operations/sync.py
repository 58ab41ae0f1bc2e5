"""Operations of the sync engine: a pass (on the network worker, with its summary), the status bar's figures, the queue view."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from ui.operations.op import Op

if TYPE_CHECKING:
    from kiosk.storage.context import KioskContext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PassOutcome:
    """A finished pass as the GUI thread gets it: the report (or what broke it) and the queue figures read after it."""

    report: Any  # sync.engine.SyncReport, or None when the pass raised
    error: BaseException | None
    status: Any  # sync.engine.SyncStatus, or None if it could not be read


def read_status(ctx: KioskContext) -> Any:
    """The status bar's figures (queued count, last sync, last problem); None if they cannot be read now."""
    try:
        from sync.engine import status

        return status(ctx)
    except Exception as exc:  # noqa: BLE001 - a status read must never break the window
        log.warning("sync status unavailable: %s", exc)
        return None


def sync_pass(ctx: KioskContext, *, force: bool) -> Op[PassOutcome]:
    """One pass of the sync engine ("Đồng bộ ngay" forces it past the back-off); the summary is read on the worker too."""

    def work(progress: Callable[[Any], None]) -> PassOutcome:
        from sync.engine import SyncEngine

        try:
            report, error = SyncEngine(ctx).run_once(force=force, progress=progress), None
        except Exception as exc:  # noqa: BLE001 - the GUI thread turns it into the officer's message
            report, error = None, exc
        return PassOutcome(report, error, read_status(ctx))

    return Op(work, network=True, reports_progress=True)


def health_probe(ctx: KioskContext) -> Op[bool]:
    """The portal's health check only (after a network cut, every 2–3 s): True on the real portal's answer."""

    def work() -> bool:
        from sync.engine import probe

        return probe(ctx)

    return Op(work, network=True)


def sync_status(ctx: KioskContext) -> Op[Any]:
    """The status bar's figures, read on the database worker."""
    return Op(lambda: read_status(ctx))


def queue(ctx: KioskContext) -> Op[tuple[list[Any], str | None]]:
    """The queue view: each outbox entry not yet delivered, and the latest problem of a whole pass."""

    def work() -> tuple[list[Any], str | None]:
        from sync.engine import current_problem, queue_summary, status

        return queue_summary(ctx), current_problem(status(ctx))

    return Op(work)
