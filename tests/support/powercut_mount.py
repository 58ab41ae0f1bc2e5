"""Mount, cut and remount the power-cut file system (powercut_fs.py) from a test.

`PowerCutMount(folder)` keeps the durable state in `folder/backing` and mounts it at `folder/mnt`; `cut()` is the
power going (the file system drops what was never synced, then refuses everything), `remount()` the machine
coming back: a fresh process on what the backing folder holds, with the kernel's caches gone.
Tests skip (saying why) only where the machine has no FUSE at all: no /dev/fuse or no fusermount3.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FS_SCRIPT = Path(__file__).with_name("powercut_fs.py")
MOUNT_TIMEOUT_S = 15


def fuse_missing() -> str | None:
    """Why this machine cannot mount a FUSE file system, or None when it can."""
    if not os.path.exists("/dev/fuse"):
        return "no /dev/fuse on this machine"
    if shutil.which("fusermount3") is None:
        return "fusermount3 is not installed (Debian package fuse3, installed by the README's set-up command)"
    try:
        import mfusepy  # noqa: F401 - only to know it loads (it needs libfuse3)
    except (ImportError, OSError) as exc:
        return f"mfusepy cannot load libfuse3: {exc}"
    return None


class PowerCutMount:
    def __init__(self, folder: Path) -> None:
        self.backing = folder / "backing"
        self.stash = folder / "stash"
        self.mountpoint = folder / "mnt"
        for path in (self.backing, self.stash, self.mountpoint):
            path.mkdir(parents=True, exist_ok=True)
        self._socket_dir = tempfile.mkdtemp(prefix="pc")  # a Unix socket path must stay short
        self.control = os.path.join(self._socket_dir, "control")
        self.process: subprocess.Popen | None = None
        self.log = folder / "powercut_fs.log"

    def mount(self) -> None:
        if os.path.exists(self.control):
            os.unlink(self.control)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen([sys.executable, str(FS_SCRIPT), str(self.backing), str(self.stash),
                                             str(self.mountpoint), self.control], stdout=log, stderr=log)
        deadline = time.monotonic() + MOUNT_TIMEOUT_S
        while not (os.path.ismount(self.mountpoint) and os.path.exists(self.control)):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the power-cut file system did not mount: {self.log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.02)

    def command(self, line: str) -> str:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(10)
            conn.connect(self.control)
            conn.sendall(line.encode() + b"\n")
            reply = b""
            while not reply.endswith(b"\n"):
                chunk = conn.recv(4096)
                if not chunk:
                    break
                reply += chunk
        return reply.decode().strip()

    def cut(self, tear_seed: int | None = None) -> None:
        """The power goes: what was never synced is lost; the mount refuses everything until `remount`."""
        assert self.command("cut" if tear_seed is None else f"cut {tear_seed}") == "ok"

    def arm(self, events: int) -> None:
        """Cut right after the next `events`-th fsync, fsyncdir or rename."""
        assert self.command(f"arm {events}") == "ok"

    def events(self) -> int:
        return int(self.command("events"))

    def dead(self) -> bool:
        return self.command("dead") == "1"

    def unmount(self) -> None:
        if self.process is None:
            return
        subprocess.run(["fusermount3", "-u", "-z", str(self.mountpoint)], check=False, capture_output=True)
        try:
            self.process.wait(timeout=MOUNT_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def remount(self) -> None:
        self.unmount()
        self.mount()

    def close(self) -> None:
        self.unmount()
        shutil.rmtree(self._socket_dir, ignore_errors=True)
