"""What the officer's home screen shows: their drafts, the latest dossiers received, a warning if the PC clock is behind."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.clock import floor
from kiosk.dossier.codes import clock_warning
from kiosk.dossier.search import DossierSummary, search_dossiers
from kiosk.dossier.drafts import DraftSummary, list_drafts
from kiosk.storage.context import KioskContext

RECENT = 15  # dossiers in the home screen's "recently received" list


@dataclass(frozen=True)
class HomeOverview:
    drafts: list[DraftSummary]  # the officer's own, newest first
    recent: list[DossierSummary]
    clock_warning: str | None


def home_overview(ctx: KioskContext, officer_id: int | None) -> HomeOverview:
    """The home screen's lists for this officer (every officer's drafts when `officer_id` is None)."""
    drafts = list_drafts(ctx, officer_id)
    with ctx.read() as session:
        recent = search_dossiers(session, "", limit=RECENT)
        now = ctx.now()
        warning = clock_warning(session, now, confirmed=floor.confirmed_recently(floor.load(ctx.data.root), now))
    return HomeOverview(drafts, recent, warning)
