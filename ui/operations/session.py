"""Operations of the officer's session at the counter: log in, the first-login PIN change, the audit of an idle lock."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ui.operations.op import Op

if TYPE_CHECKING:
    from kiosk.security.officers import OfficerRef
    from kiosk.storage.context import KioskContext


def login(ctx: KioskContext, username: str, pin: str) -> Op[OfficerRef]:
    """Check the PIN (the core counts failures and locks the account); the officer on success."""

    def work() -> OfficerRef:
        from kiosk.security.officers import login as check_login

        return check_login(ctx, username, pin)

    return Op(work)


def record_idle_lock(ctx: KioskContext, officer: OfficerRef, idle_minutes: int) -> Op[None]:
    """The window locked itself: audit it (nothing to show when it is done)."""

    def work() -> None:
        from kiosk.security.officers import record_idle_lock as record

        record(ctx, officer.username, idle_minutes)

    return Op(work)


def change_own_pin(ctx: KioskContext, officer: OfficerRef, current_pin: str, new_pin: str) -> Op[None]:
    """The first-login PIN change: the core checks the current PIN (counted like a login) and the new one's policy."""

    def work() -> None:
        from kiosk.security.officers import change_own_pin as change

        change(ctx, officer, current_pin, new_pin)

    return Op(work)
