"""Who may do what: an officer receives, syncs, reprints and looks up; an administrator also manages the kiosk.

The UI hides what a role may not use and the core functions behind admin screens check again (`require`),
so a hidden button is never the only guard. `kiosk-admin` runs as the operating-system account that owns
the data folder, which officers share: its commands that change the kiosk ask for an administrator's name and
PIN (kiosk/security/admin_auth.py, docs/admin.md section 13).
"""

from __future__ import annotations

from typing import Any

from kiosk.errors import AuthError

OFFICER_ACTIONS = frozenset({"receive", "sync", "reprint", "lookup"})
ADMIN_ACTIONS = OFFICER_ACTIONS | frozenset({"officers", "settings", "enrol", "backup", "export", "purge", "restore"})
BY_ROLE = {"officer": OFFICER_ACTIONS, "admin": ADMIN_ACTIONS}


def allowed(role: str | None, action: str) -> bool:
    return action in BY_ROLE.get(role or "", frozenset())


def require(officer: Any, action: str) -> None:
    """Raise AuthError (a Vietnamese message) unless the logged-in officer's role allows `action`."""
    if not allowed(getattr(officer, "role", None), action):
        raise AuthError("Chức năng này chỉ dành cho quản trị viên. Hãy nhờ quản trị viên của đơn vị.")
