"""`kiosk-admin fees`: print a dossier's fee as the counter would compute it (registered by ui.admin.cli.build_parser)."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

from kiosk.errors import InputError
from kiosk.storage.paths import DataDir, resolve_data_dir

EXIT_OK = 0

Reader = Callable[[Path], tuple[dict[str, Any], Any]]


def register(sub: Any, common: argparse.ArgumentParser, read_answers: Reader) -> None:
    def cmd_fees(args: argparse.Namespace, out: Any) -> int:
        from forms import geo
        from forms.catalogue import load_catalogue
        from forms.fees import FeeInputError, compute_fee
        from forms.formengine import clean
        from forms.text import normalise
        from forms.timezone import VN_TZ
        from kiosk.dossier.fees import fee_tables, site_province
        from kiosk.storage.settings import load_settings

        data = DataDir(resolve_data_dir(args.data_dir))
        initialised = data.settings_path.exists()
        day = _day(args.date) if args.date else datetime.now(VN_TZ).date()
        if args.province:
            province = args.province.strip().zfill(2)
            if geo.province(province) is None:
                raise InputError(f"Không có tỉnh, thành phố mã {args.province} (mã 2 chữ số, danh mục 2025, ví dụ 01).")
        elif initialised:
            province = site_province(load_settings(data.settings_path))
            if province is None:
                raise InputError("Điểm tiếp nhận chưa có mã xã hợp lệ: dùng --province MÃ.")
        else:
            raise InputError("Thư mục dữ liệu chưa được thiết lập: hãy cho biết tỉnh bằng --province MÃ (ví dụ 01).")
        catalogue = load_catalogue(extra_procedure_dirs=[data.catalogue_dir] if initialised else [])
        procedure = catalogue.get(args.procedure)
        if procedure is None:
            raise InputError(f"Không có thủ tục mã {args.procedure}. Xem danh sách: kiosk-admin procedures.")
        values, _documents = read_answers(Path(args.data))
        tables = fee_tables(data)
        try:
            result = compute_fee(tables, procedure.code, clean(procedure, normalise(dict(values)), day), day, province, tuple(args.exemption))
        except FeeInputError as exc:
            raise InputError(str(exc)) from exc
        payload = {
            "ok": True,
            "procedure": procedure.code,
            "province": province,
            "date": day,
            "amount_vnd": result.amount_vnd,
            "summary": result.summary,
            "lines": list(result.lines),
            "exemption": result.exemption.id if result.exemption else None,
            "proof_items": list(result.proof_items),
            "exemptions_offered": [{"id": e.id, "label": e.label, "proof": e.proof} for e in result.offered],
            "table": result.table,
            "table_version": result.table_version,
            "table_errors": [str(e) for e in tables.errors],
        }
        text = [f"Thủ tục {procedure.code} — {procedure.name}", f"Tỉnh {province}, ngày {day:%d/%m/%Y}"]
        text += [f"  {line}" for line in result.lines]
        text.append(f"Phí, lệ phí: {result.summary}")
        if result.table:
            text.append(f"Biểu phí: {result.table} phiên bản {result.table_version}")
        text += [f"Có thể miễn (đánh dấu --exemption {e.id}): {e.label}, xuất trình {e.proof}" for e in result.offered if e not in result.ticked]
        text += [f"LỖI biểu phí: {e}" for e in tables.errors]
        out.emit(payload, "\n".join(text))
        return EXIT_OK

    help_text = "tính phí, lệ phí của một hồ sơ từ câu trả lời (docs/fees.md)"
    p = sub.add_parser("fees", parents=[common], help=help_text, description=help_text)
    p.set_defaults(handler=cmd_fees)
    p.add_argument("--procedure", required=True, help="mã thủ tục, ví dụ 2.000815")
    p.add_argument("--data", required=True, help="tệp JSON câu trả lời: {mã trường: giá trị} hoặc {\"values\": …}")
    p.add_argument("--date", help="ngày tiếp nhận YYYY-MM-DD (mặc định: hôm nay)")
    p.add_argument("--province", help="mã tỉnh 2 chữ số (mặc định: tỉnh của điểm tiếp nhận)")
    p.add_argument("--exemption", action="append", default=[], metavar="ID", help="miễn phí cán bộ đánh dấu (lặp lại được)")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InputError(f"Ngày {text!r} không hợp lệ: cần dạng YYYY-MM-DD, ví dụ 2027-01-04.") from exc
