"""Officer accounts: PINs hashed with Argon2id; a login that gives nothing away; lockouts that grow.

A refused login says one sentence (LOGIN_REFUSED) whether the name is unknown, the PIN wrong or the account locked,
and costs one Argon2 verification in every case (against a fixed dummy hash when there is no real one to check), so
neither the message nor the time tells who exists or who is locked. The audit keeps the real reason: it is for the
administrator. MAX_FAILURES wrong PINs in a row lock the account for FIRST_LOCKOUT, each lockout after that twice
as long, up to LONGEST_LOCKOUT; the level is stored with the officer (migration 0009), so a restart lifts nothing,
and goes back to 0 at a successful login or an administrator's unlock. What a new PIN must be: pin_policy.py.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.errors import AuthError, InputError
from kiosk.security.pin_policy import pin_problem
from kiosk.storage.models import ROLES, Officer, utcnow

MAX_FAILURES = 5
FIRST_LOCKOUT = timedelta(minutes=5)
LONGEST_LOCKOUT = timedelta(hours=24)
USERNAME_RE = re.compile(r"[a-z][a-z0-9._-]{1,49}")
LOGIN_REFUSED = ("Tên đăng nhập hoặc mã PIN không đúng, hoặc tài khoản đang tạm khóa. Nhập sai nhiều lần thì tài khoản "
                 "bị khóa lâu dần; cần mở khóa ngay, hãy nhờ quản trị viên.")

_hasher = PasswordHasher()  # argon2-cffi's defaults are Argon2id (RFC 9106 low-memory profile)
# A hash of a random PIN nobody knows, made with argon2-cffi's defaults: what an unknown name or a locked account
# is checked against, so that every answer costs one verification. Made afresh (once) if the defaults change.
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$5ytSspA3cgqkARRl++m12A$d7dUBauQCupe2XzBL3cVNcu2iaSBiCFhbC8saHiwLfI"
_dummy: list[str] = []


@dataclass(frozen=True)
class OfficerRef:
    """The logged-in officer as the core needs it (no ORM object crosses threads).

    `pin_change_due`: the PIN just typed does not pass today's policy (set before it): the window asks for a new
    one before anything else.
    """

    id: int
    username: str
    full_name: str
    role: str
    pin_change_due: bool = False

    @classmethod
    def of(cls, officer: Officer) -> "OfficerRef":
        return cls(officer.id, officer.username, officer.full_name, officer.role)


class LoginRefused(AuthError):
    """A refused login: always LOGIN_REFUSED for the officer; `reason` (unknown, inactive, wrong_pin, locked) for the audit."""

    def __init__(self, reason: str, *, locked_until: datetime | None = None) -> None:
        super().__init__(LOGIN_REFUSED, locked=locked_until is not None)
        self.reason = reason
        self.locked_until = locked_until


def lockout_for(level: int) -> timedelta:
    """How long the `level`-th lockout in a row lasts: 5 minutes, then doubling, never more than a day."""
    return min(FIRST_LOCKOUT * 2 ** min(max(level, 1) - 1, 20), LONGEST_LOCKOUT)


def add_officer(session: Session, username: str, full_name: str, role: str, pin: str) -> Officer:
    """Create an officer; raises InputError with a Vietnamese message on bad input, a weak PIN or a taken username."""
    username = check_new_officer(username, full_name, role, pin)
    if session.scalar(select(Officer).where(Officer.username == username)):
        raise InputError(f"Tên đăng nhập {username} đã tồn tại.")
    officer = Officer(username=username, full_name=full_name.strip(), role=role, pin_hash=_hasher.hash(pin), lockout_level=0)
    session.add(officer)
    session.flush()
    return officer


def check_new_officer(username: str, full_name: str, role: str, pin: str) -> str:
    """The user name as stored, once name, role and PIN pass; InputError (Vietnamese) otherwise. `kiosk-admin init`
    checks its first administrator with it before writing anything."""
    username = username.strip().lower()
    if not USERNAME_RE.fullmatch(username):
        raise InputError("Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, gạch ngang; 2–50 ký tự.")
    if role not in ROLES:
        raise InputError(f"Vai trò phải là một trong: {', '.join(ROLES)}.")
    if not full_name.strip():
        raise InputError("Họ tên cán bộ không được để trống.")
    problem = pin_problem(pin)
    if problem:
        raise InputError(problem)
    return username


def login(ctx: Any, username: str, pin: str, now: datetime | None = None) -> OfficerRef:
    """Check a PIN and audit the attempt with its real reason; a failure's count (and lockout) is committed before
    AuthError (always LOGIN_REFUSED) is raised. On a PIN set before today's policy, `pin_change_due` is set."""
    from kiosk.security import audit

    failure: LoginRefused | None = None
    with ctx.transaction() as session:
        try:
            officer = authenticate(session, username, pin, now)
        except LoginRefused as exc:
            until = {"locked_until": exc.locked_until.isoformat()} if exc.locked_until else {}
            audit.record(session, (username.strip().lower() or "?")[:80], "login.failed", reason=exc.reason, locked=exc.locked, **until)
            failure = exc
        else:
            due = pin_problem(pin) is not None
            audit.record(session, officer.username, "login.ok", **({"pin_change_due": True} if due else {}))
            return replace(OfficerRef.of(officer), pin_change_due=due)
    raise failure


def authenticate(session: Session, username: str, pin: str, now: datetime | None = None) -> Officer:
    """Return the officer on a correct PIN; otherwise raise LoginRefused after exactly one Argon2 verification.

    Wrong PINs are counted; the MAX_FAILURES-th locks the account for lockout_for(level). While locked, even the
    right PIN is refused (and not checked: the dummy hash is, for the time)."""
    now = now or utcnow()
    officer = session.scalar(select(Officer).where(Officer.username == username.strip().lower()))
    if officer is None or not officer.active:
        _verify(_dummy_hash(), pin)
        raise LoginRefused("unknown" if officer is None else "inactive")
    if officer.locked_until and officer.locked_until > now:
        _verify(_dummy_hash(), pin)
        raise LoginRefused("locked", locked_until=officer.locked_until)
    if not _verify(officer.pin_hash, pin):
        officer.failed_attempts += 1
        if officer.failed_attempts < MAX_FAILURES:
            raise LoginRefused("wrong_pin")
        officer.failed_attempts = 0
        officer.lockout_level = (officer.lockout_level or 0) + 1
        officer.locked_until = now + lockout_for(officer.lockout_level)
        raise LoginRefused("wrong_pin", locked_until=officer.locked_until)
    officer.failed_attempts = 0
    officer.locked_until = None
    officer.lockout_level = 0  # a successful login ends the escalation: the next lockout is 5 minutes again
    if _hasher.check_needs_rehash(officer.pin_hash):
        officer.pin_hash = _hasher.hash(pin)
    return officer


def _verify(pin_hash: str, pin: str) -> bool:
    try:
        return _hasher.verify(pin_hash, pin or "")
    except (VerificationError, InvalidHashError):
        return False


def verify_pin(pin_hash: str | None, pin: str) -> bool:
    """One Argon2 check of `pin` against `pin_hash`, or against the dummy hash (same cost) when there is none."""
    return _verify(pin_hash, pin) if pin_hash else (_verify(_dummy_hash(), pin) and False)


def _dummy_hash() -> str:
    if not _dummy:
        _dummy.append(_DUMMY_HASH if not _hasher.check_needs_rehash(_DUMMY_HASH) else _hasher.hash(secrets.token_hex(32)))
    return _dummy[0]


def change_own_pin(ctx: Any, officer: OfficerRef, current_pin: str, new_pin: str, now: datetime | None = None) -> None:
    """The officer changes their own PIN (the first-login change, docs/security.md): the current PIN is checked like a
    login (a wrong one counts towards a lockout), the new one against the policy; audited."""
    from kiosk.security import audit

    problem = pin_problem(new_pin)
    if problem:
        raise InputError(problem)
    if new_pin == current_pin:
        raise InputError("Mã PIN mới phải khác mã PIN đang dùng.")
    failure: LoginRefused | None = None
    with ctx.transaction() as session:
        try:
            row = authenticate(session, officer.username, current_pin, now)
        except LoginRefused as exc:
            audit.record(session, officer.username, "pin.change_refused", reason=exc.reason, locked=exc.locked)
            failure = exc
        else:
            row.pin_hash = _hasher.hash(new_pin)
            audit.record(session, officer.username, "officer.pin_changed", username=officer.username)
            return
    raise AuthError("Mã PIN đang dùng không đúng (hoặc tài khoản đang tạm khóa).", locked=failure.locked)


def set_pin(ctx: Any, actor_name: str, username: str, new_pin: str) -> None:
    """An administrator sets an officer's PIN (`kiosk-admin officer pin`: a forgotten or an old short PIN); audited."""
    from kiosk.security import audit

    problem = pin_problem(new_pin)
    if problem:
        raise InputError(problem)
    with ctx.transaction() as session:
        officer = _named(session, username)
        officer.pin_hash = _hasher.hash(new_pin)
        audit.record(session, actor_name, "officer.pin_set", username=officer.username)


def _named(session: Session, username: str) -> Officer:
    officer = session.scalar(select(Officer).where(Officer.username == username.strip().lower()))
    if officer is None:
        raise InputError(f"Không có cán bộ {username}.")
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
    """Lift a lockout before its time runs out (an administrator at the admin screen, after checking who is at the counter)."""
    from kiosk.security.roles import require

    require(actor, "officers")
    lift_lockout(ctx, actor.username, username)


def lift_lockout(ctx: Any, actor_name: str, username: str) -> None:
    """Unlock and end the escalation (the next lockout is 5 minutes again); audited with what was lifted.
    `kiosk-admin officer unlock` calls it as the data folder's owner, the admin screen through unlock_officer."""
    from kiosk.security import audit

    with ctx.transaction() as session:
        officer = _named(session, username)
        was = officer.locked_until
        audit.record(session, actor_name, "officer.unlocked", username=officer.username, level=officer.lockout_level or 0,
                     **({"locked_until": was.isoformat()} if was else {}))
        officer.locked_until = None
        officer.failed_attempts = 0
        officer.lockout_level = 0


def record_idle_lock(ctx: Any, username: str, idle_minutes: int) -> None:
    """The window locked itself after `idle_minutes` without input; the officer types the PIN again (audited)."""
    from kiosk.security import audit

    with ctx.transaction() as session:
        audit.record(session, username, "session.locked", idle_minutes=idle_minutes)
