"""Initialise a site's data folder (settings, database) — the first thing an administrator does."""

from __future__ import annotations

from pathlib import Path

from kiosk.context import open_database
from kiosk.errors import InputError
from kiosk.paths import DataDir
from kiosk.settings import SiteSettings, save_settings, settings_from_dict


def init_site(root: Path, values: dict, *, overwrite: bool = False) -> SiteSettings:
    """Validate and write settings.json, then create and migrate the database."""
    data = DataDir(root)
    if data.settings_path.exists() and not overwrite:
        raise InputError(f"Thư mục {root} đã được thiết lập; dùng --force để ghi đè thiết lập (dữ liệu được giữ nguyên).")
    settings = settings_from_dict(values, source="init")
    data.ensure()
    save_settings(data.settings_path, settings)
    engine, _, _ = open_database(data)
    engine.dispose()
    return settings
