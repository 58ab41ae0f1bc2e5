"""Operations of the admin screen: officers, site settings, enrolment, backup and purge (the core checks the role)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ui.operations.op import Op

if TYPE_CHECKING:
    from kiosk.security.officers import OfficerRef
    from kiosk.storage.context import KioskContext


def list_officers(ctx: KioskContext, actor: OfficerRef | None) -> Op[list[Any]]:
    def work() -> list[Any]:
        from kiosk.security.officers import list_officers as rows

        return rows(ctx, actor)

    return Op(work)


def add_officer(ctx: KioskContext, actor: OfficerRef | None, username: str, full_name: str, role: str, pin: str) -> Op[Any]:
    def work() -> Any:
        from kiosk.security.officers import add_officer_as

        return add_officer_as(ctx, actor, username, full_name, role, pin)

    return Op(work)


def unlock_officer(ctx: KioskContext, actor: OfficerRef | None, username: str) -> Op[None]:
    def work() -> None:
        from kiosk.security.officers import unlock_officer as unlock

        unlock(ctx, actor, username)

    return Op(work)


@dataclass(frozen=True)
class SiteSettingsView:
    """The settings form's content: the settings, which of them may change here, and the enrolment."""

    settings: Any
    editable: tuple[str, ...]
    portal_url: str | None  # where the kiosk is enrolled, None if it is not
    kiosk_id: str | None


def site_settings(ctx: KioskContext) -> Op[SiteSettingsView]:
    def work() -> SiteSettingsView:
        from kiosk.storage.site import EDITABLE
        from sync.credentials import load_credentials

        credentials = load_credentials(ctx.data)
        return SiteSettingsView(
            ctx.settings, tuple(EDITABLE), credentials.portal_url if credentials else None, credentials.kiosk_id if credentials else None,
        )

    return Op(work)


def update_settings(ctx: KioskContext, actor: OfficerRef | None, changes: dict[str, Any]) -> Op[Any]:
    """Checked, written atomically and in effect at once; the new settings."""

    def work() -> Any:
        from kiosk.storage.site import update_settings as update

        return update(ctx, actor, changes)

    return Op(work)


def enrol(ctx: KioskContext, actor: OfficerRef | None, portal_url: str, code: str) -> Op[Any]:
    """Enrol the kiosk with the portal, on the network worker so it never overlaps a sync pass; the credentials."""

    def work() -> Any:
        from sync.enrolment import enrol_as

        return enrol_as(ctx, actor, portal_url, code)

    return Op(work, network=True)


def backup(ctx: KioskContext, actor: OfficerRef | None) -> Op[Any]:
    def work() -> Any:
        from kiosk.storage.backup import backup_as

        return backup_as(ctx, actor)

    return Op(work)


def purge(ctx: KioskContext, actor: OfficerRef | None) -> Op[Any]:
    """Purge the personal data of dossiers past their retention period now; the report."""

    def work() -> Any:
        from kiosk.dossier.retention import purge_as

        return purge_as(ctx, actor)

    return Op(work)


def housekeeping(ctx: KioskContext) -> Op[None]:
    """What runs by itself every few hours: the retention purge and the daily encrypted backup."""

    def work() -> None:
        from kiosk.dossier.retention import purge as purge_due
        from kiosk.storage.backup import backup_if_due

        purge_due(ctx)
        backup_if_due(ctx)

    return Op(work)
