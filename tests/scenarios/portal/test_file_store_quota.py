"""The portal's file store on a file system whose quota runs out (a FUSE file system with a byte budget: a short
write, then EDQUOT or ENOSPC, as a real full quota or disk does): the partial file is cut back to its length before
the chunk, the store says StorageFull with that length, and the chunk goes in whole once there is room."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

import pytest

from powercut_mount import fuse_missing
from quota_fs import quota_mount

CHUNK = 256 * 1024


@pytest.mark.skipif(fuse_missing() is not None, reason=f"FUSE unavailable: {fuse_missing()}")
@pytest.mark.parametrize("errno_name", ["EDQUOT", "ENOSPC"])
def test_a_chunk_past_the_quota_leaves_the_partial_file_as_it_was(tmp_path: Path, errno_name: str) -> None:
    from portal.storage import FolderStore, StorageFull

    data = os.urandom(2 * CHUNK + 10)
    sha = hashlib.sha256(data).hexdigest()
    with quota_mount(tmp_path, budget=CHUNK + 64 * 1024, errno_name=errno_name) as (mount, budget):
        store = FolderStore(mount / "files")
        with store.locked(sha):
            assert store.append(sha, 0, len(data), data[:CHUNK]).received == CHUNK
            with pytest.raises(StorageFull) as refused:
                store.append(sha, CHUNK, len(data), data[CHUNK: 2 * CHUNK])
        assert refused.value.held.received == CHUNK
        assert refused.value.__cause__.errno == getattr(errno, errno_name)  # a real error from the file system
        assert store.part_path(sha).read_bytes() == data[:CHUNK]  # nothing of the short write is left
        assert store.held(sha).received == CHUNK

        budget.write_text(str(4 * CHUNK))
        with store.locked(sha):
            store.append(sha, CHUNK, len(data), data[CHUNK: 2 * CHUNK])
            assert store.append(sha, 2 * CHUNK, len(data), data[2 * CHUNK:]).complete
        assert store.path(sha).read_bytes() == data
