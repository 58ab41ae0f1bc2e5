"""Initialise a site's data folder (settings, database) — the first thing an administrator does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.storage.context import open_database
from kiosk.errors import InputError
from kiosk.storage.paths import DataDir
from kiosk.storage.settings import SiteSettings, save_settings, settings_from_dict


def check_site_values(values: dict) -> None:
    """Raise InputError (with one detail per field) when `values` would not make valid settings; writes nothing."""
    settings_from_dict({**NEW_SITE_DEFAULTS, **values}, source="init")


def init_site(root: Path, values: dict, *, overwrite: bool = False) -> SiteSettings:
    """Validate and write settings.json, then create and migrate the database."""
    data = DataDir(root)
    if data.settings_path.exists() and not overwrite:
        raise InputError(f"Thư mục {root} đã được thiết lập; dùng --force để ghi đè thiết lập (dữ liệu được giữ nguyên).")
    if not data.settings_path.exists():
        values = {**NEW_SITE_DEFAULTS, **values}
    settings = settings_from_dict(values, source="init")
    data.ensure()
    save_settings(data.settings_path, settings)
    engine, _, _ = open_database(data)
    engine.dispose()
    return settings


# What a site set up from now on starts with where it differs from what an upgraded site's settings.json
# (which lacks the key) means: a new site prints Circular 03/2025's receipt without the "Liên" marker.
NEW_SITE_DEFAULTS = {"receipt_copy_marker": False}


# Settings an administrator may change at the kiosk. The unit, commune and kiosk number are part of
# every dossier code and of the enrolment: changing them means a new package (docs/admin.md).
EDITABLE = (
    "unit_name", "place_name", "hotline", "office_open", "office_close", "saturday_morning", "saturday_close",
    "result_collection", "idle_lock_minutes", "retention_days", "portal_ca_bundle",
    "receipt_copy_marker", "receipt_copies", "receipt_two_up", "scan_required", "resolving_agency", "large_text",
    "registration_place", "residence_commune", "default_ethnicity",
)


def update_settings(ctx: Any, actor: Any, changes: dict[str, Any]) -> SiteSettings:
    """An administrator's change from the admin screen: checked, written atomically, audited; the new settings.
    On the thread that owns the context they take effect at once; from a worker, the owner adopts them."""
    from dataclasses import asdict

    from kiosk.security import audit
    from kiosk.security.roles import require

    require(actor, "settings")
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InputError(f"Không đổi được thiết lập {', '.join(unknown)} tại máy.")
    merged = settings_from_dict({**asdict(ctx.settings), **changes}, source="Thiết lập")
    save_settings(ctx.data.settings_path, merged)
    changed = sorted(k for k in changes if getattr(ctx.settings, k) != getattr(merged, k))
    with ctx.transaction() as session:
        audit.record(session, actor.username, "settings.changed", keys=changed)
    if ctx.owned_here():
        ctx.adopt(settings=merged)
    return merged


def change_unit_id(ctx: Any, new_unit_id: str, actor: str) -> tuple[str, str]:
    """Move the site to its re-issued identifier (docs/admin.md): codes issued from now on carry `new_unit_id`;
    dossiers already received keep their codes, receipts and tracking links. Returns (old, new).

    The daily counters are keyed by day and kiosk, not by identifier, so numbering simply continues and no
    code can come back. The portal learns the new identifier at the next sync, before any upload, when the
    kiosk registers its receipt key under it (sync/engine.py).
    """
    from dataclasses import asdict

    from forms.codes import UNIT_ID_MESSAGE, is_unit_id
    from kiosk.security import audit

    new_unit_id = (new_unit_id or "").strip()
    if not is_unit_id(new_unit_id):
        raise InputError(UNIT_ID_MESSAGE)
    old = ctx.settings.unit_id
    if new_unit_id == old:
        raise InputError(f"Điểm tiếp nhận đã dùng mã định danh {old}.")
    changed = settings_from_dict({**asdict(ctx.settings), "unit_id": new_unit_id}, source="Mã định danh mới")
    save_settings(ctx.data.settings_path, changed)
    with ctx.transaction() as session:
        audit.record(session, actor, "site.unit_id_changed", old=old, new=new_unit_id)
    if ctx.owned_here():
        ctx.adopt(settings=changed)
    return old, new_unit_id
