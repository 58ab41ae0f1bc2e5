"""The audit chain's witness on disk: `keys/audit.head`, MACed under the audit key, written in two phases.

The database alone cannot show that its newest rows were deleted; the head file, outside it, says how far the
chain went. It holds the newest committed row's (seq, MAC) and, while a transaction is committing, the row
that transaction adds (`next`): written and fsynced (file and folder) *before* the commit, promoted *after*
it. So at every instant the database's newest row is `seq` or `next`, whatever moment the power goes: a power
cut can never leave the head behind or ahead of the database, and a head that disagrees with the database is
always a finding, never "maybe a power cut" (docs/security.md, "Audit trail").

`head_mac` = HMAC-SHA256(audit key, "mot-cua-kiosk audit-head v1" ‖ seq ‖ mac ‖ next): a head cannot be
forged or edited without the key. An older *genuine* head can be put back; with the rows after it present
that is a stale head (a finding), with those rows deleted too it is invisible here, which is why the portal
keeps a copy of the head at each sync (sync/audit_witness.py). No content and no personal data: numbers
and MACs only.

A head written before this format (`{"seq", "mac"}`, no `head_mac`) is "legacy": trusted as the old code
trusted it until the first event after the upgrade signs the head and records `audit.head_signed`; from then
on a legacy head is a forgery.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from kiosk.storage.files import write_atomic

log = logging.getLogger(__name__)

HEAD_DOMAIN = b"mot-cua-kiosk audit-head v1\n"
SIGNED_ACTION = "audit.head_signed"  # recorded once, when a legacy head is first replaced by a signed one
MISMATCH_ACTION = "audit.head_mismatch"  # recorded when an event finds the head missing, forged or stale


@dataclass(frozen=True)
class Head:
    seq: int
    mac: str
    next: tuple[int, str] | None = None  # the row a commit in flight adds (two-phase write)
    legacy: bool = False  # the unsigned format of before the witness

    def accepts(self, tip: tuple[int, str] | None) -> bool:
        """True when `tip` (the database's newest chained row) is where this head says the chain ends."""
        if tip is None:
            return self.seq == 0
        return tip == (self.seq, self.mac) or tip == self.next

    @property
    def top(self) -> int:
        """The highest seq this head vouches for, committed or being committed."""
        return max(self.seq, self.next[0] if self.next else 0)


class HeadForged(ValueError):
    """The head file is unreadable or its MAC does not match: edited, forged, or written under another key."""


def _head_mac(key: bytes, seq: int, mac: str, nxt: tuple[int, str] | None) -> str:
    body = json.dumps({"seq": seq, "mac": mac, "next": list(nxt) if nxt else None}, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, HEAD_DOMAIN + body.encode("ascii"), hashlib.sha256).hexdigest()


def read(path: Path, key: bytes) -> Head | None:
    """The head at `path`; None when there is none; HeadForged when it is unreadable or its MAC is wrong."""
    try:
        data = json.loads(path.read_text(encoding="ascii"))
        seq, mac = int(data["seq"]), str(data["mac"])
        raw_next = data.get("next")
        nxt = (int(raw_next[0]), str(raw_next[1])) if raw_next else None
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError, IndexError, UnicodeDecodeError) as exc:
        raise HeadForged("audit head unreadable") from exc
    if "head_mac" not in data:
        return Head(seq, mac, nxt, legacy=True)
    if not hmac.compare_digest(str(data["head_mac"]), _head_mac(key, seq, mac, nxt)):
        raise HeadForged("audit head MAC mismatch")
    return Head(seq, mac, nxt)


def _write(path: Path, key: bytes, seq: int, mac: str, nxt: tuple[int, str] | None, *, durable: bool) -> None:
    body = {"seq": seq, "mac": mac, "next": list(nxt) if nxt else None, "head_mac": _head_mac(key, seq, mac, nxt)}
    write_atomic(path, json.dumps(body, sort_keys=True).encode("ascii"))
    if durable:
        from kiosk.storage.files import fsync_dir

        fsync_dir(path.parent)  # the rename itself must survive a cut before the database's commit does


def _lock(path: Path) -> FileLock:
    """Head writes of the window and of kiosk-admin, read-compare-write, one at a time."""
    return FileLock(str(path.with_name(path.name + ".lock")))


def before_commit(path: Path, key: bytes, base: tuple[int, str] | None, new: tuple[int, str]) -> None:
    """Phase one, inside the transaction (the database's write lock is held): "the chain ends at `base` or `new`"."""
    with _lock(path):
        base_seq, base_mac = base or (0, "")
        _write(path, key, base_seq, base_mac, new, durable=True)


def after_commit(path: Path, key: bytes, new: tuple[int, str]) -> None:
    """Phase two: the commit is durable, so the chain ends at `new`, unless another writer has moved on since.

    No folder fsync: should this rename be lost, the phase-one head (which names `new` as `next`) is still right.
    """
    with _lock(path):
        try:
            current = read(path, key)
        except HeadForged:
            current = None
        if current is not None and not current.legacy and current.next != new and current.top >= new[0]:
            return  # another transaction's phase one already vouches for a later row
        _write(path, key, new[0], new[1], None, durable=False)


def reset(path: Path, key: bytes, tip: tuple[int, str] | None) -> None:
    """After a restore: the head follows the restored database (its rows are genuine; docs/security.md)."""
    with _lock(path):
        path.unlink(missing_ok=True)
        if tip is not None:
            _write(path, key, tip[0], tip[1], None, durable=True)


def safe(call, *args) -> None:  # type: ignore[no-untyped-def]
    """A head write that fails (disk full, a read-only keys folder) is logged, not raised: the events are the
    record; the next event finds the head behind and records that in the chain (MISMATCH_ACTION)."""
    try:
        call(*args)
    except OSError as exc:
        log.warning("audit head not written: %s", exc.strerror or exc)
