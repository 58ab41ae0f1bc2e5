"""`kiosk-admin init` and the site's first administrator: a new site is never open (docs/admin.md).

On a new data folder `init` needs `--admin USER --admin-name "Họ tên"` and that administrator's PIN on standard input;
everything is checked before settings.json is written. On a folder already set up, `init --force` changes the site:
an administrator proves it (`--as`, ui/admin/admin_login.py); a folder that has no administrator yet (made before
this rule) gets its first one the same way as a new site.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from kiosk.errors import InputError
from kiosk.storage.paths import DataDir
from ui.admin.stdin_secret import stdin_line

NEEDS_ADMIN = ("Một điểm tiếp nhận mới cần quản trị viên đầu tiên: --admin TÊN --admin-name \"Họ tên\", mã PIN (ít nhất 6 chữ số) "
               "trên đầu vào chuẩn, ví dụ echo PIN | kiosk-admin init … --admin TÊN --admin-name \"Họ tên\" "
               "(A new site needs its first administrator: --admin USER --admin-name NAME, the PIN on standard input.)")


@dataclass(frozen=True)
class FirstAdmin:
    username: str
    full_name: str
    pin: str


def first_admin_request(root: Path, args: argparse.Namespace, open_unchecked: Callable[[argparse.Namespace], Any],
                        os_account: str) -> FirstAdmin | None:
    """The first administrator to create with the site (checked, nothing written yet), or None when the site already has
    one (then an administrator has just proved `init --force`) or is set up and not being forced (init_site refuses)."""
    from kiosk.security.admin_auth import has_admin
    from kiosk.security.officers import check_new_officer
    from ui.admin.admin_login import prove_admin

    data = DataDir(root)
    if data.settings_path.exists():
        if not args.force:
            return None
        if data.db_path.exists():
            ctx = open_unchecked(args)
            try:
                with ctx.read() as session:
                    any_admin = has_admin(session)
                if any_admin:
                    prove_admin(ctx, args, os_account)
                    return None
            finally:
                ctx.close()
    if not args.admin or not args.admin_name:
        raise InputError(NEEDS_ADMIN)
    pin = getpass.getpass("Mã PIN của quản trị viên: ", stream=sys.stderr) if sys.stdin.isatty() else stdin_line()
    username = check_new_officer(args.admin, args.admin_name, "admin", pin)
    return FirstAdmin(username, args.admin_name.strip(), pin)


def add_first_admin(first: FirstAdmin, open_unchecked: Callable[[argparse.Namespace], Any], args: argparse.Namespace,
                    os_account: str) -> str:
    """Create the site's first administrator (audited `officer.first_admin` under the OS account) and return its name."""
    from kiosk.security import audit
    from kiosk.security.officers import add_officer

    ctx = open_unchecked(args)
    try:
        with ctx.transaction() as session:
            officer = add_officer(session, first.username, first.full_name, "admin", first.pin)
            audit.record(session, os_account, "officer.first_admin", username=officer.username, role=officer.role)
            return officer.username
    finally:
        ctx.close()
