"""Officer accounts: PINs hashed with Argon2id, lockout after repeated failures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.errors import AuthError, InputError
from kiosk.storage.models import ROLES, Officer, utcnow

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
USERNAME_RE = re.compile(r"[a-z][a-z0-9._-]{1,49}")

_hasher = PasswordHasher()  # argon2-cffi's defaults are Argon2id (RFC 9106 low-memory profile)


@dataclass(frozen=True)
class OfficerRef:
    """The logged-in officer as the core needs it (no ORM object crosses threads)."""

    id: int
    username: str
    full_name: str
    role: str

    @classmethod
    def of(cls, officer: Officer) -> "OfficerRef":
        return cls(officer.id, officer.username, officer.full_name, officer.role)


def check_pin(pin: str) -> str | None:
    if not isinstance(pin, str) or not 4 <= len(pin) <= 64:
        return "Mã PIN phải có từ 4 đến 64 ký tự."
    if pin.strip() != pin:
        return "Mã PIN không được bắt đầu hoặc kết thúc bằng khoảng trắng."
    return None


def add_officer(session: Session, username: str, full_name: str, role: str, pin: str) -> Officer:
    """Create an officer; raises InputError with a Vietnamese message on bad input or a taken username."""
    username = username.strip().lower()
    if not USERNAME_RE.fullmatch(username):
        raise InputError("Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, gạch ngang; 2–50 ký tự.")
    if role not in ROLES:
        raise InputError(f"Vai trò phải là một trong: {', '.join(ROLES)}.")
    if not full_name.strip():
        raise InputError("Họ tên cán bộ không được để trống.")
    problem = check_pin(pin)
    if problem:
        raise InputError(problem)
    if session.scalar(select(Officer).where(Officer.username == username)):
        raise InputError(f"Tên đăng nhập {username} đã tồn tại.")
    officer = Officer(username=username, full_name=full_name.strip(), role=role, pin_hash=_hasher.hash(pin))
    session.add(officer)
    session.flush()
    return officer


def login(ctx: Any, username: str, pin: str, now: datetime | None = None) -> OfficerRef:
    """Check a PIN and audit the attempt; a failure's count (and lockout) is committed before AuthError is raised."""
    from kiosk.security import audit

    failure: AuthError | None = None
    with ctx.transaction() as session:
        try:
            officer = authenticate(session, username, pin, now)
        except AuthError as exc:
            audit.record(session, (username.strip().lower() or "?")[:80], "login.failed", locked=exc.locked)
            failure = exc
        else:
            audit.record(session, officer.username, "login.ok")
            return OfficerRef.of(officer)
    raise failure


def authenticate(session: Session, username: str, pin: str, now: datetime | None = None) -> Officer:
    """Return the officer on a correct PIN; count failures and lock the account after MAX_FAILURES."""
    now = now or utcnow()
    officer = session.scalar(select(Officer).where(Officer.username == username.strip().lower()))
    if officer is None or not officer.active:
        _hasher.hash(pin or "x")  # spend the same time so a missing account is not revealed by timing
        raise AuthError("Tên đăng nhập hoặc mã PIN không đúng.")
    if officer.locked_until and officer.locked_until > now:
        minutes = max(1, int((officer.locked_until - now).total_seconds() // 60) + 1)
        raise AuthError(f"Tài khoản tạm khóa do nhập sai nhiều lần. Thử lại sau {minutes} phút.", locked=True)
    try:
        _hasher.verify(officer.pin_hash, pin)
    except (VerificationError, InvalidHashError):
        officer.failed_attempts += 1
        if officer.failed_attempts >= MAX_FAILURES:
            officer.locked_until = now + LOCKOUT
            officer.failed_attempts = 0
            raise AuthError(f"Nhập sai {MAX_FAILURES} lần: tài khoản bị khóa {int(LOCKOUT.total_seconds() // 60)} phút.", locked=True)
        left = MAX_FAILURES - officer.failed_attempts
        raise AuthError(f"Tên đăng nhập hoặc mã PIN không đúng (còn {left} lần thử).")
    officer.failed_attempts = 0
    officer.locked_until = None
    if _hasher.check_needs_rehash(officer.pin_hash):
        officer.pin_hash = _hasher.hash(pin)
    return officer


@dataclass(frozen=True)
class OfficerRow:
    username: str
    full_name: str
    role: str
    active: bool
    locked_until: datetime | None


def list_officers(ctx: Any, actor: Any, now: datetime | None = None) -> list[OfficerRow]:
    from kiosk.security.roles import require

    require(actor, "officers")
    now = now or utcnow()
    with ctx.read() as session:
        return [
            OfficerRow(o.username, o.full_name, o.role, o.active, o.locked_until if o.locked_until and o.locked_until > now else None)
            for o in session.scalars(select(Officer).order_by(Officer.username))
        ]


def add_officer_as(ctx: Any, actor: Any, username: str, full_name: str, role: str, pin: str) -> OfficerRow:
    """An administrator adds an officer from the admin screen (audited)."""
    from kiosk.security import audit
    from kiosk.security.roles import require

    require(actor, "officers")
    with ctx.transaction() as session:
        officer = add_officer(session, username, full_name, role, pin)
        audit.record(session, actor.username, "officer.added", username=officer.username, role=officer.role)
        return OfficerRow(officer.username, officer.full_name, officer.role, officer.active, None)


def unlock_officer(ctx: Any, actor: Any, username: str) -> None:
    """Lift a lockout before its time runs out (an administrator, after checking who is at the counter)."""
    from kiosk.security import audit
    from kiosk.security.roles import require

    require(actor, "officers")
    with ctx.transaction() as session:
        officer = session.scalar(select(Officer).where(Officer.username == username))
        if officer is None:
            raise InputError(f"Không có cán bộ {username}.")
        officer.locked_until = None
        officer.failed_attempts = 0
        audit.record(session, actor.username, "officer.unlocked", username=username)


def record_idle_lock(ctx: Any, username: str, idle_minutes: int) -> None:
    """The window locked itself after `idle_minutes` without input; the officer types the PIN again (audited)."""
    from kiosk.security import audit

    with ctx.transaction() as session:
        audit.record(session, username, "session.locked", idle_minutes=idle_minutes)
