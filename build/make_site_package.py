"""Make a per-site package: the built one-folder application plus that site's configuration.

    .venv/bin/python build/make_site_package.py --site site.json --out dist/site-bat-trang-1 [--app dist/mot-cua-kiosk] [--archive]

`site.json` (docs/admin.md):
    {"settings": {"unit_id": "000.00.07.H26", "unit_name": "UBND xã Bát Tràng", "commune_code": "00583",
                  "kiosk_number": 1, "portal_url": "https://dichvucong.hanoi.gov.vn",
                  "catalogue_public_key": "<64 hex>"},
     "enrolment_code": "7KQM-P2XA-9RTD"}
The settings are checked before anything is written. The one-time enrolment code expires (72 h by
default) and is used once; treat the package as confidential until the kiosk has enrolled.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tarfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kiosk.errors import InputError  # noqa: E402
from kiosk.storage.provision import CONFIG_NAME, SETTING_KEYS  # noqa: E402
from kiosk.storage.settings import settings_from_dict  # noqa: E402


def make(site: Path, out: Path, app: Path, archive: bool = False) -> Path:
    config = json.loads(site.read_text(encoding="utf-8"))
    settings = config.get("settings") or {}
    unknown = sorted(set(settings) - set(SETTING_KEYS))
    if unknown:
        raise InputError(f"{site.name}: không dùng được thiết lập {', '.join(unknown)} trong gói.")
    settings_from_dict(settings, source=site.name)  # the same checks as kiosk-admin init
    if not (app / "kiosk").exists() and not (app / "kiosk.exe").exists():
        raise InputError(f"Không thấy ứng dụng đã đóng gói ở {app}: chạy PyInstaller trước (docs/admin.md).")
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(app, out, symlinks=True)
    target = out / CONFIG_NAME
    target.write_text(json.dumps({"settings": settings, "enrolment_code": config.get("enrolment_code", "")}, ensure_ascii=False, indent=1), encoding="utf-8")
    target.chmod(0o600)
    if archive:
        tarball = out.with_suffix(".tar.gz")
        with tarfile.open(tarball, "w:gz") as tar:
            tar.add(out, arcname=out.name)
        return tarball
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--app", type=Path, default=REPO / "dist" / "mot-cua-kiosk")
    parser.add_argument("--archive", action="store_true", help="also pack the folder as .tar.gz")
    args = parser.parse_args(argv)
    try:
        made = make(args.site, args.out, args.app, args.archive)
    except InputError as exc:
        print(f"Lỗi: {exc.message}", file=sys.stderr)
        return 2
    print(made)
    return 0


if __name__ == "__main__":
    sys.exit(main())
