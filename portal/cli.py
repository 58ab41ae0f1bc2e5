"""`kiosk-portal [--db URL] [--files DIR] COMMAND`: run the reference portal and act on its database directly.

Exit codes: 0 done; 1 failure (database unreachable, port taken); 2 bad input or usage (unknown dossier
code or kiosk, status outside 1–10). With `--json` every command prints one JSON object on stdout.
See docs/portal.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
from pathlib import Path
import sys
from typing import Any

from forms import codes, statuses
from portal.config import ARGV_TOKEN_MESSAGE, ENV_ADMIN_TOKEN, ENV_DB, ENV_FILES, PortalConfig, SecretRefused, read_admin_token_file
from portal.db import Database, iso
from portal.schema import SchemaNotReady
from portal.serve import LOG_FORMAT, add_arguments as serve_arguments
from portal.services import credentials, dossiers, enrolment, events, fleet, publishing, status_changes
from portal.services.outcomes import BadInput

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2
PRIVATE_UMASK = 0o077  # every folder and file the portal makes (database, -wal/-shm, files, partial uploads, keys) is private


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def _fail(args: argparse.Namespace, message: str, code: int) -> int:
    if args.json:
        _print_json({"ok": False, "error": message})
    else:
        print(message, file=sys.stderr)
    return code


# --- commands ------------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace, config: PortalConfig) -> int:
    from portal import serve

    return serve.cmd_serve(args, config, _fail)


def cmd_enrolment_code(args: argparse.Namespace, config: PortalConfig) -> int:
    if args.kiosk_number < 1:
        return _fail(args, "Số máy kiosk phải từ 1 trở lên", EXIT_BAD_INPUT)
    if not codes.is_unit_id(args.unit_id):
        return _fail(args, codes.UNIT_ID_MESSAGE, EXIT_BAD_INPUT)
    db = Database(config.db_url)
    try:
        with db.transaction() as session:
            if args.replaces:
                code, row = enrolment.issue_replacement_code(session, args.replaces, args.kiosk_number, args.valid_hours)
                if row.unit_id != args.unit_id:
                    raise BadInput(f"Máy {args.replaces} thuộc đơn vị {row.unit_id}, không phải {args.unit_id}.")
            else:
                code, row = enrolment.issue_enrolment_code(session, args.unit_id, args.kiosk_number, args.valid_hours)
            expires = iso(row.expires_at)
    except BadInput as exc:
        return _fail(args, str(exc), EXIT_BAD_INPUT)
    if args.json:
        _print_json({"ok": True, "code": code, "unit_id": args.unit_id, "kiosk_number": args.kiosk_number, "expires_at": expires})
    else:
        print(code)
    return EXIT_OK


def cmd_set_status(args: argparse.Namespace, config: PortalConfig) -> int:
    db = Database(config.db_url)
    try:
        with db.transaction() as session:
            change = status_changes.set_status(session, args.code, args.status, args.note, args.missing)
            result = {
                "ok": True,
                "code": change.dossier.code,
                "uuid": change.dossier_uuid,
                "status": change.status,
                "label": statuses.label(change.status),
                "note": change.note,
                "missing": list(args.missing or []),
                "at": iso(change.at),
            }
        result["cursor"] = str(change.seq)  # numbered at the commit (portal/services/status_changes.py)
    except BadInput as exc:
        return _fail(args, str(exc), EXIT_BAD_INPUT)
    if args.json:
        _print_json(result)
    else:
        print(f"{result['code']}: {result['status']} – {result['label']}")
    return EXIT_OK


def cmd_dossiers(args: argparse.Namespace, config: PortalConfig) -> int:
    db = Database(config.db_url)
    with db.read() as session:
        rows = dossiers.list_dossiers(session, args.limit)
    if args.json:
        _print_json({"ok": True, "dossiers": rows})
        return EXIT_OK
    if not rows:
        print("Chưa có hồ sơ nào.")
    for row in rows:
        status = f"{row['status']} {row['status_label']}" if row["status"] else "–"
        handed = f"  trả kết quả {row['handed_back_at']}" if row.get("handed_back_at") else ""
        print(f"{row['code']}  lần {row['revision']}  {row['procedure_code']}  {row['unit_id']}/{row['kiosk_number']}  "
              f"nhận {row['received_at'] or '–'}  trạng thái {status}{handed}{_fee_summary(row['fee'])}")
    return EXIT_OK


def cmd_events(args: argparse.Namespace, config: PortalConfig) -> int:
    db = Database(config.db_url)
    with db.read() as session:
        rows = events.list_events(session, args.kind)
    if args.json:
        _print_json({"ok": True, "events": rows})
        return EXIT_OK
    if not rows:
        print("Chưa có sự kiện nào.")
    for row in rows:
        print(f"{row['kind']}  {row['notice_number'] or '–'}  {row['at']}  giao {row['deliveries']} lần"
              f"{'  thay đổi trạng thái ' + row['status_change'] if row['status_change'] else ''}")
    return EXIT_OK


def _fee_summary(fee: dict | None) -> str:
    """"  phí 6000 đ (đã thu)" for a listing line; "" for a dossier sent without a fee record."""
    if not fee:
        return ""
    amount = fee.get("amount_vnd")
    text = "chưa có biểu phí" if amount is None else f"{amount} đ" + (" (nhập tay)" if fee.get("source") == "hand" else "")
    if fee.get("exemption"):
        text = f"miễn ({fee['exemption'].get('id')})"
    return f"  phí {text}" + (" (đã thu)" if fee.get("collected") else "")


def cmd_kiosks(args: argparse.Namespace, config: PortalConfig) -> int:
    db = Database(config.db_url)
    with db.read() as session:
        rows = fleet.list_kiosks(session)
    if args.json:
        _print_json({"ok": True, "kiosks": rows})
        return EXIT_OK
    if not rows:
        print("Chưa có máy kiosk nào.")
    for row in rows:
        state = f"thu hồi {row['revoked_at']}" if row["revoked_at"] else "đang dùng"
        seen = f"đồng bộ lần cuối {row['last_sync_at']}, chờ gửi {row['queue_length']}, lệch giờ {row['clock_skew_s']} s" if row["last_sync_at"] else "chưa đồng bộ"
        print(f"{row['kiosk_id']}  {row['unit_id']}/{row['kiosk_number']}  v{row['app_version']}  {seen}  {state}")
    return EXIT_OK


def cmd_revoke(args: argparse.Namespace, config: PortalConfig) -> int:
    db = Database(config.db_url)
    try:
        with db.transaction() as session:
            kiosk = credentials.revoke(session, args.kiosk)
            result = {"ok": True, "kiosk_id": kiosk.id, "revoked_at": iso(kiosk.revoked_at)}
    except BadInput as exc:
        return _fail(args, str(exc), EXIT_BAD_INPUT)
    if args.json:
        _print_json(result)
    else:
        print(f"Đã thu hồi quyền của máy {result['kiosk_id']}")
    return EXIT_OK


def _signing_key_path(args: argparse.Namespace, config: PortalConfig) -> Path:
    from portal.config import sqlite_path

    return Path(args.signing_key) if getattr(args, "signing_key", None) else publishing.default_key_path(config.files_dir, sqlite_path(config.db_url))


def cmd_catalogue_key(args: argparse.Namespace, config: PortalConfig) -> int:
    try:
        public = publishing.public_key_hex(publishing.load_or_create_key(_signing_key_path(args, config)))
    except BadInput as exc:
        return _fail(args, str(exc), EXIT_BAD_INPUT)
    if args.json:
        _print_json({"ok": True, "public_key": public})
    else:
        print(public)
    return EXIT_OK


def cmd_publish(args: argparse.Namespace, config: PortalConfig) -> int:
    db = Database(config.db_url)
    made = []
    try:
        seed = publishing.load_or_create_key(_signing_key_path(args, config))
        for name in args.definitions:
            definition = Path(name).read_bytes()
            with db.transaction() as session:
                row = publishing.publish(session, seed, definition)
                made.append({"code": row.code, "version": row.version, "published_at": iso(row.published_at)})
    except OSError as exc:
        return _fail(args, f"Không đọc được tệp: {exc}", EXIT_BAD_INPUT)
    except BadInput as exc:
        return _fail(args, str(exc), EXIT_BAD_INPUT)
    if args.json:
        _print_json({"ok": True, "published": made})
    else:
        for item in made:
            what = f"biểu phí {item['code'].removeprefix(publishing.FEE_PREFIX)}" if item["code"].startswith(publishing.FEE_PREFIX) else f"thủ tục {item['code']}"
            print(f"Đã công bố {what} phiên bản {item['version']}.")
    return EXIT_OK


def cmd_migrate(args: argparse.Namespace, config: PortalConfig) -> int:
    """The one way a portal schema is upgraded: run it (once, with the workers stopped) before starting new code."""
    from portal import schema

    db = Database(config.db_url)
    try:
        done = schema.migrate(db.engine)
    finally:
        db.dispose()
    if args.json:
        _print_json({"ok": True, "revision": schema.head_revision(), "done": done})
    else:
        print(done)
    return EXIT_OK


def cmd_openapi(args: argparse.Namespace, config: PortalConfig) -> int:
    from portal.app import create_app

    # The document does not depend on the data: build it on an in-memory database that is never opened.
    app = create_app(PortalConfig.make("sqlite://", files_dir=config.files_dir))
    sys.stdout.write(json.dumps(app.openapi(), ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


# --- parser --------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print one JSON object")

    parser = argparse.ArgumentParser(prog="kiosk-portal", description="Cổng dịch vụ công tham chiếu (reference portal) cho máy kiosk Một Cửa.")
    parser.add_argument("--db", metavar="URL", help=f"SQLAlchemy database URL (default: ${ENV_DB}, else sqlite:///portal.db in the current folder)")
    parser.add_argument("--files", metavar="DIR", help=f"attachment folder (default: ${ENV_FILES}, else portal-files/ next to the SQLite file)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("serve", parents=[common], help="run the HTTP API and the tracking page")
    serve_arguments(p)  # --host, --port, --workers, --forwarded-allow-ips (portal/serve.py)
    p.add_argument("--portal-name", help="name shown by health and on the tracking page")
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    p.add_argument("--tracking-rate", type=int, default=None, metavar="N", help="tracking-page requests per client address and minute (default 30; 0 = no limit)")
    p.add_argument("--admin-token", default=None, help="refused: a token on the command line is visible to every local account (use the file or the variable)")
    p.add_argument("--admin-token-file", metavar="FILE", default=None,
                   help=f"file (mode 0600) holding the token for the fleet page /quan-tri/may-tiep-nhan?token=… (or ${ENV_ADMIN_TOKEN})")
    p.add_argument("--clock-offset", type=float, default=0.0, metavar="SECONDS", help="for drills and tests only: report a health time this far off, so kiosks' doctor sees a clock skew")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("enrolment-code", parents=[common], help="issue a one-time enrolment code for one kiosk")
    p.add_argument("--unit-id", required=True, help="the receiving unit's identifier, e.g. 000.00.07.H26")
    p.add_argument("--kiosk-number", required=True, type=int)
    p.add_argument("--valid-hours", type=float, default=enrolment.DEFAULT_CODE_VALID_HOURS, help="default: %(default)s")
    p.add_argument("--replaces", metavar="KIOSK_ID", help="the lost or stolen kiosk this PC replaces: needs an unused kiosk number; enrolling revokes the old kiosk")
    p.set_defaults(func=cmd_enrolment_code)

    p = sub.add_parser("set-status", parents=[common], help="record a status change (national code 1–10) that kiosks pull")
    p.add_argument("code", help="dossier code (or UUID)")
    p.add_argument("status", type=int, help="1–10: " + ", ".join(f"{k} {v}" for k, v in ((s.code, s.label) for s in statuses.STATUSES.values())))
    p.add_argument("--note", help="officer-facing note (sent to the kiosk, never shown on the public page)")
    p.add_argument("--missing", nargs="+", metavar="ITEM", help="status 5: the items the citizen must add (sent to the kiosk with the change)")
    p.set_defaults(func=cmd_set_status)

    p = sub.add_parser("events", parents=[common], help="list the counter events held with their deliveries (no personal data)")
    p.add_argument("--kind", help="only this kind (guidance, refusal, stop, result_ready, hand_back, hand_back_void, apology_handed, rating)")
    p.set_defaults(func=cmd_events)

    p = sub.add_parser("dossiers", parents=[common], help="list the dossiers held (no personal data)")
    p.add_argument("--limit", type=int)
    p.set_defaults(func=cmd_dossiers)

    p = sub.add_parser("kiosks", parents=[common], help="list enrolled kiosks")
    p.set_defaults(func=cmd_kiosks)

    p = sub.add_parser("revoke", parents=[common], help="revoke a kiosk's credentials (its requests get 401)")
    p.add_argument("--kiosk", required=True, metavar="KIOSK_ID")
    p.set_defaults(func=cmd_revoke)

    p = sub.add_parser("catalogue-key", parents=[common], help="print the public key kiosks pin to check signed catalogues (made on first use)")
    p.add_argument("--signing-key", help="the private key file (default: catalogue-signing.key in the --files folder; an existing one beside the SQLite database is still used)")
    p.set_defaults(func=cmd_catalogue_key)

    p = sub.add_parser("publish", parents=[common], help="publish procedure definition files or fee tables (new versions) to kiosks, signed")
    p.add_argument("definitions", nargs="+", metavar="FILE", help="definition files (forms/procedures/….json) or fee tables (forms/fees/….json), each with a new version")
    p.add_argument("--signing-key", help="the private key file (default: catalogue-signing.key in the --files folder; an existing one beside the SQLite database is still used)")
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser("migrate", parents=[common], help="create or upgrade the database schema (run before starting the workers of a new version)")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("openapi", parents=[common], help="print the OpenAPI document (kept in docs/openapi.json)")
    p.set_defaults(func=cmd_openapi)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
    if args.command == "serve":  # the server logs to stderr; one-shot commands print their answer only
        logging.basicConfig(level=getattr(logging, args.log_level.upper()), stream=sys.stderr, format=LOG_FORMAT)
    config = PortalConfig.make(args.db, args.files, getattr(args, "portal_name", None), getattr(args, "tracking_rate", None))
    from dataclasses import replace

    if getattr(args, "clock_offset", 0.0):
        config = replace(config, clock_offset_s=float(args.clock_offset))
    try:
        admin_token = _admin_token(args)
    except SecretRefused as exc:
        return _fail(args, str(exc), EXIT_BAD_INPUT)
    if admin_token:
        config = replace(config, admin_token=admin_token)
    previous_umask = os.umask(PRIVATE_UMASK)  # folders 0700, files 0600 whatever the caller's umask (docs/security.md)
    try:
        return args.func(args, config)
    except KeyboardInterrupt:
        return EXIT_OK
    except SchemaNotReady as exc:
        return _fail(args, str(exc), EXIT_FAILURE)
    except Exception as exc:  # noqa: BLE001 - a storage failure, not a bug in the input
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(exc, (SQLAlchemyError, OSError)):
            return _fail(args, f"Lỗi cơ sở dữ liệu hoặc lưu trữ: {type(exc).__name__}", EXIT_FAILURE)
        raise
    finally:
        os.umask(previous_umask)  # main() run in-process (tests) leaves the caller's umask as it was


def _admin_token(args: argparse.Namespace) -> str:
    """The fleet page's token: from --admin-token-file (0600) or $KIOSK_PORTAL_ADMIN_TOKEN; never from argv."""
    if getattr(args, "admin_token", None) is not None:
        raise SecretRefused(ARGV_TOKEN_MESSAGE)
    if getattr(args, "admin_token_file", None):
        return read_admin_token_file(Path(args.admin_token_file))
    return os.environ.get(ENV_ADMIN_TOKEN, "")


if __name__ == "__main__":
    sys.exit(main())
