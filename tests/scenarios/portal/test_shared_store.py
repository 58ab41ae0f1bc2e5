"""The file store and the signing key as several workers (processes) share them (docs/portal.md, "Deployment: several
workers"): appends to one upload from many processes at once keep the file whole and complete it exactly once
(POSIX record locks, `fcntl.lockf`); processes making the catalogue signing key at once all get the same key."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from pathlib import Path

from portal.services import publishing
from portal.storage import FileStore, FolderStore

PROCESSES = 6
CHUNK = 4096
CHUNKS = 48
JOIN_TIMEOUT = 120  # a hung child fails the test instead of hanging the suite


def _content() -> bytes:
    return b"".join(hashlib.sha256(i.to_bytes(4, "big")).digest() * (CHUNK // 32) for i in range(CHUNKS))


def _uploader(root: str, start, results) -> None:
    """One worker's share of a kiosk resending the same upload: take the lock, append the next chunk, until complete."""
    data = _content()
    sha = hashlib.sha256(data).hexdigest()
    store: FileStore = FolderStore(Path(root))
    appended = completed = 0
    start.wait()
    while True:
        with store.locked(sha):
            held = store.held(sha)
            if held.complete:
                break
            after = store.append(sha, held.received, len(data), data[held.received:held.received + CHUNK])
            appended += 1
            completed += after.complete
    results.put((os.getpid(), appended, completed))


def _key_maker(path: str, start, results) -> None:
    start.wait()
    results.put(publishing.load_or_create_key(Path(path)).hex())


def _run(target, *args) -> list:
    context = multiprocessing.get_context("spawn")  # as uvicorn starts its workers: nothing shared but the folder
    start, results = context.Event(), context.Queue()
    children = [context.Process(target=target, args=(*args, start, results)) for _ in range(PROCESSES)]
    for child in children:
        child.start()
    start.set()
    answers = [results.get(timeout=JOIN_TIMEOUT) for _ in children]
    for child in children:
        child.join(JOIN_TIMEOUT)
        assert child.exitcode == 0
    return answers


def test_processes_appending_one_upload_at_once_keep_it_whole_and_complete_it_once(tmp_path: Path) -> None:
    data = _content()
    sha = hashlib.sha256(data).hexdigest()
    answers = _run(_uploader, str(tmp_path / "files"))
    assert sum(appended for _, appended, _ in answers) == CHUNKS  # each chunk appended exactly once
    assert sum(completed for _, _, completed in answers) == 1
    store = FolderStore(tmp_path / "files")
    assert store.path(sha).read_bytes() == data
    assert not store.part_path(sha).exists()


def test_processes_making_the_signing_key_at_once_agree_on_one(tmp_path: Path) -> None:
    path = tmp_path / "files" / publishing.KEY_FILE
    keys = _run(_key_maker, str(path))
    assert len(set(keys)) == 1 and path.read_bytes().hex() == keys[0]
    assert sorted(p.name for p in path.parent.iterdir()) == [publishing.KEY_FILE]  # no draft left behind
    assert path.stat().st_mode & 0o077 == 0


def test_the_key_defaults_to_the_file_store_and_an_old_key_beside_the_database_keeps_working(tmp_path: Path) -> None:
    files, db_file = tmp_path / "files", tmp_path / "db" / "portal.db"
    assert publishing.default_key_path(files, db_file) == files / publishing.KEY_FILE
    legacy = publishing.legacy_key_path(db_file)
    legacy.parent.mkdir(parents=True)
    seed = publishing.load_or_create_key(legacy)
    assert publishing.default_key_path(files, db_file) == legacy  # the key kiosks already pin
    assert publishing.load_or_create_key(publishing.default_key_path(files, db_file)) == seed
