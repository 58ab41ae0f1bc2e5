"""Which `kiosk-admin` commands need an administrator, and how the name and PIN reach them (docs/admin.md, docs/cli.md).

An administrator's command is marked with `needs_admin(parser, "officer add")`: it accepts `--as USER` and, when it opens
the data folder (ui.admin.cli._open), the name and PIN are checked before anything changes (kiosk/security/admin_auth.py).
They come first on standard input, before any secret of the command itself (a new PIN, a passphrase):
- `--as USER`: the first line is the administrator's PIN;
- without `--as`: the first line is the user name, the second the PIN;
- at a terminal: asked for, the PIN without echo.
The actor recorded in the audit chain for the command is then the administrator's user name.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from kiosk.errors import InputError
from ui.admin.stdin_secret import stdin_line

AS_HELP = "tên đăng nhập quản trị viên thực hiện lệnh; mã PIN đọc từ đầu vào chuẩn (stdin), không bao giờ trên dòng lệnh"
NO_ADMIN_YET = ("Đơn vị chưa có quản trị viên. Thêm quản trị viên đầu tiên trước: "
                "echo PIN | kiosk-admin officer add TÊN --name \"Họ tên\" --role admin")


def needs_admin(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    """Mark `parser`'s command as an administrator's (`command` is its name in the audit chain) and give it `--as`."""
    parser.add_argument("--as", dest="as_user", metavar="USER", default=None, help=AS_HELP)
    parser.set_defaults(admin_command=command)
    return parser


def read_credentials(args: argparse.Namespace) -> tuple[str, str]:
    """The administrator's user name and PIN, read once, before the command reads its own secrets."""
    if getattr(args, "admin_credentials", None):
        return args.admin_credentials
    interactive = sys.stdin.isatty()
    username = getattr(args, "as_user", None) or ""
    if not username:
        if interactive:
            print("Tên đăng nhập quản trị viên: ", end="", file=sys.stderr, flush=True)
        username = stdin_line().strip()
    pin = getpass.getpass("Mã PIN: ", stream=sys.stderr) if interactive else stdin_line()
    if not username or not pin:
        raise InputError(
            "Lệnh này cần tên đăng nhập và mã PIN của một quản trị viên: --as TÊN và mã PIN trên đầu vào chuẩn, ví dụ "
            "echo PIN | kiosk-admin " + args.admin_command + " --as TÊN … (This command needs an administrator: --as USER, "
            "with the PIN on standard input.)"
        )
    args.admin_credentials = (username, pin)
    return args.admin_credentials


def prove_admin(ctx: Any, args: argparse.Namespace, os_account: str) -> None:
    """Check the administrator for an administrator's command (once per run); sets `args.actor`.

    The only command let through unasked is adding the first administrator of a site that has none
    (`args.first_admin` is then set, and the caller records `officer.first_admin`)."""
    from kiosk.security.admin_auth import admin_login, has_admin

    command = getattr(args, "admin_command", None)
    if not command or getattr(args, "actor", None):
        return
    with ctx.read() as session:
        any_admin = has_admin(session)
    if not any_admin:
        if command == "officer add" and getattr(args, "role", None) == "admin":
            args.actor, args.first_admin = os_account, True
            return
        raise InputError(NO_ADMIN_YET)
    username, pin = read_credentials(args)
    args.actor = admin_login(ctx, username, pin, command=command, os_account=os_account).username


def prove_admin_for_restore(root: Path, backup: Path, args: argparse.Namespace, os_account: str) -> None:
    """`restore`: the administrator is checked in the current database when it opens (with its lockout); a damaged
    database is a reason to restore, so then in the backup about to be restored (read-only, kiosk/security/admin_auth.py)."""
    from kiosk.errors import KioskError
    from kiosk.security.admin_auth import admin_in_file
    from kiosk.security.keystore import load_data_key
    from kiosk.storage.context import open_kiosk
    from kiosk.storage.paths import DataDir

    data = DataDir(root)
    ctx = None
    if data.db_path.exists():
        try:
            ctx = open_kiosk(root)
        except Exception:  # noqa: BLE001 - whatever keeps it from opening, the backup is asked instead
            ctx = None
    if ctx is not None:
        try:
            prove_admin(ctx, args, os_account)
        finally:
            ctx.close()
        return
    key = load_data_key(root)
    if key is None or not backup.is_file():
        return  # restore() says what is missing, before anything changes
    username, pin = read_credentials(args)
    try:
        name = admin_in_file(backup, key, username, pin)
    except KioskError:
        raise
    except Exception as exc:  # noqa: BLE001 - not a database this key opens: refuse rather than let it through
        raise InputError(f"Không kiểm tra được quản trị viên trong bản sao lưu {backup.name}: tệp không mở được bằng khóa của máy.") from exc
    args.actor = name or os_account


def actor(args: argparse.Namespace, os_account: str) -> str:
    """Who the audit chain names for this command: the administrator who proved it, else the OS account."""
    return getattr(args, "actor", None) or os_account
