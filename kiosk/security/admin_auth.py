"""Administrators prove who they are before `kiosk-admin` changes officers, keys, retention, the site or a restore.

Officers share the PC's operating-system account (docs/admin.md), so owning the data folder proves nothing about
who sits at the keyboard. A command that changes the kiosk therefore asks for an administrator's user name and PIN,
checks them exactly as the login screen does (one Argon2 check, the same lockout and escalation: kiosk/security/
officers.py), refuses an officer's PIN, and records the administrator's name, the command and the operating-system
account in the audit chain. Read-only commands and `doctor` stay open. docs/admin.md lists which command is which.

A site is never open: `kiosk-admin init` creates the first administrator. A data folder without any administrator
(a per-site package before its first `officer add --role admin`, or a folder from before this rule) lets exactly
one thing through unasked: adding the first administrator (`officer.first_admin` in the audit chain).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.errors import AuthError
from kiosk.security.officers import LOGIN_REFUSED, LoginRefused, OfficerRef, authenticate, verify_pin
from kiosk.storage.models import Officer

NOT_ADMIN = ("Tài khoản này không có quyền quản trị. Lệnh này cần tên đăng nhập và mã PIN của một quản trị viên "
             "của đơn vị (This command needs an administrator's user name and PIN).")


def has_admin(session: Session) -> bool:
    """True once the site has an active administrator (then nothing is let through unasked)."""
    return session.scalar(select(Officer.id).where(Officer.role == "admin", Officer.active.is_(True)).limit(1)) is not None


def admin_login(ctx: Any, username: str, pin: str, *, command: str, os_account: str, now: datetime | None = None) -> OfficerRef:
    """Check an administrator's name and PIN for `command`; audit the attempt either way.

    A refused attempt is committed (its count and any lockout too) before AuthError is raised, with the login screen's
    one message for an unknown name, a wrong PIN and a locked account; a right PIN of an officer gets NOT_ADMIN.
    """
    from kiosk.security import audit

    failure: AuthError | None = None
    with ctx.transaction() as session:
        try:
            officer = authenticate(session, username, pin, now)
        except LoginRefused as exc:
            audit.record(session, (username.strip().lower() or "?")[:80], "admin.login_failed", command=command,
                         reason=exc.reason, locked=exc.locked, os=os_account)
            failure = exc
        else:
            if officer.role == "admin":
                audit.record(session, officer.username, "admin.login", command=command, os=os_account)
                return OfficerRef.of(officer)
            audit.record(session, officer.username, "admin.login_failed", command=command, reason="not_admin", os=os_account)
            failure = AuthError(NOT_ADMIN)
    raise failure


def admin_in_database(connection: Any, username: str, pin: str) -> str:
    """Check an administrator against a database that is not (or not yet) the kiosk's own: a backup about to be
    restored when the current database does not open, or the database behind a recovered key. Read-only: no count,
    no lockout (there is nowhere to keep them), so it is only used where the live database cannot be.
    `connection` is a keyed SQLCipher connection (kiosk.storage.db.connect_encrypted)."""
    row = connection.execute(
        "SELECT username, role, pin_hash, active FROM officer WHERE username = ?", (username.strip().lower(),)
    ).fetchone()
    if row is None or not row[3]:
        verify_pin(None, pin)  # the same cost as a real check
        raise AuthError(LOGIN_REFUSED)
    if not verify_pin(row[2], pin):
        raise AuthError(LOGIN_REFUSED)
    if row[1] != "admin":
        raise AuthError(NOT_ADMIN)
    return str(row[0])


def database_has_admin(connection: Any) -> bool:
    return connection.execute("SELECT 1 FROM officer WHERE role = 'admin' AND active LIMIT 1").fetchone() is not None


def admin_in_file(db_path: Path, key: bytes, username: str, pin: str) -> str:
    """admin_in_database on a database file, opened read-only with `key`."""
    from kiosk.storage.db import connect_encrypted

    connection = connect_encrypted(db_path, key)
    try:
        if not database_has_admin(connection):
            return ""  # a database from before the rule: nobody to ask (the caller says so in the audit chain)
        return admin_in_database(connection, username, pin)
    finally:
        connection.close()

