"""A FUSE file system that loses what was never synced when the power goes (issue 15, item 1).

It passes through to a backing folder, but what the kernel would still hold in its cache stays in this process's
memory until it is made durable, the way Jepsen's LazyFS models a disk:

- a file's data (writes, truncations) reaches the backing file only at that file's `fsync`;
- a name (a created file or folder, a rename, an unlink, an rmdir) is applied to the backing folder at once but
  kept in an undo log until its folder is fsynced (for a rename: the destination's folder);
- `cut` undoes every name not yet durable (newest first), drops every unsynced write and, with `tear`, writes a
  prefix (whole 512-byte sectors, the count drawn from the seed) of the last unsynced write, as a torn write;
  then every later operation fails with EIO until the file system is mounted again on the backing folder;
- `arm N` cuts on its own right after the Nth fsync, fsyncdir or rename, so a test can walk every step of one
  submit deterministically.

SQLite's `-shm` is memory-mapped: hence no `direct_io`, no kernel caching between opens (attribute and entry
timeouts 0) and a fresh mount after each cut; its pages reach this process only as unsynced writes, so it is
never durable, as on a real disk after a power cut.

Run: `python powercut_fs.py BACKING STASH MOUNTPOINT CONTROL_SOCKET`; `powercut_mount.py` drives it.
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import socket
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import mfusepy

SECTOR = 512
DURABILITY_EVENTS = ("fsync", "fsyncdir", "rename")


@dataclass
class Node:
    """One file's writes and truncations not yet synced, in order: ("w", offset, data) or ("t", length)."""

    ops: list[tuple] = field(default_factory=list)


@dataclass
class Undo:
    """How to take back one name change: `kind`, the paths it touched, the stash holding what it replaced."""

    kind: str  # created | mkdir | unlinked | rmdir | renamed
    path: str
    durable_with: str  # the folder whose fsync makes it durable
    other: str = ""  # a rename's source
    stash: str = ""  # a stashed file the change removed (unlink, or a rename's replaced target)


class PowerCutFS(mfusepy.Operations):
    use_ns = True

    def __init__(self, backing: Path, stash: Path) -> None:
        self.root = str(backing)
        self.stash_dir = stash
        self.mutex = threading.RLock()
        self.nodes: dict[str, Node] = {}  # by path (relative, "/a/b")
        self.handles: dict[int, tuple[int, Node, str]] = {}  # fh → (backing fd, node, path at open)
        self.undo: list[Undo] = []
        self.last_write: tuple[Node, int, bytes] | None = None
        self.events = 0
        self.cut_at: int | None = None
        self.dead = False
        self._stashes = 0

    # --- helpers ------------------------------------------------------------------------------------

    def _real(self, path: str) -> str:
        return os.path.join(self.root, path.lstrip("/"))

    def _alive(self) -> None:
        if self.dead:
            raise mfusepy.FuseOSError(errno.EIO)

    def _node(self, path: str) -> Node:
        return self.nodes.setdefault(path, Node())

    def _stash(self, real: str) -> str:
        self._stashes += 1
        target = str(self.stash_dir / f"s{self._stashes}")
        os.rename(real, target)
        return target

    def _event(self) -> None:
        self.events += 1
        if self.cut_at is not None and self.events >= self.cut_at:
            self.cut(tear_seed=None)

    @staticmethod
    def _size(ops: list[tuple], size: int) -> int:
        for op in ops:
            size = op[1] if op[0] == "t" else max(size, op[1] + len(op[2]))
        return size

    def _virtual_size(self, path: str, real_size: int) -> int:
        node = self.nodes.get(path)
        return self._size(node.ops, real_size) if node else real_size

    # --- cutting ------------------------------------------------------------------------------------

    def cut(self, tear_seed: int | None) -> None:
        """The power goes: undo every name not yet durable, drop every unsynced write (tearing the last one)."""
        with self.mutex:
            torn = self.last_write if tear_seed is not None else None
            for entry in reversed(self.undo):
                real = self._real(entry.path)
                if entry.kind == "created" and os.path.lexists(real):
                    os.unlink(real)
                elif entry.kind == "mkdir" and os.path.isdir(real):
                    shutil.rmtree(real)
                elif entry.kind == "unlinked":
                    os.rename(entry.stash, real)
                elif entry.kind == "rmdir":
                    os.mkdir(real)
                elif entry.kind == "renamed":
                    if os.path.lexists(real):
                        os.rename(real, self._real(entry.other))
                    if entry.stash:
                        os.rename(entry.stash, real)
            self.undo.clear()
            if torn is not None:
                node, fd, data = torn[0], None, torn[2]
                path = next((p for p, n in self.nodes.items() if n is node), None)
                sectors = -(-len(data) // SECTOR)
                keep = random.Random(tear_seed).randint(0, sectors) * SECTOR
                if path is not None and keep and os.path.exists(self._real(path)):
                    fd = os.open(self._real(path), os.O_WRONLY)
                    try:
                        os.pwrite(fd, data[:keep], torn[1])
                        os.fsync(fd)
                    finally:
                        os.close(fd)
            for node in self.nodes.values():
                node.ops.clear()
            self.dead = True

    # --- names --------------------------------------------------------------------------------------

    def getattr(self, path: str, fh: int | None = None) -> dict:
        with self.mutex:
            self._alive()
            if fh is not None and fh in self.handles:
                st = os.fstat(self.handles[fh][0])
                node = self.handles[fh][1]
                size = self._size(node.ops, st.st_size)
            else:
                try:
                    st = os.lstat(self._real(path))
                except FileNotFoundError:
                    raise mfusepy.FuseOSError(errno.ENOENT) from None
                size = self._virtual_size(path, st.st_size)
            keys = ("st_mode", "st_nlink", "st_uid", "st_gid", "st_atime_ns", "st_mtime_ns", "st_ctime_ns")
            attrs = {key.replace("_ns", ""): getattr(st, key) for key in keys}
            attrs["st_size"] = size
            return attrs

    def readdir(self, path: str, fh: int) -> list[str]:
        with self.mutex:
            self._alive()
            return [".", "..", *os.listdir(self._real(path))]

    def access(self, path: str, amode: int) -> int:
        with self.mutex:
            self._alive()
            if not os.access(self._real(path), amode):
                raise mfusepy.FuseOSError(errno.EACCES)
            return 0

    def statfs(self, path: str) -> dict:
        st = os.statvfs(self._real(path))
        keys = ("f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail", "f_ffree", "f_files", "f_flag", "f_frsize", "f_namemax")
        return {key: getattr(st, key) for key in keys}

    def chmod(self, path: str, mode: int) -> int:
        with self.mutex:
            self._alive()
            os.chmod(self._real(path), mode)
            return 0

    def chown(self, path: str, uid: int, gid: int) -> int:
        with self.mutex:
            self._alive()
            os.chown(self._real(path), uid, gid)
            return 0

    def utimens(self, path: str, times: tuple[int, int] | None = None) -> int:
        with self.mutex:
            self._alive()
            os.utime(self._real(path), ns=times) if times else os.utime(self._real(path))
            return 0

    def mkdir(self, path: str, mode: int) -> int:
        with self.mutex:
            self._alive()
            os.mkdir(self._real(path), mode)
            self.undo.append(Undo("mkdir", path, os.path.dirname(path)))
            return 0

    def rmdir(self, path: str) -> int:
        with self.mutex:
            self._alive()
            os.rmdir(self._real(path))
            self.undo.append(Undo("rmdir", path, os.path.dirname(path)))
            return 0

    def unlink(self, path: str) -> int:
        with self.mutex:
            self._alive()
            stash = self._stash(self._real(path))  # open descriptors keep working on the stashed file
            self.nodes.pop(path, None)
            self.undo.append(Undo("unlinked", path, os.path.dirname(path), stash=stash))
            return 0

    def rename(self, old: str, new: str) -> int:
        with self.mutex:
            self._alive()
            replaced = self._stash(self._real(new)) if os.path.lexists(self._real(new)) else ""
            os.rename(self._real(old), self._real(new))
            self.nodes.pop(new, None)
            if old in self.nodes:
                self.nodes[new] = self.nodes.pop(old)
            self.undo.append(Undo("renamed", new, os.path.dirname(new), other=old, stash=replaced))
            self._event()
            return 0

    def fsyncdir(self, path: str, datasync: int, fh: int) -> int:
        with self.mutex:
            self._alive()
            folder = path.rstrip("/") or "/"
            self.undo = [u for u in self.undo if (u.durable_with or "/") != folder]
            self._event()
            return 0

    # --- data ---------------------------------------------------------------------------------------

    def create(self, path: str, mode: int, flags: int = 0) -> int:
        with self.mutex:
            self._alive()
            real = self._real(path)
            existed = os.path.lexists(real)
            fd = os.open(real, os.O_RDWR | os.O_CREAT, mode)
            if not existed:
                self.undo.append(Undo("created", path, os.path.dirname(path)))
            node = self._node(path)
            if flags & os.O_TRUNC:
                node.ops.append(("t", 0))
            self.handles[fd] = (fd, node, path)
            return fd

    def open(self, path: str, flags: int) -> int:
        with self.mutex:
            self._alive()
            fd = os.open(self._real(path), os.O_RDWR if os.access(self._real(path), os.W_OK) else os.O_RDONLY)
            node = self._node(path)
            if flags & os.O_TRUNC:
                node.ops.append(("t", 0))
            self.handles[fd] = (fd, node, path)
            return fd

    def read(self, path: str, size: int, offset: int, fh: int) -> bytes:
        with self.mutex:
            self._alive()
            fd, node, _ = self.handles[fh]
            base = os.pread(fd, size, offset)
            total = self._size(node.ops, os.fstat(fd).st_size)
            buf = bytearray(base.ljust(size, b"\0"))
            end = offset + size
            for op in node.ops:
                if op[0] == "t":
                    cut = max(op[1] - offset, 0)
                    if cut < size:
                        buf[cut:] = bytes(size - cut)
                else:
                    start, data = op[1], op[2]
                    lo, hi = max(start, offset), min(start + len(data), end)
                    if lo < hi:
                        buf[lo - offset:hi - offset] = data[lo - start:hi - start]
            return bytes(buf[:max(0, min(size, total - offset))])

    def write(self, path: str, data: bytes, offset: int, fh: int) -> int:
        with self.mutex:
            self._alive()
            node = self.handles[fh][1]
            node.ops.append(("w", offset, bytes(data)))
            self.last_write = (node, offset, bytes(data))
            return len(data)

    def truncate(self, path: str | None, length: int, fh: int | None = None) -> int:
        with self.mutex:
            self._alive()
            node = self.handles[fh][1] if fh is not None and fh in self.handles else self._node(path or "")
            node.ops.append(("t", length))
            return 0

    def fsync(self, path: str | None, datasync: int, fh: int) -> int:
        with self.mutex:
            self._alive()
            fd, node, _ = self.handles[fh]
            for op in node.ops:
                if op[0] == "t":
                    os.ftruncate(fd, op[1])
                else:
                    os.pwrite(fd, op[2], op[1])
            os.fsync(fd)
            node.ops.clear()
            if self.last_write is not None and self.last_write[0] is node:
                self.last_write = None
            self._event()
            return 0

    def flush(self, path: str | None, fh: int) -> int:
        return 0

    def release(self, path: str | None, fh: int) -> int:
        with self.mutex:
            entry = self.handles.pop(fh, None)
            if entry is not None:
                os.close(entry[0])
            return 0

    # --- the control socket -------------------------------------------------------------------------

    def command(self, line: str) -> str:
        """`cut [SEED]` (a seed tears the last unsynced write), `arm N`, `events`, `dead`."""
        words = line.split()
        with self.mutex:
            if words[:1] == ["cut"]:
                self.cut(int(words[1]) if len(words) > 1 else None)
                return "ok"
            if words[:1] == ["arm"]:
                self.cut_at = self.events + int(words[1])
                return "ok"
            if words[:1] == ["events"]:
                return str(self.events)
            if words[:1] == ["dead"]:
                return "1" if self.dead else "0"
        return "unknown command"


def serve_control(fs: PowerCutFS, path: str) -> None:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(4)
    while True:
        conn, _ = server.accept()
        with conn, conn.makefile("rw") as stream:
            for line in stream:
                stream.write(fs.command(line.strip()) + "\n")
                stream.flush()


def main(argv: list[str]) -> None:
    backing, stash, mountpoint, control = argv
    fs = PowerCutFS(Path(backing), Path(stash))
    threading.Thread(target=serve_control, args=(fs, control), daemon=True).start()
    mfusepy.FUSE(fs, mountpoint, foreground=True, nothreads=True, hard_remove=True,
                 attr_timeout=0, entry_timeout=0, negative_timeout=0)


if __name__ == "__main__":
    main(sys.argv[1:])
