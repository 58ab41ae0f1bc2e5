"""`kiosk-admin doctor`: each finding with a severity and a sentence saying what to do; exit 1 on an error."""

from __future__ import annotations

import json
import socket
from pathlib import Path


from ui.admin.cli import main
from portal_server import portal, start_portal  # noqa: F401 - the fixture
from sync_helpers import add_officer, make_kiosk
from disk_helpers import fill, small_disk  # noqa: F401 - the fixture


def doctor(capsys, root: Path) -> tuple[int, dict[str, dict]]:
    capsys.readouterr()
    code = main(["--data-dir", str(root), "doctor", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] == (code == 0)
    by_check: dict[str, dict] = {}
    for finding in report["findings"]:
        assert finding["severity"] in ("ok", "warning", "error") and finding["message_vi"] and finding["message_en"]
        if finding["severity"] != "ok" or finding["check"] not in by_check:
            by_check[finding["check"]] = finding
    return code, by_check


def test_a_healthy_enrolled_kiosk_has_no_error(tmp_path, portal, capsys) -> None:  # noqa: F811
    ctx = make_kiosk(tmp_path / "kiosk", portal)
    add_officer(ctx)
    ctx.close()
    code, found = doctor(capsys, tmp_path / "kiosk")
    assert code == 0, found
    assert {"disk", "database", "forms", "queue", "enrolment", "portal", "clock_skew", "printer"} <= set(found)
    assert found["clock_skew"]["severity"] == "ok" and found["portal"]["severity"] == "ok"
    assert found["printer"]["severity"] in ("ok", "warning")  # no printer is a warning, exit 0


def test_a_two_hour_clock_skew_is_an_error(tmp_path, capsys) -> None:
    with start_portal(tmp_path / "portal", extra_args=["--clock-offset", str(-2 * 3600)]) as skewed:
        ctx = make_kiosk(tmp_path / "kiosk", skewed)
        ctx.close()
        code, found = doctor(capsys, tmp_path / "kiosk")
    assert code == 1
    skew = found["clock_skew"]
    assert skew["severity"] == "error" and "120 phút" in skew["message_vi"] and "chỉnh ngày giờ" in skew["message_vi"]
    assert "120 minutes ahead of" in skew["message_en"]


def test_an_unreachable_portal_is_an_error(tmp_path, portal, capsys) -> None:  # noqa: F811
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    ctx = make_kiosk(tmp_path / "kiosk", portal, portal_url=closed)
    ctx.close()
    code, found = doctor(capsys, tmp_path / "kiosk")
    assert code == 1 and found["portal"]["severity"] == "error"
    assert "Không kết nối được cổng" in found["portal"]["message_vi"] and "cannot be reached" in found["portal"]["message_en"]


def test_a_full_disk_is_an_error(small_disk: Path, capsys) -> None:  # noqa: F811
    from conftest import TEST_SITE
    from kiosk.storage.site import init_site

    root = small_disk / "data"
    init_site(root, dict(TEST_SITE))
    filler = fill(small_disk)
    code, found = doctor(capsys, root)
    assert code == 1 and found["disk"]["severity"] == "error"
    assert "giải phóng dung lượng" in found["disk"]["message_vi"] and "free up disk space" in found["disk"]["message_en"]
    filler.unlink()
