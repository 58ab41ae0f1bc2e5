"""`kiosk-admin clock show` and `kiosk-admin clock allow --hours N` (docs/clock.md). Registered by ui.admin.cli."""

from __future__ import annotations

import argparse
from typing import Any, Callable

from ui.admin.admin_login import needs_admin

EXIT_OK = 0


def register(add: Callable[..., argparse.ArgumentParser], open_ctx: Callable[[argparse.Namespace], Any],
             os_account: Callable[..., str]) -> None:
    def show(args: argparse.Namespace, out: Any) -> int:
        from kiosk.clock import floor

        ctx = open_ctx(args)
        state = floor.load(ctx.data.root)
        check = state.last_check
        payload = {"floor": state.floor, "source": state.source, "override_until": state.override_until,
                   "skew_s": check.skew_s if check else None, "checked_at": check.kiosk_time if check else None}
        lines = [f"Mốc thời gian tin cậy: {floor.describe(state)}."]
        if check is not None:
            lines.append(floor.skew_text(check.skew_s) if abs(check.skew_s) > floor.SKEW_SHOWN_S else "Đồng hồ máy khớp giờ của cổng.")
        if state.override_until is not None:
            lines.append(f"Cho phép tiếp nhận với đồng hồ sai đến {state.override_until.isoformat(timespec='minutes')} ({state.override_by}).")
        out.emit(payload, "\n".join(lines))
        return EXIT_OK

    def allow(args: argparse.Namespace, out: Any) -> int:
        from kiosk.clock.override import allow_receiving

        ctx = open_ctx(args)
        state = allow_receiving(ctx, args.hours, os_account(args))
        out.emit({"ok": True, "override_until": state.override_until},
                 f"Đã cho phép tiếp nhận trong {args.hours:g} giờ dù đồng hồ máy sai (đã ghi nhật ký kiểm tra). Hãy chỉnh ngày giờ của máy sớm nhất có thể.")
        return EXIT_OK

    clock = add("clock", show, "mốc thời gian tin cậy của máy; cho phép tiếp nhận tạm thời khi đồng hồ sai")
    sub = clock.add_subparsers(dest="clock_command", metavar="ACTION")
    sub.add_parser("show", help="mốc thời gian và độ lệch so với cổng").set_defaults(handler=show)
    p = sub.add_parser("allow", help="cho phép tiếp nhận dù đồng hồ chậm hơn mốc (ghi vào nhật ký kiểm tra)")
    p.add_argument("--hours", type=float, required=True, help="số giờ cho phép (tối đa 72)")
    p.set_defaults(handler=allow)
    needs_admin(p, "clock allow")
