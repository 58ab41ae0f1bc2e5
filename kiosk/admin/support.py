"""`kiosk-admin support-bundle OUT.zip`: what a remote helper needs to diagnose a kiosk, and no personal data.

In the bundle: the log files (they never hold personal data: kiosk/logging_setup.py), the settings
(site identifiers, no secrets), the versions of everything that matters, the doctor's findings, the
queue's counts and the audit chain's verdict. Never in it: the database, backups, attachments, keys,
credentials, drafts or any dossier's values.
"""

from __future__ import annotations

import json
import platform
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any, Sequence

from kiosk import __version__
from kiosk.storage.models import utcnow


def _json(value: Any) -> str:
    def default(item: Any) -> Any:
        if isinstance(item, (datetime, date)):
            return item.isoformat()
        return str(item)

    return json.dumps(value, ensure_ascii=False, indent=1, default=default)


def versions(ctx: Any) -> dict[str, Any]:
    import sqlalchemy

    from kiosk.storage.db import current_revision

    found: dict[str, Any] = {
        "app": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "frozen": bool(getattr(sys, "frozen", False)),
        "sqlalchemy": sqlalchemy.__version__,
        "schema": current_revision(ctx.engine),
    }
    with ctx.engine.connect() as connection:
        found["sqlcipher"] = connection.exec_driver_sql("PRAGMA cipher_version").scalar()
        found["sqlite"] = connection.exec_driver_sql("SELECT sqlite_version()").scalar()
    from importlib import metadata

    for distribution in ("PySide6-Essentials", "PySide6-Addons", "sqlcipher3", "cryptography", "requests"):
        try:
            found[distribution] = metadata.version(distribution)
        except metadata.PackageNotFoundError:  # e.g. a frozen package without the metadata
            found[distribution] = None
    found["procedures"] = sorted(f"{p.code}@{p.version}" for p in ctx.catalogue.all_versions())
    return found


def make_bundle(ctx: Any, out: Path, findings: Sequence[Any] = (), sync_status: dict[str, Any] | None = None) -> Path:
    """Write the bundle; `findings` and `sync_status` come from the caller (the CLI composes doctor and sync)."""
    from dataclasses import asdict

    from kiosk.security import audit

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with ctx.read() as session:
        verdict = audit.verify(session, ctx.data.audit_head_path)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("README.txt", "Gói hỗ trợ của máy tiếp nhận Một Cửa: nhật ký, thiết lập, phiên bản, kết quả kiểm tra. Không có dữ liệu cá nhân.\n")
        bundle.writestr("created.json", _json({"at": utcnow(), "data_dir": str(ctx.data.root)}))
        bundle.writestr("versions.json", _json(versions(ctx)))
        bundle.writestr("settings.json", _json(asdict(ctx.settings)))
        bundle.writestr("doctor.json", _json([asdict(f) for f in findings]))
        bundle.writestr("sync.json", _json(sync_status or {}))
        bundle.writestr("audit.json", _json({"ok": verdict.ok, "rows": verdict.rows, "findings": [f.as_dict() for f in verdict.findings]}))
        for log_file in sorted(ctx.data.logs_dir.glob("kiosk.log*")):
            bundle.write(log_file, f"logs/{log_file.name}")
    return out
