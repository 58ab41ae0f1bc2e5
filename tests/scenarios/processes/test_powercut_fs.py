"""The power-cut file system's own tests (tests/support/powercut_fs.py): it must lose exactly what a power cut
loses — file data not fsynced, names whose folder was not fsynced — and keep everything that was made durable,
or the power-cut scenarios built on it prove nothing."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from powercut_mount import PowerCutMount, fuse_missing

pytestmark = pytest.mark.skipif(fuse_missing() is not None, reason=f"no FUSE here: {fuse_missing()}")


@pytest.fixture
def disk(tmp_path: Path):
    mount = PowerCutMount(tmp_path)
    mount.mount()
    yield mount
    mount.close()


def fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_synced(path: Path, data: bytes) -> None:
    """Write, fsync the file and its folder: durable."""
    path.write_bytes(data)
    fsync(path)
    fsync(path.parent)


def power_cut(disk: PowerCutMount, tear_seed: int | None = None) -> None:
    disk.cut(tear_seed)
    disk.remount()


def test_file_data_survives_only_once_fsynced(disk: PowerCutMount) -> None:
    kept = disk.mountpoint / "kept.txt"
    write_synced(kept, b"durable")
    with open(kept, "ab") as f:
        f.write(b" + lost")
    assert kept.read_bytes() == b"durable + lost"  # readers see it before the cut, from memory
    assert (disk.backing / "kept.txt").read_bytes() == b"durable"  # the disk does not have it
    power_cut(disk)
    assert kept.read_bytes() == b"durable"


def test_a_truncation_not_synced_is_undone(disk: PowerCutMount) -> None:
    path = disk.mountpoint / "t.bin"
    write_synced(path, b"x" * 5000)
    with open(path, "r+b") as f:
        f.truncate(10)
    assert path.stat().st_size == 10
    power_cut(disk)
    assert path.read_bytes() == b"x" * 5000


def test_a_new_name_needs_its_folder_fsynced(disk: PowerCutMount) -> None:
    (disk.mountpoint / "sub").mkdir()
    fsync(disk.mountpoint)
    lost = disk.mountpoint / "sub" / "lost.txt"
    lost.write_bytes(b"data")
    fsync(lost)  # the data is on disk, its name is not
    kept = disk.mountpoint / "kept.txt"
    write_synced(kept, b"ok")
    power_cut(disk)
    assert not lost.exists() and (disk.mountpoint / "sub").is_dir()
    assert kept.read_bytes() == b"ok"


def test_a_folder_not_made_durable_disappears_with_its_files(disk: PowerCutMount) -> None:
    folder = disk.mountpoint / "new"
    folder.mkdir()
    write_synced(folder / "inside.txt", b"x")  # the file's own folder fsynced, but "new" itself never was
    power_cut(disk)
    assert not folder.exists()


def test_rename_over_a_file_is_undone_without_the_folder_fsync(disk: PowerCutMount) -> None:
    target = disk.mountpoint / "settings.json"
    write_synced(target, b"old")
    tmp = disk.mountpoint / "settings.json.tmp"
    tmp.write_bytes(b"new")
    fsync(tmp)
    os.replace(tmp, target)
    assert target.read_bytes() == b"new"
    power_cut(disk)
    assert target.read_bytes() == b"old" and not tmp.exists()

    tmp.write_bytes(b"new")
    fsync(tmp)
    os.replace(tmp, target)
    fsync(disk.mountpoint)  # the atomic-write pattern done right
    power_cut(disk)
    assert target.read_bytes() == b"new" and not tmp.exists()


def test_an_unlink_not_made_durable_comes_back(disk: PowerCutMount) -> None:
    path = disk.mountpoint / "attachment.bin"
    write_synced(path, b"scan")
    path.unlink()
    assert not path.exists()
    power_cut(disk)
    assert path.read_bytes() == b"scan"
    path.unlink()
    fsync(disk.mountpoint)
    power_cut(disk)
    assert not path.exists()


def test_a_torn_write_keeps_whole_sectors_of_the_last_unsynced_write(disk: PowerCutMount) -> None:
    path = disk.mountpoint / "page.bin"
    write_synced(path, b"o" * 4096)
    fd = os.open(path, os.O_WRONLY)
    os.pwrite(fd, b"n" * 4096, 0)
    os.close(fd)
    prefixes = set()
    for seed in range(12):
        power_cut(disk, tear_seed=seed)
        data = path.read_bytes()
        new = len(data) - len(data.lstrip(b"n"))
        assert len(data) == 4096 and data == b"n" * new + b"o" * (4096 - new) and new % 512 == 0
        prefixes.add(new)
        write_synced(path, b"o" * 4096)
        fd = os.open(path, os.O_WRONLY)
        os.pwrite(fd, b"n" * 4096, 0)
        os.close(fd)
    assert len(prefixes) > 2  # the seed decides how much of the write landed: not always all or nothing


def test_an_armed_cut_falls_right_after_the_nth_sync(disk: PowerCutMount) -> None:
    log = disk.mountpoint / "log.txt"
    write_synced(log, b"")
    disk.arm(2)  # the second fsync from now
    fd = os.open(log, os.O_WRONLY | os.O_APPEND)
    for line in (b"one\n", b"two\n", b"three\n"):
        try:
            os.write(fd, line)
            os.fsync(fd)
        except OSError:
            break
    try:
        os.close(fd)
    except OSError:
        pass  # the power is gone
    assert disk.dead()
    disk.remount()
    assert log.read_bytes() == b"one\ntwo\n"  # the cut came after the second fsync returned


def test_sqlite_in_wal_mode_keeps_every_committed_row(disk: PowerCutMount) -> None:
    db = disk.mountpoint / "kiosk.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (x INTEGER)")
    conn.commit()
    for i in range(40):
        conn.execute("INSERT INTO t VALUES (?)", (i,))
        conn.commit()
    conn.execute("PRAGMA synchronous=OFF")  # commits that never reach the disk
    for i in range(40, 50):
        conn.execute("INSERT INTO t VALUES (?)", (i,))
        conn.commit()
    disk.cut(tear_seed=3)
    with pytest.raises(sqlite3.OperationalError):
        conn.execute("INSERT INTO t VALUES (99)")
        conn.commit()
    disk.remount()
    again = sqlite3.connect(db)
    assert again.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert again.execute("SELECT count(*), max(x) FROM t").fetchone() == (40, 39)
    again.close()
