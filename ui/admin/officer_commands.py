"""`kiosk-admin officer unlock USER` and `kiosk-admin officer pin USER` (registered by ui.admin.cli.build_parser).

Both are administrators' commands (ui/admin/admin_login.py): the administrator's name and PIN come first on standard
input and the audit chain names them. `pin` reads the new PIN from standard input like `officer add`, so it never
shows in the shell's history; the PIN policy (kiosk/security/pin_policy.py) applies.
"""

from __future__ import annotations

import argparse
from typing import Any, Callable

from ui.admin.admin_login import needs_admin

EXIT_OK = 0


def register(officer_sub: Any, common: argparse.ArgumentParser, open_kiosk: Callable[[argparse.Namespace], Any],
             os_account: Callable[..., str]) -> None:
    def cmd_unlock(args: argparse.Namespace, out: Any) -> int:
        from kiosk.security.officers import lift_lockout

        ctx = open_kiosk(args)
        try:
            lift_lockout(ctx, os_account(args), args.username)
        finally:
            ctx.close()
        out.emit({"ok": True, "username": args.username},
                 f"Đã mở khóa tài khoản {args.username}; lần khóa sau (nếu nhập sai tiếp) lại tính từ 5 phút.")
        return EXIT_OK

    def cmd_pin(args: argparse.Namespace, out: Any) -> int:
        from kiosk.security.officers import set_pin

        from ui.admin.stdin_secret import stdin_line

        ctx = open_kiosk(args)  # the administrator's name and PIN first, then the new PIN
        try:
            set_pin(ctx, os_account(args), args.username, stdin_line())
        finally:
            ctx.close()
        out.emit({"ok": True, "username": args.username}, f"Đã đặt mã PIN mới cho {args.username}.")
        return EXIT_OK

    p = officer_sub.add_parser("unlock", parents=[common], help="mở khóa tài khoản bị tạm khóa do nhập sai mã PIN (ghi nhật ký)")
    p.set_defaults(handler=cmd_unlock)
    needs_admin(p, "officer unlock")
    p.add_argument("username")
    p = officer_sub.add_parser("pin", parents=[common],
                               help="đặt mã PIN mới cho cán bộ; mã PIN đọc từ đầu vào chuẩn (ít nhất 6 chữ số, không dễ đoán)")
    p.set_defaults(handler=cmd_pin)
    needs_admin(p, "officer pin")
    p.add_argument("username")
