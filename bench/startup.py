"""Cold start to an interactive login window, and resident memory with 100k dossiers, each against a bare window.

Both are measured in fresh child processes started the same way (the venv's interpreter, offscreen Qt), so
the interpreter's own start-up is in both the product and the baseline:
- cold start: from spawning `kiosk --startup-check` to its "ready" line (the login screen is shown and the
  event loop has turned once since, so keys reach it) — vs `bench.gui_child bare-start`, a QApplication with
  one QLineEdit window printing at the same moment. The page cache is warm (the first run of each is
  discarded): this is process start-up, not disk reads after a reboot.
- memory: VmRSS of the real main window logged in and showing the dossier list over a 100k-dossier data
  folder (bench.gui_child kiosk-memory) — vs the bare window's VmRSS. The goal is a difference (≤ +60 MB).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import REPO, figure, summary

KIOSK = Path(sys.executable).with_name("kiosk")
TIMEOUT_S = 180


def _env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}


def time_to_ready(command: list[str]) -> tuple[float, float | None]:
    """Seconds from spawning `command` to its "ready: login" line (the login takes keys) and to its
    "opened: ok" line (the data folder is open, a login is accepted), if it prints one; then the child exits."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=_env(), cwd=REPO)
    ready: float | None = None
    try:
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith("ready: "):
                ready = time.perf_counter() - started
                if not line.startswith("ready: login"):
                    raise RuntimeError(f"{command[0]} did not reach the login screen: {line.strip()}")
            elif line.startswith("opened: "):
                if not line.startswith("opened: ok"):
                    raise RuntimeError(f"{command[0]} could not open its data folder: {line.strip()}")
                opened = time.perf_counter() - started
                child.wait(timeout=TIMEOUT_S)
                assert ready is not None
                return ready, opened
        child.wait(timeout=TIMEOUT_S)
        if ready is None:
            raise RuntimeError(f"{command} exited ({child.returncode}) without a ready line")
        return ready, None
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)


def bench_cold_start(root: Path, runs: int) -> dict[str, Any]:
    """`root` is a set-up data folder (the bench officer's site); the kiosk opens it as on a normal morning."""
    kiosk = [str(KIOSK), "--data-dir", str(root), "--startup-check"] if KIOSK.exists() else [sys.executable, "-m", "ui.window.app", "--data-dir", str(root), "--startup-check"]
    bare = [sys.executable, "-m", "bench.gui_child", "bare-start"]
    time_to_ready(kiosk), time_to_ready(bare)  # warm the page cache for both
    product, opened, baseline = [], [], []
    for _ in range(runs):  # interleaved, so a noisy moment lands on both
        ready, open_at = time_to_ready(kiosk)
        product.append(ready)
        opened.append(open_at or ready)
        baseline.append(time_to_ready(bare)[0])
    fig = figure("cold start to an interactive login window", product, baseline, goal="≤ 1.5x")
    fig["product_until_login_accepted"] = summary(opened)  # the folder open: a login sent earlier goes ahead now
    fig["ratio_until_login_accepted"] = round(fig["product_until_login_accepted"]["median"] / fig["baseline"]["median"], 3)
    fig["details"] = [
        f"until the data folder is open and a login is accepted: {fig['product_until_login_accepted']['median']:.2f} s "
        f"({fig['ratio_until_login_accepted']:.1f}x the bare window; goal ≤ 3x, issue 17); a login typed before that waits and goes ahead by itself."
    ]
    return fig


def _child_json(command: list[str]) -> dict[str, Any]:
    done = subprocess.run(command, capture_output=True, text=True, env=_env(), cwd=REPO, timeout=TIMEOUT_S, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"{command} printed no figure (exit {done.returncode}): {done.stderr[-2000:]}")


def bench_memory(root: Path, runs: int, dossiers: int) -> dict[str, Any]:
    """Resident memory of the kiosk logged in at its dossier list over `root` (which holds `dossiers`)."""
    work = root.with_name(root.name + "-memory-run")
    product, at_login, baseline = [], [], []
    for _ in range(runs):
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(root, work)  # each run opens the folder as it was: no WAL or backup left by the previous one
        measured = _child_json([sys.executable, "-m", "bench.gui_child", "kiosk-memory", str(work)])
        product.append(float(measured["rss"]))
        at_login.append(float(measured["rss_at_login"]))
        baseline.append(float(_child_json([sys.executable, "-m", "bench.gui_child", "bare-memory"])["rss"]))
    shutil.rmtree(work, ignore_errors=True)
    fig = figure(f"resident memory, logged in at the dossier list with {dossiers:,} dossiers", product, baseline, unit="B", goal="≤ baseline + 60 MB")
    fig["difference_mb"] = round((fig["product"]["median"] - fig["baseline"]["median"]) / 1e6, 1)
    fig["product_at_login"] = summary(at_login)
    fig["dossiers"] = dossiers
    fig["details"] = [
        f"{fig['difference_mb']:+.1f} MB over the bare window (goal ≤ +60 MB); at the login screen already "
        f"{(fig['product_at_login']['median'] - fig['baseline']['median']) / 1e6:+.1f} MB."
    ]
    return fig
