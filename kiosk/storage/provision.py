"""First start of a per-site package: the site's configuration baked into the package sets up the data folder.

`build/make_site_package.py` writes `site-config.json` next to the executables. It holds the site
settings (unit, commune, kiosk number, portal address), the portal's public key for catalogue
signatures, and a one-time enrolment code. When the data folder is still empty, `provision` writes
the settings, creates the encrypted database and leaves the enrolment code in the data folder
(`pending-enrolment.json`, owner-only). The sync engine enrols with it as soon as the portal answers
(`sync.enrolment.enrol_pending`). Officers are added by the administrator at installation
(`kiosk-admin officer add`, docs/admin.md).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from kiosk.errors import InputError
from kiosk.storage.files import write_atomic
from kiosk.storage.paths import DataDir

log = logging.getLogger(__name__)

CONFIG_NAME = "site-config.json"
PENDING_NAME = "pending-enrolment.json"
ENV_SITE_CONFIG = "KIOSK_SITE_CONFIG"
SETTING_KEYS = ("unit_id", "unit_name", "commune_code", "kiosk_number", "portal_url", "catalogue_public_key", "place_name", "hotline")


def package_config_path() -> Path | None:
    """`KIOSK_SITE_CONFIG`, else `site-config.json` beside the frozen executable (None when running from source)."""
    if os.environ.get(ENV_SITE_CONFIG):
        return Path(os.environ[ENV_SITE_CONFIG])
    if getattr(sys, "frozen", False):
        candidate = Path(sys.executable).resolve().parent / CONFIG_NAME
        return candidate if candidate.exists() else None
    return None


def read_config(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"Không đọc được cấu hình điểm tiếp nhận {path.name}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("settings"), dict):
        raise InputError(f"{path.name}: thiếu phần \"settings\".")
    return data


def provision(root: Path, config_path: Path | None = None) -> bool:
    """Set up an empty data folder from the package's configuration; returns True when it did."""
    from kiosk.storage.site import init_site

    data = DataDir(Path(root))
    config_path = config_path or package_config_path()
    if config_path is None or data.settings_path.exists():
        return False
    config = read_config(config_path)
    settings = {k: v for k, v in config["settings"].items() if k in SETTING_KEYS}
    init_site(data.root, settings)
    code = str(config.get("enrolment_code") or "").strip()
    if code and settings.get("portal_url"):
        write_atomic(data.root / PENDING_NAME, json.dumps({"portal_url": settings["portal_url"], "code": code}).encode("utf-8"))
    log.info("data folder set up from the site package (%s, kiosk %s)", settings.get("unit_id"), settings.get("kiosk_number"))
    return True


def pending_enrolment(data: DataDir) -> dict[str, str] | None:
    path = data.root / PENDING_NAME
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) and value.get("code") and value.get("portal_url") else None


def clear_pending(data: DataDir) -> None:
    (data.root / PENDING_NAME).unlink(missing_ok=True)
