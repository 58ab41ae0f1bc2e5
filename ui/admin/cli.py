"""`kiosk-admin`: headless administration of a kiosk data folder (contracts in docs/cli.md)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import uuid
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

from kiosk import __version__
from kiosk.errors import InputError, KioskError
from kiosk.storage.private import PRIVATE_UMASK
from kiosk.storage.paths import DataDir, owner_problem, resolve_data_dir
from ui.admin.admin_login import needs_admin
from ui.logfile import LOG_HANDLER_NAME, rotating_file_handler

log = logging.getLogger("ui.admin.cli")

EXIT_OK, EXIT_ACTION, EXIT_USAGE = 0, 1, 2


class Output:
    """Prints either human text or one JSON document, so every command supports --json the same way."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def emit(self, payload: dict[str, Any], text: str) -> None:
        if self.as_json:
            print(json.dumps(payload, ensure_ascii=False, indent=2, default=_json_default))
        else:
            print(text)


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(type(value).__name__)


def _open(args: argparse.Namespace):
    """Open the data folder; for an administrator's command, check the administrator first (ui/admin/admin_login.py)."""
    from ui.admin.admin_login import prove_admin

    ctx = _open_unchecked(args)
    try:
        prove_admin(ctx, args, _os_account())
    except BaseException:
        ctx.close()
        raise
    return ctx


def _open_unchecked(args: argparse.Namespace):
    from kiosk.storage.context import open_kiosk
    from kiosk.storage.paths import require_owner
    from kiosk.storage.provision import provision

    root = resolve_data_dir(args.data_dir)
    require_owner(root)
    provision(root)  # first start of a per-site package: its baked-in configuration sets the folder up
    return open_kiosk(root)


# --- commands -------------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace, out: Output) -> int:
    from kiosk.storage.site import check_site_values, init_site
    from ui.admin.first_admin import add_first_admin, first_admin_request

    root = resolve_data_dir(args.data_dir)
    values = {
        "unit_id": args.unit_id,
        "unit_name": args.unit_name,
        "commune_code": args.commune_code,
        "kiosk_number": args.kiosk_number,
        "portal_url": args.portal or "",
        "saturday_morning": args.saturday_morning,
    }
    check_site_values(values)  # bad settings are reported before the administrator is asked for
    first = first_admin_request(root, args, _open_unchecked, _os_account())  # a new site's administrator, or proof (--force)
    settings = init_site(root, values, overwrite=args.force)
    text = f"Đã thiết lập điểm tiếp nhận {settings.unit_name} ({settings.unit_id}) tại {root}."
    admin = add_first_admin(first, _open_unchecked, args, _os_account()) if first else None
    if admin:
        text += f" Quản trị viên: {admin}."
    out.emit({"ok": True, "data_dir": root, "settings": asdict(settings), "admin": admin}, text)
    return EXIT_OK


def cmd_site_change_unit_id(args: argparse.Namespace, out: Output) -> int:
    from kiosk.storage.site import change_unit_id

    ctx = _open(args)
    try:
        old, new = change_unit_id(ctx, args.unit_id, actor=_os_account(args))
    finally:
        ctx.close()
    out.emit(
        {"ok": True, "old_unit_id": old, "unit_id": new},
        f"Đã chuyển mã định danh đơn vị từ {old} sang {new}. Hồ sơ mới mang mã {new}; hồ sơ đã tiếp nhận giữ mã cũ. "
        "Cổng dịch vụ công được báo ở lần đồng bộ tới.",
    )
    return EXIT_OK


def cmd_officer_add(args: argparse.Namespace, out: Output) -> int:
    from kiosk.security.officers import add_officer

    from kiosk.security import audit
    from ui.admin.stdin_secret import stdin_line

    ctx = _open(args)  # an administrator's name and PIN come first on stdin (none for a site's first administrator)
    try:
        pin = stdin_line()
        with ctx.transaction() as session:
            officer = add_officer(session, args.username, args.name, args.role, pin)
            action = "officer.first_admin" if getattr(args, "first_admin", False) else "officer.added"
            audit.record(session, _os_account(args), action, username=officer.username, role=officer.role)
            payload = {"ok": True, "username": officer.username, "name": officer.full_name, "role": officer.role}
    finally:
        ctx.close()
    out.emit(payload, f"Đã thêm cán bộ {payload['name']} ({payload['username']}, vai trò {payload['role']}).")
    return EXIT_OK


def _read_submission(path: Path) -> tuple[dict[str, Any], dict[str, int] | None]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"Không có tệp {path}.") from exc
    except OSError as exc:  # a folder, no permission, an I/O error
        raise InputError(f"Không đọc được tệp {path} ({exc.strerror or exc}).") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: không phải JSON hợp lệ (không phải văn bản UTF-8, byte thứ {exc.start + 1}).") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: không phải JSON hợp lệ ({exc}).") from exc
    except RecursionError as exc:
        raise InputError(f"{path}: không phải JSON hợp lệ (lồng nhau quá sâu).") from exc
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise InputError(f"{path}: không phải JSON hợp lệ (có số quá dài).") from exc
    if not isinstance(raw, dict):
        raise InputError(f"{path}: phải là một đối tượng JSON {{mã trường: giá trị}}.")
    if isinstance(raw.get("values"), dict):
        documents = raw.get("documents")
        if documents is not None and not (
            isinstance(documents, dict) and all(isinstance(k, str) and isinstance(v, int) for k, v in documents.items())
        ):
            raise InputError(f"{path}: \"documents\" phải là {{mã giấy tờ: số lượng}}.")
        return raw["values"], documents
    return raw, None


def cmd_submit(args: argparse.Namespace, out: Output) -> int:
    from kiosk.dossier.submit import submit

    values, documents = _read_submission(Path(args.data))
    for attachment in args.attach:
        if not Path(attachment).is_file():
            raise InputError(f"Không có tệp đính kèm {attachment}.")
    ctx = _open(args)
    procedure = ctx.catalogue.get(args.procedure)
    if procedure is None:
        raise InputError(f"Không có thủ tục mã {args.procedure}. Xem danh sách: kiosk-admin procedures.")
    officer = _officer(ctx, args.officer)
    result = submit(
        ctx, procedure=procedure, values=values, officer=officer, documents=documents, extra_files=[Path(p) for p in args.attach]
    )
    if result.clock_warning:
        print(result.clock_warning, file=sys.stderr)
    payload = {
        "ok": True,
        "uuid": result.uuid,
        "code": result.code,
        "received_at": result.received_at,
        "appointment_date": result.appointment_date,
        "appointment_time": result.appointment_time,
        "clock_warning": result.clock_warning,
    }
    out.emit(payload, f"{result.code} hẹn trả {result.appointment_time} ngày {result.appointment_date:%d/%m/%Y}")
    return EXIT_OK


def _officer(ctx, username: str | None):
    from sqlalchemy import select

    from kiosk.security.officers import OfficerRef
    from kiosk.storage.models import Officer

    with ctx.transaction() as session:
        query = select(Officer).where(Officer.active.is_(True))
        if username:
            query = query.where(Officer.username == username)
        else:
            query = query.order_by((Officer.role != "admin"), Officer.id)
        officer = session.scalars(query).first()
        if officer is None:
            if username:
                raise InputError(f"Không có cán bộ {username}.")
            raise InputError("Chưa có cán bộ nào. Thêm trước: kiosk-admin officer add TÊN --name \"Họ tên\" --role officer")
        return OfficerRef.of(officer)


def cmd_receipt(args: argparse.Namespace, out: Output) -> int:
    from sqlalchemy import select

    from kiosk.storage.models import AuditEvent
    from kiosk.printed.load import find_dossier, load_receipt

    ctx = _open(args)
    with ctx.transaction() as session:
        dossier = find_dossier(session, args.code)
        printed_before = session.scalar(
            select(AuditEvent.id).where(AuditEvent.dossier_id == dossier.id, AuditEvent.action.like("receipt.%")).limit(1)
        )
    data = load_receipt(ctx, args.code, actor=_os_account(), reprint=printed_before is not None)
    # The CLI is a composition root: it is allowed to reach into ui/ for the one Qt drawing code.
    from ui.printing.receipt_render import render_pdf
    from ui.window.qt_app import ensure_gui_app

    ensure_gui_app()
    target = render_pdf(data, Path(args.pdf), paper=args.paper)
    out.emit({"ok": True, "code": data.dossier_code, "pdf": target, "paper": args.paper, "reprint": data.reprint}, f"Đã lưu giấy tiếp nhận {data.dossier_code} vào {target}")
    return EXIT_OK


def cmd_dossiers(args: argparse.Namespace, out: Output) -> int:
    from forms.timezone import VN_TZ
    from kiosk.dossier.events import counter_summaries
    from kiosk.dossier.search import LIFECYCLE_LABELS, SYNC_LABELS, search_dossiers

    ctx = _open(args)
    with ctx.transaction() as session:
        rows = search_dossiers(session, args.search or "", sync_state=args.sync_state, limit=args.limit)
        counter = counter_summaries(session, [r.code for r in rows if r.code])  # hand-back, stop, ratings
    payload = {"ok": True, "dossiers": [{**asdict(r), **counter.get(r.code or "", {})} for r in rows]}
    lines = [
        f"{r.code or '(nháp)':<28} {(r.received_at.astimezone(VN_TZ).strftime('%d/%m/%Y %H:%M') if r.received_at else ''):<17} "
        f"{LIFECYCLE_LABELS.get(r.lifecycle, r.lifecycle):<13} {SYNC_LABELS.get(r.sync_state or '', ''):<16} {r.procedure_name}"
        for r in rows
    ]
    out.emit(payload, "\n".join(lines) if lines else "Không có hồ sơ nào.")
    return EXIT_OK


def cmd_doctor(args: argparse.Namespace, out: Output) -> int:
    from ui.admin.checks import health_findings

    findings = health_findings(resolve_data_dir(args.data_dir))
    worst_error = any(f.severity == "error" for f in findings)
    payload = {"ok": not worst_error, "findings": [asdict(f) for f in findings]}
    icons = {"ok": "OK ", "warning": "CẢNH BÁO", "error": "LỖI"}
    lines = [f"[{icons[f.severity]}] {f.check}: {f.message_vi}" for f in findings]
    out.emit(payload, "\n".join(lines))
    return EXIT_ACTION if worst_error else EXIT_OK


def cmd_sync(args: argparse.Namespace, out: Output) -> int:
    from sync.engine import SyncEngine

    ctx = _open(args)
    report = SyncEngine(ctx).run_once(force=True)
    payload = report.as_dict()
    lines = [
        f"Cổng: {'đã kết nối' if report.reachable else 'không kết nối được'}. "
        f"Đã gửi {report.delivered}, lỗi {report.failed}, bị từ chối {report.rejected}, còn chờ {report.remaining}; "
        f"cập nhật trạng thái {report.status_changes}."
    ]
    if report.message:
        lines.append(report.message)
    lines += [f"  - {e.code} (lần {e.revision}): {e.message}" for e in report.errors]
    out.emit(payload, "\n".join(lines))
    return EXIT_OK if report.ok else EXIT_ACTION


def cmd_enrol(args: argparse.Namespace, out: Output) -> int:
    from sync.enrolment import enrol
    from ui.admin.stdin_secret import STDIN, enrolment_code

    if args.code != STDIN:
        enrolment_code(args.code)  # refused on the command line before anything else
    ctx = _open(args)  # the administrator's name and PIN come first on stdin
    code = enrolment_code(args.code)
    credentials = enrol(ctx, args.portal, code, actor=_os_account(args))
    payload = {"ok": True, "portal_url": credentials.portal_url, "kiosk_id": credentials.kiosk_id, "enrolled_at": credentials.enrolled_at}
    out.emit(payload, f"Đã đăng ký máy với cổng {credentials.portal_url} (mã máy {credentials.kiosk_id}).")
    return EXIT_OK


def _os_account(args: argparse.Namespace | None = None) -> str:
    """Who the audit chain names: with `args`, the administrator who proved an administrator's command; else (and for
    open commands) the operating-system account."""
    import getpass

    from ui.admin.admin_login import actor

    try:
        account = f"os:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 - getuser raises various errors when no user name is known
        account = "os:unknown"
    return actor(args, account) if args is not None else account


# --- parser ---------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    # --json and --data-dir are accepted before or after the command; the sub-parsers' copies default to
    # SUPPRESS so they never overwrite a value given before the command.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="in một tài liệu JSON (docs/cli.md)")
    common.add_argument("--data-dir", default=argparse.SUPPRESS, help="thư mục dữ liệu (mặc định: KIOSK_DATA_DIR hoặc thư mục người dùng)")

    parser = argparse.ArgumentParser(prog="kiosk-admin", description="Quản trị máy tiếp nhận hồ sơ Một Cửa (headless).")
    parser.add_argument("--json", action="store_true", default=False, help="in một tài liệu JSON (docs/cli.md)")
    parser.add_argument("--data-dir", default=None, help="thư mục dữ liệu (mặc định: KIOSK_DATA_DIR hoặc thư mục người dùng)")
    parser.add_argument("--version", action="version", version=f"kiosk-admin {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, handler: Callable[[argparse.Namespace, Output], int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    p = add("init", cmd_init, "thiết lập điểm tiếp nhận (site) trong thư mục dữ liệu")
    p.add_argument("--unit-id", required=True, help="mã định danh đơn vị, ví dụ H26.105.12 hoặc 000.00.07.H26")
    p.add_argument("--unit-name", required=True, help="tên cơ quan, ví dụ \"UBND xã Tân Hưng\"")
    p.add_argument("--commune-code", required=True, help="mã xã/phường 5 chữ số (danh mục 2025)")
    p.add_argument("--kiosk-number", required=True, type=int, help="số hiệu máy 1–9 trong đơn vị")
    p.add_argument("--portal", help="địa chỉ cổng dịch vụ công (https://…)")
    p.add_argument("--saturday-morning", action="store_true", help="đơn vị tiếp nhận sáng thứ Bảy")
    p.add_argument("--force", action="store_true", help="ghi đè thiết lập đã có (cần quản trị viên: --as)")
    p.add_argument("--admin", metavar="USER", help="tên đăng nhập quản trị viên đầu tiên (điểm mới); mã PIN đọc từ stdin")
    p.add_argument("--admin-name", metavar="NAME", help="họ tên quản trị viên đầu tiên")
    needs_admin(p, "init")

    site = sub.add_parser("site", parents=[common], help="thiết lập điểm tiếp nhận")
    site_sub = site.add_subparsers(dest="site_command", required=True, metavar="ACTION")
    p = site_sub.add_parser(
        "change-unit-id", parents=[common], help="chuyển sang mã định danh đơn vị được cấp lại (tắt phần mềm tiếp nhận trước)",
        description="Hồ sơ mới mang mã định danh mới; hồ sơ, giấy hẹn và trang tra cứu cũ giữ mã cũ (docs/admin.md).",
    )
    p.set_defaults(handler=cmd_site_change_unit_id)
    needs_admin(p, "site change-unit-id")
    p.add_argument("unit_id", metavar="NEW", help="mã định danh mới, ví dụ H26.105.12")

    officer = sub.add_parser("officer", parents=[common], help="quản lý cán bộ")
    officer_sub = officer.add_subparsers(dest="officer_command", required=True, metavar="ACTION")
    p = officer_sub.add_parser("add", parents=[common], help="thêm cán bộ; mã PIN đọc từ đầu vào chuẩn (stdin)")
    p.set_defaults(handler=cmd_officer_add)
    p.add_argument("username")
    p.add_argument("--name", required=True, help="họ và tên")
    p.add_argument("--role", required=True, choices=["officer", "admin"])
    needs_admin(p, "officer add")
    from ui.admin.officer_commands import register as register_officers

    register_officers(officer_sub, common, _open, _os_account)  # officer unlock, officer pin

    from ui.admin.procedures_command import cmd_procedures

    p = add("procedures", cmd_procedures, "liệt kê thủ tục hành chính máy sẽ dùng: bản cài sẵn và bản kích hoạt từ cổng (đánh dấu \"(từ cổng)\")")
    p.add_argument("--search", help="tìm không dấu, ví dụ \"khai sinh\"")

    p = add("submit", cmd_submit, "tiếp nhận một hồ sơ từ tệp JSON (mã trường theo định nghĩa biểu mẫu)")
    p.add_argument("--procedure", required=True, help="mã thủ tục, ví dụ 1.001193")
    p.add_argument("--data", required=True, help="tệp JSON: {mã trường: giá trị} hoặc {\"values\": …, \"documents\": …}")
    p.add_argument("--attach", action="append", default=[], metavar="PATH", help="tệp đính kèm (lặp lại được)")
    p.add_argument("--officer", help="tên đăng nhập cán bộ tiếp nhận (mặc định: quản trị viên đầu tiên)")

    p = add("receipt", cmd_receipt, "xuất giấy tiếp nhận và hẹn trả kết quả ra PDF")
    p.add_argument("code", help="mã hồ sơ")
    p.add_argument("--pdf", required=True, help="tệp PDF ghi ra")
    p.add_argument("--paper", choices=["A4", "A5", "A4x2", "80mm"], default="A4",  # ui/printing/receipt_render.py
                   help="A4, A5, A4x2 (hai bản trên một tờ A4 ngang), 80mm (cuộn giấy in nhiệt)")

    p = add("dossiers", cmd_dossiers, "liệt kê / tìm hồ sơ (không dấu: mã, họ tên, số định danh)")
    p.add_argument("--search", help="từ khóa")
    p.add_argument("--sync-state", choices=["queued", "sending", "delivered", "failed", "rejected"])
    p.add_argument("--limit", type=int, default=200)

    add("doctor", cmd_doctor, "kiểm tra tình trạng máy tiếp nhận")

    add("sync", cmd_sync, "đồng bộ ngay một lượt với cổng dịch vụ công (bỏ qua thời gian chờ thử lại)")

    p = add("enrol", cmd_enrol, "đăng ký máy với cổng dịch vụ công bằng mã đăng ký một lần")
    p.add_argument("--portal", required=True, help="địa chỉ cổng, ví dụ https://dichvucong.tinh.gov.vn")
    p.add_argument("--code", required=True, metavar="-", help="\"-\": mã đăng ký (kiosk-portal enrolment-code) đọc từ đầu vào chuẩn, không bao giờ trên dòng lệnh")
    needs_admin(p, "enrol")

    from ui.admin.security_commands import register

    register(sub, common, _open, _os_account)

    from ui.admin.fee_command import register as register_fees

    register_fees(sub, common, _read_submission)

    from ui.admin.counter_commands import register as register_counter

    register_counter(add, _open, _officer, _read_submission)

    from ui.admin.report_commands import register as register_reports

    register_reports(add, _open, _os_account)

    from ui.admin.idcard_command import register as register_id_card

    register_id_card(add)

    from ui.admin.clock_command import register as register_clock

    register_clock(add, _open, _os_account)
    return parser


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    parser = build_parser()
    args = parser.parse_args(argv)
    out = Output(args.json)
    data_root = resolve_data_dir(args.data_dir)
    if not owner_problem(data_root):  # a log file written as another account would lock that account out
        root_logger = logging.getLogger()
        for earlier in [h for h in root_logger.handlers if h.get_name() == LOG_HANDLER_NAME]:  # main() run again in-process
            root_logger.removeHandler(earlier)
            earlier.close()
        root_logger.addHandler(rotating_file_handler(DataDir(data_root).logs_dir))
        root_logger.setLevel(logging.INFO)
    previous_umask = os.umask(PRIVATE_UMASK)  # folders 0700, files 0600 whatever the caller's umask (docs/security.md)
    try:
        return args.handler(args, out)
    except KioskError as exc:
        if out.as_json:
            print(json.dumps({"ok": False, "error": exc.message, "details": exc.details}, ensure_ascii=False, indent=2))
        else:
            print(f"Lỗi: {exc.message}", file=sys.stderr)
            for key, message in list(exc.details.items())[:20]:
                print(f"  - {key}: {message}", file=sys.stderr)
        return exc.exit_code
    except Exception:  # noqa: BLE001 - a bug: log the traceback, show a short apology with a reference
        reference = uuid.uuid4().hex[:8]
        log.exception("unexpected error (ref %s)", reference)
        print(f"Lỗi không mong muốn (mã tham chiếu {reference}); chi tiết đã ghi vào nhật ký.", file=sys.stderr)
        if not logging.getLogger().handlers:
            import traceback

            traceback.print_exc()
        return EXIT_ACTION
    finally:
        os.umask(previous_umask)  # main() run in-process (tests) leaves the caller's umask as it was


if __name__ == "__main__":
    sys.exit(main())
