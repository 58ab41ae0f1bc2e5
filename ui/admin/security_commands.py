"""`kiosk-admin` commands for the audit trail and the data key (registered by ui.admin.cli.build_parser)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Callable

from kiosk.errors import InputError
from kiosk.storage.paths import DataDir
from ui.admin.admin_login import needs_admin, read_credentials

EXIT_OK, EXIT_ACTION = 0, 1

Handler = Callable[[argparse.Namespace, Any], int]


def register(sub: Any, common: argparse.ArgumentParser, open_kiosk: Callable[[argparse.Namespace], Any], os_account: Callable[..., str]) -> None:
    def group(name: str, help_text: str) -> Any:
        parser = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        return parser.add_subparsers(dest=f"{name}_command", required=True, metavar="ACTION")

    def action(parent: Any, name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        parser = parent.add_parser(name, parents=[common], help=help_text, description=help_text)
        parser.set_defaults(handler=handler)
        return parser

    def cmd_audit_verify(args: argparse.Namespace, out: Any) -> int:
        from kiosk.security import audit

        ctx = open_kiosk(args)
        try:
            with ctx.read() as session:
                report = audit.verify(session, ctx.data.audit_head_path)
            with ctx.transaction() as session:
                audit.record(session, os_account(), "audit.verified", ok=report.ok, findings=len(report.findings))
        finally:
            ctx.close()
        out.emit(_verify_payload(report), _verify_text(report))
        return EXIT_OK if report.ok else EXIT_ACTION

    def cmd_audit_acknowledge(args: argparse.Namespace, out: Any) -> int:
        from kiosk.security import audit

        ctx = open_kiosk(args)  # an administrator's command
        try:
            report = audit.acknowledge(ctx, os_account(args))
        finally:
            ctx.close()
        text = _verify_text(report) + ("\nĐã xác nhận; các vấn đề vẫn được liệt kê mỗi lần kiểm tra." if report.findings else "")
        out.emit(_verify_payload(report), text)
        return EXIT_OK

    def cmd_key_backup(args: argparse.Namespace, out: Any) -> int:
        from kiosk.security import keystore

        ctx = open_kiosk(args)
        try:
            passphrase = _read_passphrase()
            target = Path(args.out)
            if target.exists() and not args.force:
                raise InputError(f"Tệp {target} đã có; dùng --force để ghi đè.")
            target.write_bytes(keystore.export_recovery(ctx.data_key, passphrase))
            with ctx.transaction() as session:
                from kiosk.security import audit

                audit.record(session, os_account(args), "key.backed_up")
        finally:
            ctx.close()
        out.emit({"ok": True, "out": str(target)}, f"Đã ghi bản sao khóa dữ liệu vào {target}. Cất tệp này và mật khẩu ở nơi an toàn, ngoài máy tiếp nhận.")
        return EXIT_OK

    def cmd_key_restore(args: argparse.Namespace, out: Any) -> int:
        from kiosk.security import keystore
        from kiosk.security.admin_auth import admin_in_file
        from kiosk.storage.paths import resolve_data_dir

        root = resolve_data_dir(args.data_dir)
        has_database = DataDir(root).db_path.exists()
        credentials = read_credentials(args) if has_database else None  # the administrator first, then the passphrase
        passphrase = sys.stdin.readline().rstrip("\r\n")
        key = keystore.import_recovery(Path(args.file).read_bytes(), passphrase)
        existing = keystore.load_data_key(root) if keystore.has_data_key(root) else None
        if existing is not None and existing != key and not args.force:
            raise InputError("Thư mục dữ liệu đang có một khóa khác; dùng --force nếu chắc chắn muốn thay (dữ liệu mã hóa bằng khóa cũ sẽ không mở được).")
        if credentials is not None:  # checked in the database the recovered key opens, before the key is stored
            args.actor = admin_in_file(DataDir(root).db_path, key, *credentials) or None
        args.actor = getattr(args, "actor", None) or os_account()  # no database, or one without any administrator yet
        keystore.store_data_key(root, key)
        ctx = open_kiosk(args)  # proves the key opens the database
        try:
            with ctx.transaction() as session:
                from kiosk.security import audit

                audit.record(session, os_account(args), "key.restored")
        finally:
            ctx.close()
        out.emit({"ok": True, "backend": keystore.backend_name()}, f"Đã khôi phục khóa dữ liệu ({keystore.backend_name()}); cơ sở dữ liệu mở được.")
        return EXIT_OK

    def cmd_purge(args: argparse.Namespace, out: Any) -> int:
        from kiosk.dossier.retention import purge

        ctx = open_kiosk(args)
        try:
            days = args.days if args.days is not None else ctx.settings.retention_days
            report = purge(ctx, actor=os_account(args), days=days)
        finally:
            ctx.close()
        text = (
            f"Đã xóa dữ liệu cá nhân của {len(report.purged)} hồ sơ quá {days} ngày lưu trữ ({report.files_removed} tệp đính kèm)."
            if report.purged
            else f"Không có hồ sơ nào quá {days} ngày lưu trữ."
        )
        if report.notices_purged:
            text += f" Đã xóa thông tin cá nhân trên {len(report.notices_purged)} phiếu hướng dẫn/từ chối không thành hồ sơ."
        if report.backups_summary():
            text += " " + report.backups_summary()
        out.emit(report.as_dict() | {"retention_days": days}, text)
        return EXIT_OK

    def cmd_backup(args: argparse.Namespace, out: Any) -> int:
        from kiosk.storage.backup import backup

        ctx = open_kiosk(args)
        try:
            info = backup(ctx, Path(args.out) if args.out else None, actor=os_account())
        finally:
            ctx.close()
        out.emit({"ok": True, **info.as_dict()}, f"Đã sao lưu cơ sở dữ liệu (đã mã hóa) vào {info.path} ({info.size:,} byte).")
        return EXIT_OK

    def cmd_restore(args: argparse.Namespace, out: Any) -> int:
        from kiosk.storage.backup import restore
        from kiosk.storage.paths import resolve_data_dir
        from ui.admin.admin_login import prove_admin_for_restore
        from ui.admin.restore_summary import summary_text

        root = resolve_data_dir(args.data_dir)
        prove_admin_for_restore(root, Path(args.file), args, os_account())
        report = restore(root, Path(args.file), actor=os_account(args))
        out.emit(report.as_dict(), summary_text(report))
        return EXIT_OK

    p = sub.add_parser("backup", parents=[common], help="sao lưu cơ sở dữ liệu (mã hóa) ngay; mặc định vào <thư mục dữ liệu>/backups")
    p.set_defaults(handler=cmd_backup)
    p.add_argument("--out", help="tệp bản sao lưu (ví dụ trên USB)")
    p = sub.add_parser("restore", parents=[common], help="khôi phục cơ sở dữ liệu từ bản sao lưu (tắt phần mềm tiếp nhận trước)")
    p.set_defaults(handler=cmd_restore)
    needs_admin(p, "restore")
    p.add_argument("file", help="tệp bản sao lưu")

    def cmd_support_bundle(args: argparse.Namespace, out: Any) -> int:
        from kiosk.admin.support import make_bundle
        from ui.admin.checks import health_findings

        ctx = open_kiosk(args)
        try:
            from dataclasses import asdict

            from sync.engine import status

            findings = health_findings(ctx.data.root)
            made = make_bundle(ctx, Path(args.out), findings, {k: v for k, v in asdict(status(ctx)).items() if k != "last_error"})
            from kiosk.security import audit

            with ctx.transaction() as session:
                audit.record(session, os_account(), "support.bundle", file=made.name)
        finally:
            ctx.close()
        out.emit({"ok": True, "out": str(made), "size": made.stat().st_size}, f"Đã ghi gói hỗ trợ {made} (không có dữ liệu cá nhân).")
        return EXIT_OK

    p = sub.add_parser("support-bundle", parents=[common], help="gói hỗ trợ (nhật ký, thiết lập, phiên bản, kết quả kiểm tra), không có dữ liệu cá nhân")
    p.set_defaults(handler=cmd_support_bundle)
    p.add_argument("out", help="tệp .zip ghi ra")

    p = sub.add_parser("purge", parents=[common], help="xóa dữ liệu cá nhân của hồ sơ đã gửi, đã kết thúc và quá thời hạn lưu trữ")
    p.set_defaults(handler=cmd_purge)
    needs_admin(p, "purge")
    p.add_argument("--days", type=int, help="số ngày lưu trữ (mặc định: thiết lập retention_days, 30)")

    def cmd_key_rotate(args: argparse.Namespace, out: Any) -> int:
        from filelock import FileLock
        from filelock import Timeout as LockBusy

        from kiosk.security import audit
        from kiosk.security import rotation

        ctx = open_kiosk(args)  # also checks the folder's owner
        try:
            with ctx.read() as session:
                report = audit.verify(session, ctx.data.audit_head_path)
            if not report.ok:
                raise InputError("Nhật ký kiểm tra không nguyên vẹn (kiosk-admin audit verify); không đổi khóa khi chưa làm rõ. "
                                 "Khi đã làm rõ, quản trị viên xác nhận: kiosk-admin audit acknowledge --as TÊN.")
            root = ctx.data.root
        finally:
            ctx.close()
        lock = FileLock(str(DataDir(root).sync_lock_path))  # no sync pass may send while the keys change
        try:
            lock.acquire(timeout=0)
        except LockBusy:
            raise InputError("Máy đang đồng bộ; hãy tắt phần mềm tiếp nhận rồi chạy lại lệnh đổi khóa.") from None
        try:
            result = rotation.rotate(root)
        finally:
            lock.release()
        ctx = open_kiosk(args)
        try:
            with ctx.transaction() as session:
                audit.record(session, os_account(args), "key.rotated", attachments=result["attachments"])
        finally:
            ctx.close()
        out.emit(
            {"ok": True, **result},
            f"Đã đổi khóa dữ liệu ({result['attachments']} tệp đính kèm được mã hóa lại). Hãy làm bản sao khóa mới: kiosk-admin key backup.",
        )
        return EXIT_OK

    audit_group = group("audit", "nhật ký kiểm tra (audit trail)")
    action(audit_group, "verify", cmd_audit_verify, "kiểm tra chuỗi nhật ký: phát hiện dòng bị sửa, bị xóa hoặc bị chèn")
    needs_admin(action(audit_group, "acknowledge", cmd_audit_acknowledge,
                       "quản trị viên xác nhận đã xem xét các vấn đề của nhật ký (vẫn được liệt kê; đổi khóa được tiếp)"), "audit acknowledge")

    key_group = group("key", "khóa mã hóa dữ liệu")
    p = needs_admin(action(key_group, "backup", cmd_key_backup, "ghi bản sao khóa dữ liệu, bảo vệ bằng mật khẩu (đọc từ stdin, ≥ 12 ký tự)"), "key backup")
    p.add_argument("--out", required=True, help="tệp bản sao khóa (cất ngoài máy)")
    p.add_argument("--force", action="store_true")
    p = action(key_group, "rotate", cmd_key_rotate, "đổi khóa dữ liệu: mã hóa lại cơ sở dữ liệu và tệp đính kèm (tắt phần mềm tiếp nhận trước)")
    needs_admin(p, "key rotate")
    p = needs_admin(action(key_group, "restore", cmd_key_restore, "khôi phục khóa dữ liệu từ bản sao (mật khẩu đọc từ stdin)"), "key restore")
    p.add_argument("file", help="tệp bản sao khóa")
    p.add_argument("--force", action="store_true")


def _verify_payload(report: Any) -> dict[str, Any]:
    return {"ok": report.ok, "rows": report.rows, "head_seq": report.head_seq, "findings": [f.as_dict() for f in report.findings]}


def _verify_text(report: Any) -> str:
    if not report.findings:
        return f"Nhật ký kiểm tra nguyên vẹn: {report.rows} dòng, chuỗi liền mạch."
    lines = [f"Nhật ký kiểm tra có {len(report.findings)} vấn đề ({len(report.open_findings)} chưa được xác nhận):"]
    lines += [f"  - {f.message}" + (f" [đã xác nhận: {f.acknowledged_by}]" if f.acknowledged_by else "") for f in report.findings]
    return "\n".join(lines)


def _read_passphrase() -> str:
    from kiosk.security.keystore import check_passphrase

    passphrase = sys.stdin.readline().rstrip("\r\n")
    check_passphrase(passphrase)
    return passphrase
