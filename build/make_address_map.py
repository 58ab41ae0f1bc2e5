"""Regenerate forms/data/address_map_2025.json, the old-to-2025 commune table (docs/address-mapping.md).

The table is derived from the data of the MIT-licensed PyPI package `vietnamadminunits`
(Tran Ngoc Minh Hieu), which records, for each of the 10,035 communes that existed before
1 July 2025, its official code and the 2025 commune(s) that took it over. We ship only the
derived table, never the package: the package geocodes split communes over the network at run
time and pulls shapely/geopy, and the kiosk must work offline with few dependencies.

Usage (needs network once, on a developer machine; the kiosk never runs this):

    .venv/bin/python build/make_address_map.py                 # pip-downloads the pinned wheel
    .venv/bin/python build/make_address_map.py --wheel X.whl   # or reads a wheel you have

It checks every target commune against the installed `vietnam-provinces` (the codes the forms
use) and stops with an error rather than write a table that points at an unknown commune.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "forms" / "data" / "address_map_2025.json"
PACKAGE = "vietnamadminunits"
VERSION = "1.0.4"


def _wheel(path: str | None, work: Path) -> Path:
    if path:
        return Path(path)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", f"{PACKAGE}=={VERSION}", "-d", str(work)],
        check=True,
    )
    return next(work.glob("vietnamadminunits-*.whl"))


def _load(wheel: Path, work: Path) -> tuple[sqlite3.Connection, dict]:
    with zipfile.ZipFile(wheel) as z:
        z.extract("vietnamadminunits/data/dataset.db", work)
        converter = json.loads(z.read("vietnamadminunits/data/converter_2025.json"))
    return sqlite3.connect(work / "vietnamadminunits/data/dataset.db"), converter


def _key(name: str) -> str:
    """Accent-, case- and punctuation-free name ("Xã Ea H'Leo" = "Xã Ea H’leo")."""
    from forms.text import fold

    return "".join(ch for ch in fold(name) if ch.isalnum())


def build(wheel: Path, work: Path) -> dict:
    """The compact table: old province -> district -> [ward, old code, [2025 commune codes]]."""
    import vietnam_provinces

    db, converter = _load(wheel, work)
    # The package's own 2025 codes predate the final official list in 114 cases, so a 2025
    # commune is resolved by province and name against vietnam-provinces, whose codes the forms use.
    ours = {
        (f"{int(w.province_code):02d}", _key(w.name)): f"{int(w.code):05d}" for w in vietnam_provinces.Ward.iter_all()
    }
    new_code = {
        (pk, wk): ours[(pcode, _key(name))]
        for pk, wk, pcode, name in db.execute("SELECT provinceKey, wardKey, provinceCode, ward FROM admin_units")
    }
    targets: dict[str, list[str]] = {}
    for pk, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for wk, olds in wards.items():
            for old in olds:
                targets.setdefault(old, []).append(new_code[(pk, wk)])
    for pk, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, news in olds.items():
            # The package's "default" new commune (the one holding most of the old one) goes first.
            ordered = sorted(news, key=lambda n: not n["isDefaultNewWard"])
            targets.setdefault(old, []).extend(new_code[(pk, n["newWardKey"])] for n in ordered)
    # Island districts had no communes; each became one đặc khu of the same name.
    islands = {
        (pk, dk): code
        for pk, dk, code in db.execute(
            "SELECT l.provinceKey, l.districtKey, n.wardCode FROM admin_units_legacy l JOIN admin_units n"
            " ON n.wardShortKey = l.districtShortKey AND n.wardType = 'Đặc khu' WHERE l.wardCode IS NULL"
        )
    }

    known = {f"{int(w.code):05d}" for w in vietnam_provinces.Ward.iter_all()}
    provinces: dict[str, dict] = {}
    rows = db.execute(
        "SELECT provinceCode, province, district, ward, wardCode, provinceKey, districtKey, wardKey"
        " FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"
    )
    for pcode, pname, dname, wname, wcode, pk, dk, wk in rows:
        prov = provinces.setdefault(pcode, {"name": pname, "districts": {}})
        district = prov["districts"].setdefault(dname, [])
        if wcode is None:
            codes = [islands[(pk, dk)]]
            district.append(["", "", codes])
        else:
            codes = list(dict.fromkeys(targets[f"{pk}_{dk}_{wk}"]))
            district.append([wname, wcode, codes])
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise SystemExit(f"{pname}, {dname}, {wname}: 2025 code(s) {unknown} not in vietnam-provinces")
    return {
        "source": f"{PACKAGE} {VERSION} (MIT, Tran Ngoc Minh Hieu), data/dataset.db + data/converter_2025.json",
        "format": "provinces[old code] = {name, districts: {name: [[commune name, old code, [2025 codes]]]}};"
        " a district with no communes (islands) has one row with empty name and code",
        "provinces": provinces,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", help="a downloaded vietnamadminunits wheel (default: pip download it)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        table = build(_wheel(args.wheel, Path(tmp)), Path(tmp))
    OUT.write_text(json.dumps(table, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    n = sum(len(d) for p in table["provinces"].values() for d in p["districts"].values())
    print(f"wrote {OUT.relative_to(ROOT)}: {len(table['provinces'])} old provinces, {n} rows")


if __name__ == "__main__":
    main()
