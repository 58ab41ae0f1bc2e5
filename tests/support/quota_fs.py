"""A FUSE pass-through file system with a byte budget, for real EDQUOT/ENOSPC errors where no quota can be set
(tmpfs quotas need a kernel built with them; root ignores quotas anyway).

Files may hold at most the budget in all (the number in the file BUDGET_FILE, read at every write, so a test frees
room by writing a larger number). A write that does not fit writes what fits and returns that count, and the next
one fails with the errno given (EDQUOT or ENOSPC): a short write, then the error, as a real full quota does. Direct
I/O, so the kernel passes each write and its count through unchanged.

Run: `python quota_fs.py BACKING MOUNTPOINT BUDGET_FILE ERRNO_NAME`; `quota_mount()` drives it.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MOUNT_TIMEOUT_S = 15


def _run(backing: str, mountpoint: str, budget_file: str, errno_name: str) -> None:
    import mfusepy

    code = getattr(errno, errno_name)

    class QuotaFS(mfusepy.Operations):
        use_ns = True

        def _real(self, path: str) -> str:
            return os.path.join(backing, path.lstrip("/"))

        def _used(self) -> int:
            return sum(os.path.getsize(os.path.join(folder, name)) for folder, _, names in os.walk(backing) for name in names)

        def getattr(self, path: str, fh: int | None = None) -> dict:
            try:
                st = os.fstat(fh) if fh is not None else os.lstat(self._real(path))
            except FileNotFoundError:
                raise mfusepy.FuseOSError(errno.ENOENT) from None
            keys = ("st_mode", "st_nlink", "st_uid", "st_gid", "st_size", "st_atime_ns", "st_mtime_ns", "st_ctime_ns")
            return {key.replace("_ns", ""): getattr(st, key) for key in keys}

        def readdir(self, path: str, fh: int) -> list[str]:
            return [".", "..", *os.listdir(self._real(path))]

        def mkdir(self, path: str, mode: int) -> int:
            os.mkdir(self._real(path), mode)
            return 0

        def unlink(self, path: str) -> int:
            os.unlink(self._real(path))
            return 0

        def rename(self, old: str, new: str) -> int:
            os.rename(self._real(old), self._real(new))
            return 0

        def chmod(self, path: str, mode: int) -> int:
            os.chmod(self._real(path), mode)
            return 0

        def utimens(self, path: str, times: tuple[int, int] | None = None) -> int:
            os.utime(self._real(path), ns=times) if times else os.utime(self._real(path))
            return 0

        def create(self, path: str, mode: int, fi=None) -> int:  # noqa: ANN001
            return os.open(self._real(path), os.O_RDWR | os.O_CREAT, mode)

        def open(self, path: str, flags: int) -> int:
            return os.open(self._real(path), flags & ~os.O_APPEND)  # the kernel gives appends their offset

        def read(self, path: str, size: int, offset: int, fh: int) -> bytes:
            return os.pread(fh, size, offset)

        def write(self, path: str, data: bytes, offset: int, fh: int) -> int:
            budget = int(Path(budget_file).read_text())
            growth = max(0, offset + len(data) - os.fstat(fh).st_size)
            fits = len(data) - max(0, growth - max(0, budget - self._used()))
            if fits <= 0:
                raise mfusepy.FuseOSError(code)
            return os.pwrite(fh, data[:fits], offset)

        def truncate(self, path: str, length: int, fh: int | None = None) -> int:
            if fh is not None:
                os.ftruncate(fh, length)
            else:
                os.truncate(self._real(path), length)
            return 0

        def fsync(self, path: str, datasync: int, fh: int) -> int:
            os.fsync(fh)
            return 0

        def fsyncdir(self, path: str, datasync: int, fh: int) -> int:
            return 0

        def flush(self, path: str, fh: int) -> int:
            return 0

        def release(self, path: str, fh: int) -> int:
            os.close(fh)
            return 0

    mfusepy.FUSE(QuotaFS(), mountpoint, foreground=True, nothreads=True, direct_io=True, attr_timeout=0, entry_timeout=0)


@contextmanager
def quota_mount(folder: Path, budget: int, errno_name: str = "EDQUOT") -> Iterator[tuple[Path, Path]]:
    """Mount a budgeted file system at `folder/mnt`: yields (the mount point, the budget file to write a new budget to)."""
    backing, mountpoint, budget_file, log = folder / "backing", folder / "mnt", folder / "budget", folder / "quota_fs.log"
    backing.mkdir(parents=True, exist_ok=True)
    mountpoint.mkdir(parents=True, exist_ok=True)
    budget_file.write_text(str(budget))
    with open(log, "ab") as out:
        process = subprocess.Popen([sys.executable, __file__, str(backing), str(mountpoint), str(budget_file), errno_name], stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + MOUNT_TIMEOUT_S
        while not os.path.ismount(mountpoint):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the quota file system did not mount: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.02)
        yield mountpoint, budget_file
    finally:
        subprocess.run(["fusermount3", "-u", "-z", str(mountpoint)], check=False, capture_output=True)
        try:
            process.wait(timeout=MOUNT_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


if __name__ == "__main__":
    _run(*sys.argv[1:])
