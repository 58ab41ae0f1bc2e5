"""`kiosk-admin procedures` lists what the kiosk will use: shipped versions and those activated from the portal."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import REPO
from cli_helpers import run
from portal_server import portal  # noqa: F401 - the fixture
from sync_helpers import trusting_kiosk

SOURCE = REPO / "forms" / "procedures" / "1.004873-xac-nhan-tinh-trang-hon-nhan.json"


def published_version(tmp_path: Path, version: str, **changes: str) -> Path:
    doc = json.loads(SOURCE.read_text(encoding="utf-8"))
    doc.update(version=version, **changes)
    path = tmp_path / f"1.004873-{version}.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def test_procedures_marks_the_versions_activated_from_the_portal(tmp_path, portal, capsys) -> None:  # noqa: F811
    from sync.engine import SyncEngine

    root = tmp_path / "kiosk"
    ctx = trusting_kiosk(root, portal)
    try:
        portal.run_cli("publish", str(published_version(tmp_path, "2026.7")), str(published_version(tmp_path, "2099.1", effective_from="2099-01-01")))
        report = SyncEngine(ctx).run_once(force=True)
        assert report.ok and sorted(report.catalogue_activated) == ["1.004873@2026.7", "1.004873@2099.1"]
    finally:
        ctx.close()

    code, out, err = run(capsys, "--data-dir", str(root), "procedures", "--json")
    assert code == 0, err
    rows = json.loads(out)["procedures"]
    marriage = [r for r in rows if r["code"] == "1.004873"]
    assert [(r["version"], r["from_portal"], r["in_force"], r["effective_from"]) for r in marriage] == [
        ("2026.7", True, True, None), ("2099.1", True, False, "2099-01-01"),
    ]
    shipped = [r for r in rows if r["code"] != "1.004873"]
    assert shipped and not any(r["from_portal"] for r in shipped) and all(r["in_force"] for r in shipped)

    code, out, err = run(capsys, "--data-dir", str(root), "procedures")
    lines = {line.split()[0] + " " + line.split()[1]: line for line in out.splitlines()}
    assert lines["1.004873 v2026.7"].endswith("(từ cổng)")
    assert "(từ cổng) – chờ áp dụng từ ngày 01/01/2099" in lines["1.004873 v2099.1"]
    assert not any("(từ cổng)" in line for key, line in lines.items() if not key.startswith("1.004873"))

    code, out, err = run(capsys, "--data-dir", str(root), "procedures", "--search", "hon nhan", "--json")
    found = [(r["code"], r["version"]) for r in json.loads(out)["procedures"]]
    assert found[0] == ("1.004873", "2026.7") and ("1.004873", "2099.1") in found  # the waiting version comes too
