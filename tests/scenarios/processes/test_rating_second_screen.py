"""The citizen's rating on a second screen (SiteSettings.rating_screen = 1): the page opens full screen there, the
officer's window keeps its page and never shows the rating, the key press records the score, and the page goes.
Runs the real window in a child process on Qt's offscreen platform configured with two screens."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import select

REPO = Path(__file__).resolve().parents[3]
SCREENS = {
    "synchronousWindowSystemEvents": True,
    "windowFrameMargins": False,
    "screens": [  # Qt lists them by name: the counter's screen first
        {"name": "a-counter", "x": 0, "y": 0, "width": 1366, "height": 768, "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1},
        {"name": "b-citizen", "x": 1366, "y": 0, "width": 1024, "height": 600, "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1},
    ],
}


def test_the_rating_shows_on_the_second_screen_and_the_officer_keeps_his_page(site_dir: Path, tmp_path: Path) -> None:
    from forms.samples import sample_values
    from kiosk.dossier.submit import submit
    from kiosk.security.officers import OfficerRef, add_officer
    from kiosk.storage.context import open_kiosk
    from kiosk.storage.models import CounterEvent
    from kiosk.storage.settings import save_settings

    ctx = open_kiosk(site_dir)
    try:
        with ctx.transaction() as session:
            officer = OfficerRef.of(add_officer(session, "lan", "Trần Thị Lan", "officer", "246813"))
        procedure = ctx.catalogue.latest()[0]
        code = submit(ctx, procedure=procedure, values=sample_values(procedure, seed=3, today=date.today()), officer=officer).code
        save_settings(ctx.data.settings_path, ctx.settings.with_changes(rating_screen=1))
    finally:
        ctx.close()
    config = tmp_path / "screens.json"
    config.write_text(json.dumps(SCREENS), encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    child = subprocess.run(
        [sys.executable, str(REPO / "tests" / "support" / "second_screen_child.py"), str(site_dir), code],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=180,
    )
    lines = [line for line in child.stdout.splitlines() if line.startswith("SEEN ")]
    assert child.returncode == 0 and lines, child.stderr[-3000:]
    seen = json.loads(lines[-1][len("SEEN "):])
    assert seen["screens"] == ["a-counter", "b-citizen"]
    assert seen["on_second_screen"] and seen["page_is_window"] and seen["page_full_screen"]
    assert seen["page_screen"] == "b-citizen"
    assert seen["officer_page_kept"] and seen["window_shows_no_rating"]  # the officer's screen never holds the rating
    assert seen["step_after_key"] == "thanks" and seen["page_hidden_after"] and seen["officer_page_after"]

    ctx = open_kiosk(site_dir)
    try:
        with ctx.read() as session:
            ratings = list(session.scalars(select(CounterEvent).where(CounterEvent.kind == "rating")))
        assert [(r.body.get("details", r.body).get("score"), r.officer_id) for r in ratings] == [(1, None)]
    finally:
        ctx.close()
