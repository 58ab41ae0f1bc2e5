"""Power cuts, not just killed processes: the kiosk's data folder on the power-cut file system
(tests/support/powercut_fs.py), a life of receiving, amending and handing back between cuts, and after every cut a
restart on what the disk kept. Every code, revision and hand-back the kiosk showed must be there with its scans;
no code twice; `PRAGMA integrity_check` ok; the audit chain verifies; the outbox matches the dossiers. Random cuts
(half of them tearing the last unsynced write), then a deterministic walk cutting after each sync of one submit.
"""

from __future__ import annotations

import json
import os
import queue
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO
from powercut_mount import PowerCutMount, fuse_missing

pytestmark = pytest.mark.skipif(fuse_missing() is not None, reason=f"no FUSE here: {fuse_missing()}")

RANDOM_CUTS = int(os.environ.get("KIOSK_POWER_CUTS", "200"))
LINE_TIMEOUT_S = 60


class Lives:
    """The forking child (tests/support/powercut_life.py) and what its lives showed."""

    def __init__(self, disk: PowerCutMount, folder: Path) -> None:
        self.disk, self.folder = disk, folder
        self.shown: dict = {"codes": [], "amends": {}, "handbacks": [], "recent": []}
        self.alive: int | None = None
        self.process = subprocess.Popen([sys.executable, str(REPO / "tests" / "support" / "powercut_life.py"),
                                         str(disk.mountpoint / "data")], cwd=REPO, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=open(folder / "lives.err", "wb"), text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        assert self.next_line() == "READY"

    def _read(self) -> None:
        assert self.process.stdout is not None
        try:
            for line in self.process.stdout:
                self.lines.put(line.rstrip("\n"))
        except ValueError:  # closed at teardown
            pass

    def next_line(self) -> str:
        try:
            return self.lines.get(timeout=LINE_TIMEOUT_S)
        except queue.Empty:
            raise AssertionError("the kiosk's life said nothing: " + (self.folder / "lives.err").read_text()[-3000:]) from None

    def send(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def start(self, seed: int, *, one: bool = False, full: bool = False) -> int:
        """A new life: restart on what the disk holds; returns its pid once it has checked the data folder."""
        shown_file = self.folder / "shown.json"
        shown_file.write_text(json.dumps({**self.shown, "full": full}), encoding="utf-8")
        self.send(f"life {seed} {shown_file}" + (" one" if one else ""))
        pid = self.alive = int(self.expect("PID ").split()[1])
        verdict = self.expect(f"{pid} CHECK ")
        assert verdict == f"{pid} CHECK ok", f"after cut {self.cuts}: {verdict}"
        return pid

    cuts = 0
    pending: list[str] = []

    def expect(self, prefix: str) -> str:
        while True:
            line = self.next_line()
            if line.startswith(prefix):
                return line
            self.pending.append(line)

    def end(self, pid: int) -> None:
        """The power went during this life: kill it (it died with the machine) and take in what it showed."""
        os.kill(pid, signal.SIGKILL)
        self.send(f"reap {pid}")
        self.expect("REAPED")  # after the child's death: every line it wrote is read by now
        self.alive = None
        self.shown["recent"] = []
        for line in self.pending:
            words = line.split()
            if not words or words[0] != str(pid):
                continue
            if words[1] == "CODE":
                assert words[2] not in self.shown["codes"], f"code shown twice: {words[2]}"
                self.shown["codes"].append(words[2])
                self.shown["recent"].append(words[2])
            elif words[1] == "AMEND":
                self.shown["amends"][words[2]] = int(words[3])
            elif words[1] == "HANDBACK":
                self.shown["handbacks"].append(words[2])
            elif words[1] == "ERROR":
                assert any(word in line for word in ("disk I/O", "Input/output", "StorageError", "Errno 5")), line
        self.pending.clear()
        self.cuts += 1

    def close(self) -> None:
        if self.alive is not None:
            os.kill(self.alive, signal.SIGKILL)
        self.process.kill()
        self.process.wait()


@pytest.fixture
def lives(site_dir: Path, tmp_path: Path):
    from kiosk.security.officers import add_officer
    from kiosk.storage.context import open_kiosk

    disk = PowerCutMount(tmp_path)
    data = disk.backing / "data"
    shutil.copytree(site_dir, data)
    ctx = open_kiosk(data)
    with ctx.transaction() as session:
        add_officer(session, "lan", "Trần Thị Lan", "officer", "246813")
    ctx.close()
    (tmp_path / "scan.pdf").write_bytes(os.urandom(96 * 1024))
    disk.mount()
    running = Lives(disk, tmp_path)
    yield running
    running.close()
    disk.close()


def cut(lives: Lives, pid: int, tear_seed: int | None) -> None:
    if not lives.disk.dead():
        lives.disk.cut(tear_seed)
    lives.end(pid)
    lives.disk.remount()


@pytest.mark.slow
@pytest.mark.timeout(900)  # 200 lives: about 4 minutes on a quiet machine, 5 to 6 on a busy one
def test_random_power_cuts_lose_nothing_the_kiosk_showed(lives: Lives) -> None:
    rng = random.Random(20261206)
    for n in range(RANDOM_CUTS):
        pid = lives.start(n)
        time.sleep(rng.uniform(0.02, 0.4))
        cut(lives, pid, rng.randrange(1 << 30) if rng.random() < 0.5 else None)
    lives.start(RANDOM_CUTS, full=True)  # the last restart checks the last cut, and every scan
    shown = lives.shown
    print(f"\n{lives.cuts} cuts: {len(shown['codes'])} dossiers, {len(shown['amends'])} amended, "
          f"{len(shown['handbacks'])} handed back, all there after every restart")
    assert len(shown["codes"]) >= RANDOM_CUTS // 2 and shown["amends"] and shown["handbacks"]


@pytest.mark.slow
def test_a_cut_after_each_sync_of_one_submit(lives: Lives) -> None:
    go = lives.folder / "go"

    def one_submit(seed: int, arm: int | None) -> tuple[int, int]:
        """One life doing one submit with a scan; the cut falls after its `arm`-th sync (None: none)."""
        go.unlink(missing_ok=True)
        pid = lives.start(seed, one=True)
        before = lives.disk.events()
        if arm is not None:
            lives.disk.arm(arm)
        go.touch()
        deadline = time.monotonic() + LINE_TIMEOUT_S
        while not lives.disk.dead() and not any(line.startswith(f"{pid} DONE") for line in lives.pending):
            try:
                lives.pending.append(lives.lines.get(timeout=0.05))
            except queue.Empty:
                pass
            assert time.monotonic() < deadline, "the submit neither finished nor was cut"
        return pid, lives.disk.events() - before

    pid, syncs = one_submit(1, None)
    cut(lives, pid, None)
    assert syncs >= 3, syncs
    for step in range(1, syncs + 1):
        pid, _ = one_submit(100 + step, step)
        cut(lives, pid, None)
    lives.start(999, full=True)
    print(f"\none submit makes {syncs} syncs; a cut after each of them lost nothing shown")
