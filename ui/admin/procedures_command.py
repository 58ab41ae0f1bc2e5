"""`kiosk-admin procedures`: the procedure versions this kiosk will use, shipped or activated from the portal.

The list is the one the window offers: the shipped definitions (forms/procedures/) plus the versions the
portal published and the kiosk activated (`<data>/catalogue/`, kiosk/storage/catalogue_store.py), loaded
the way open_kiosk loads them. An activated version is marked "(từ cổng)" and `"from_portal": true`, so an
administrator can tell why the kiosk files a procedure under a version the installed package never had.
A version activated with a later `effective_from` is listed as waiting ("từ ngày …", `"in_force": false`).
Reading the list opens neither the database nor the keys.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from forms.timezone import local_today
from kiosk.storage.paths import DataDir, resolve_data_dir

PORTAL_MARK = "(từ cổng)"


def _from_portal(source: Path, catalogue_dir: Path) -> bool:
    return source.resolve().parent == catalogue_dir.resolve()


def cmd_procedures(args: argparse.Namespace, out: Any) -> int:
    from forms.catalogue import load_catalogue

    catalogue_dir = DataDir(resolve_data_dir(args.data_dir)).catalogue_dir
    catalogue = load_catalogue(extra_procedure_dirs=[catalogue_dir])
    today = local_today()
    in_force = catalogue.search(args.search) if args.search else catalogue.latest()
    codes = {p.code for p in in_force} if args.search else {p.code for p in catalogue.all_versions()}
    waiting = [p for p in catalogue.all_versions() if p.code in codes and p.effective_from is not None and p.effective_from > today]
    later = {(p.code, p.version) for p in waiting}
    rows = [
        {
            "code": p.code,
            "version": p.version,
            "name": p.name,
            "processing_days": p.processing_days,
            "fee_vnd": p.fee_amount_vnd,
            "from_portal": _from_portal(p.source, catalogue_dir),
            "in_force": (p.code, p.version) not in later,
            "effective_from": p.effective_from,
        }
        for p in [*in_force, *waiting]
    ]
    errors = [{"file": e.file, "field": e.field, "message": e.message} for e in catalogue.errors]
    lines = [
        f"{r['code']:<10} v{r['version']:<8} {r['name']}"
        + (f" {PORTAL_MARK}" if r["from_portal"] else "")
        + ("" if r["in_force"] else f" – chờ áp dụng từ ngày {r['effective_from']:%d/%m/%Y}")
        for r in rows
    ]
    lines += [f"LỖI: {e}" for e in catalogue.errors]
    out.emit({"ok": not errors, "procedures": rows, "errors": errors}, "\n".join(lines))
    return 1 if errors else 0
