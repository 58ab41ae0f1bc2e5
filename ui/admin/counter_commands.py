"""`kiosk-admin guide | refuse | stop | ready | hand-back | void-hand-back | apology | rate` (docs/cli.md, docs/counter-events.md).

Registered by ui.admin.cli.build_parser; each command records one counter event through the core
(`kiosk/dossier/notices.py`, `handback.py`, `ratings.py`) and prints its notice number. `--pdf OUT` writes the
notice (kiosk/printed/notice_load.py, drawn by ui/printing/notice_render.py; Qt is loaded only then), and
`kiosk-admin notice NUMBER --kind KIND --pdf OUT` reprints one.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Callable

from forms.counter import NUMBERED_KINDS as NOTICE_KINDS  # the printed notices' kinds (kiosk.printed.notices.KINDS)
from forms.counter import RATING_SCORES, rating_reasons
from kiosk.errors import InputError

EXIT_OK = 0


def write_notice_pdf(ctx: Any, number_or_uuid: str, kind: str, target: Path, paper: str, *, actor: str, reprint: bool) -> Path:
    """The notice of a recorded event as a PDF. The CLI is a composition root: it reaches into ui/ for the one
    Qt drawing code, and only when a PDF is asked for."""
    from kiosk.printed.notice_load import load_notice
    from ui.printing.notice_render import render_notice_pdf
    from ui.window.qt_app import ensure_gui_app

    data = load_notice(ctx, number_or_uuid, kind, actor=actor, reprint=reprint)
    ensure_gui_app()
    return render_notice_pdf(data, target, paper)


def _emit(out: Any, args: argparse.Namespace, result: Any, text: str, ctx: Any = None) -> int:
    payload = {"ok": True, "uuid": result.uuid, "kind": result.kind, "notice_number": result.notice_number, "code": result.code, "at": result.at}
    if getattr(args, "pdf", None) and ctx is not None:
        target = write_notice_pdf(ctx, result.uuid, result.kind, Path(args.pdf), args.paper, actor=args.officer or "kiosk-admin", reprint=False)
        payload["pdf"] = target
        payload["paper"] = args.paper
        text += f"\nĐã lưu phiếu vào {target}"
    out.emit(payload, text)
    return EXIT_OK


def register(add: Callable[..., argparse.ArgumentParser], open_kiosk: Callable, officer_of: Callable, read_answers: Callable) -> None:
    """Add the counter's commands with `add(name, handler, help)` of build_parser."""

    def procedure_of(ctx: Any, code: str) -> Any:
        procedure = ctx.catalogue.in_force(code) or ctx.catalogue.get(code)
        if procedure is None:
            raise InputError(f"Không có thủ tục mã {code}. Xem danh sách: kiosk-admin procedures.")
        return procedure

    def cmd_guide(args: argparse.Namespace, out: Any) -> int:
        from kiosk.dossier.notices import record_guidance

        values, _documents = read_answers(Path(args.data)) if args.data else ({}, None)
        ctx = open_kiosk(args)
        if args.code:
            result = record_guidance(ctx, None, {}, args.missing, args.note or "", officer_of(ctx, args.officer), code=args.code)
        else:
            if not args.procedure:
                raise InputError("Hãy cho biết thủ tục (--procedure MÃ) hoặc hồ sơ đã tiếp nhận (--code MÃ).")
            result = record_guidance(ctx, procedure_of(ctx, args.procedure), values, args.missing, args.note or "", officer_of(ctx, args.officer))
        return _emit(out, args, result, f"Phiếu hướng dẫn bổ sung số {result.notice_number}", ctx)

    def cmd_refuse(args: argparse.Namespace, out: Any) -> int:
        from kiosk.dossier.notices import record_refusal

        values, _documents = read_answers(Path(args.data))
        ctx = open_kiosk(args)
        result = record_refusal(ctx, procedure_of(ctx, args.procedure), values, args.reason, officer_of(ctx, args.officer))
        return _emit(out, args, result, f"Phiếu từ chối tiếp nhận số {result.notice_number}", ctx)

    def cmd_stop(args: argparse.Namespace, out: Any) -> int:
        from kiosk.dossier.notices import stop

        ctx = open_kiosk(args)
        result = stop(ctx, args.code, args.reason, officer_of(ctx, args.officer))
        return _emit(out, args, result, f"{result.code}: thông báo dừng giải quyết số {result.notice_number}", ctx)

    def cmd_ready(args: argparse.Namespace, out: Any) -> int:
        from kiosk.dossier.handback import mark_result_ready

        ctx = open_kiosk(args)
        result = mark_result_ready(ctx, args.code, officer_of(ctx, args.officer))
        return _emit(out, args, result, f"{result.code}: đã ghi nhận có kết quả")

    def cmd_hand_back(args: argparse.Namespace, out: Any) -> int:
        from kiosk.dossier.handback import hand_back

        ctx = open_kiosk(args)
        result = hand_back(
            ctx, args.code, receiver_name=args.receiver_name, receiver_id=args.receiver_id or "", authorisation=args.authorisation or "",
            by=args.by, fee_vnd=args.fee, result_no=args.result_no or "", officer=officer_of(ctx, args.officer),
        )
        return _emit(out, args, result, f"{result.code}: đã trả kết quả, phiếu số {result.notice_number}", ctx)

    def cmd_void_hand_back(args: argparse.Namespace, out: Any) -> int:
        from kiosk.dossier.handback import void_hand_back

        ctx = open_kiosk(args)
        result = void_hand_back(ctx, args.code, args.reason, officer_of(ctx, args.officer))
        return _emit(out, args, result, f"{result.code}: đã hủy lần trả kết quả")

    def cmd_apology(args: argparse.Namespace, out: Any) -> int:
        from kiosk.dossier.handback import record_apology_handed

        ctx = open_kiosk(args)
        result = record_apology_handed(ctx, args.code, officer_of(ctx, args.officer))
        return _emit(out, args, result, f"{result.code}: đã ghi nhận trao phiếu xin lỗi và hẹn lại ngày trả kết quả")

    def cmd_rate(args: argparse.Namespace, out: Any) -> int:
        from kiosk.dossier.ratings import rate

        ctx = open_kiosk(args)
        result = rate(ctx, args.code, args.score, args.reason)
        return _emit(out, args, result, f"{result.code}: đã ghi nhận đánh giá {RATING_SCORES[args.score]}")

    def officer_and_pdf(p: argparse.ArgumentParser, pdf: bool = True) -> None:
        p.add_argument("--officer", help="tên đăng nhập cán bộ (mặc định: quản trị viên đầu tiên)")
        if pdf:
            p.add_argument("--pdf", metavar="OUT", help="ghi phiếu in ra tệp PDF")
            p.add_argument("--paper", choices=["A4", "A5"], default="A4", help="khổ giấy của tệp PDF")

    p = add("guide", cmd_guide, "ghi phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02)")
    p.add_argument("--procedure", help="mã thủ tục, ví dụ 1.001193")
    p.add_argument("--code", help="hồ sơ đã tiếp nhận mà cổng yêu cầu bổ sung (trạng thái 5), thay cho --procedure/--data")
    p.add_argument("--data", help="tệp JSON các thông tin đã khai: {mã trường: giá trị}")
    p.add_argument("--missing", nargs="+", required=True, metavar="ITEM", help="mã giấy tờ còn thiếu theo danh mục của thủ tục")
    p.add_argument("--note", help="ghi chú của cán bộ (chỉ lưu tại máy)")
    officer_and_pdf(p)

    p = add("refuse", cmd_refuse, "ghi phiếu từ chối tiếp nhận giải quyết hồ sơ (mẫu 03)")
    p.add_argument("--procedure", required=True, help="mã thủ tục")
    p.add_argument("--data", required=True, help="tệp JSON các thông tin đã khai")
    p.add_argument("--reason", required=True, help="lý do từ chối")
    officer_and_pdf(p)

    p = add("stop", cmd_stop, "dừng giải quyết hồ sơ theo yêu cầu của người nộp (mẫu 05; trạng thái 7)")
    p.add_argument("code", help="mã hồ sơ")
    p.add_argument("--reason", required=True, help="lý do")
    officer_and_pdf(p)

    p = add("ready", cmd_ready, "ghi nhận hồ sơ đã có kết quả (xã tự giải quyết; trạng thái 9)")
    p.add_argument("code", help="mã hồ sơ")
    officer_and_pdf(p, pdf=False)

    p = add("hand-back", cmd_hand_back, "ghi nhận trả kết quả (trạng thái 10)")
    p.add_argument("code", help="mã hồ sơ")
    p.add_argument("--receiver-name", required=True, help="họ tên người nhận kết quả")
    p.add_argument("--receiver-id", help="số định danh người nhận (bắt buộc khi nhận thay theo ủy quyền)")
    p.add_argument("--authorisation", help="giấy ủy quyền (khi người nhận không phải người nộp)")
    p.add_argument("--by", choices=["counter", "post"], default="counter", help="tại quầy (mặc định) hoặc qua bưu chính")
    p.add_argument("--fee", type=int, metavar="VND", help="phí, lệ phí thu khi trả kết quả (đồng)")
    p.add_argument("--result-no", help="số văn bản kết quả")
    officer_and_pdf(p)

    p = add("void-hand-back", cmd_void_hand_back, "hủy lần trả kết quả ghi nhầm (cổng trở lại trạng thái trước đó)")
    p.add_argument("code", help="mã hồ sơ")
    p.add_argument("--reason", required=True, help="lý do hủy")
    officer_and_pdf(p, pdf=False)

    p = add("apology", cmd_apology, "ghi nhận đã trao phiếu xin lỗi và hẹn lại ngày trả kết quả (mẫu 04) cho hồ sơ quá hạn")
    p.add_argument("code", help="mã hồ sơ")
    officer_and_pdf(p, pdf=False)

    def cmd_notice(args: argparse.Namespace, out: Any) -> int:
        ctx = open_kiosk(args)
        target = write_notice_pdf(ctx, args.number, args.kind, Path(args.pdf), args.paper, actor=args.officer or "kiosk-admin", reprint=True)
        out.emit({"ok": True, "kind": args.kind, "notice_number": args.number, "pdf": target, "paper": args.paper, "reprint": True},
                 f"Đã lưu bản in lại phiếu số {args.number} vào {target}")
        return EXIT_OK

    p = add("notice", cmd_notice, "in lại một phiếu đã ghi (mẫu 02, 03, 05, phiếu giao nhận kết quả) ra PDF")
    p.add_argument("number", help="số phiếu, ví dụ 1/12/2026 (hoặc mã sự kiện)")
    p.add_argument("--kind", required=True, choices=list(NOTICE_KINDS), help="guidance, refusal, stop hoặc hand_back")
    p.add_argument("--pdf", required=True, metavar="OUT", help="tệp PDF ghi ra")
    p.add_argument("--paper", choices=["A4", "A5"], default="A4")
    p.add_argument("--officer", help="tên đăng nhập ghi vào nhật ký in lại")

    reasons = ", ".join(f"{r.id} ({r.label})" for r in rating_reasons())
    p = add("rate", cmd_rate, "ghi đánh giá mức độ hài lòng của người dân (1–4)")
    p.add_argument("code", help="mã hồ sơ (hoặc mã sự kiện trả kết quả)")
    p.add_argument("--score", required=True, type=int, choices=sorted(RATING_SCORES), help="1 Rất hài lòng, 2 Hài lòng, 3 Chưa hài lòng, 4 Không hài lòng")
    p.add_argument("--reason", help=f"lý do khi chưa hài lòng: {reasons}")
