"""A revision's attachments before its body: resumable uploads in chunks, from the bytes the portal holds.

Asking the portal first how much of a file it holds costs a round trip per file: 0.3 s on a rural link, about 4%
of the goodput of a sync of 200 kB scans (bench/rural_tun.py). So the kiosk asks only when the portal may hold
some of it: a retry (an earlier attempt may have sent bytes), a later revision (its files went with an earlier
one), a file another dossier of this kiosk also carries, or a file last uploaded ahead (sync/ahead.py: a pass
cut while it went up leaves its entry at attempt 0). Otherwise it starts at byte 0 at once; if the portal
holds bytes after all (another kiosk sent the same file), its 409 names where to resume, or it answers
"complete", and nothing is wrong, only a chunk spent.
"""

from __future__ import annotations

import hashlib
from typing import Callable

from sqlalchemy import func, select

from kiosk.security import vault
from kiosk.storage.context import KioskContext
from kiosk.storage.models import Attachment
from sync import meta, wire
from sync.client import AttachmentStatus, PortalClient
from sync.errors import AttachmentSizeConflict, BadAnswer, LocalFileMissing
from sync.outbox import Prepared


class Cancelled(Exception):
    """The officer stopped the pass (or the window is closing) between two chunks."""


def shared_files(ctx: KioskContext, prepared: Prepared) -> set[str]:
    """The SHA-256s of this revision's files the portal may hold already: another dossier of this kiosk also
    carries them, or they were the last ones uploaded ahead."""
    shas = [ref.sha256 for ref in prepared.attachments]
    if not shas:
        return set()
    with ctx.read() as session:
        rows = session.execute(select(Attachment.sha256).where(Attachment.sha256.in_(shas)).group_by(Attachment.sha256).having(func.count() > 1))
        ahead = set((meta.get(session, meta.UPLOADING_AHEAD) or "").split())
        return {sha for (sha,) in rows} | (ahead & set(shas))


def upload_attachments(
    ctx: KioskContext,
    client: PortalClient,
    prepared: Prepared,
    *,
    attempt: int,
    emit: Callable[[int, int], None],
    cancelled: Callable[[], bool],
    ask_first: bool = False,
    on_sent: Callable[[], None] | None = None,
) -> None:
    """Upload every attachment the portal does not hold completely; `emit(sent, total)` after each chunk.

    `on_sent()` once the last byte to send has been handed to the socket (sync/ahead.py), or at the end when none was.
    """
    total = sum(a.size for a in prepared.attachments) + len(prepared.payload)
    may_hold = ask_first or attempt > 1 or prepared.revision > 1
    shared = set() if may_hold else shared_files(ctx, prepared)
    done = 0
    for index, ref in enumerate(prepared.attachments):
        if may_hold or ref.sha256 in shared:
            state = client.attachment_status(ref.sha256)
        else:
            state = AttachmentStatus(ref.sha256, ref.size, 0, False)
        if not state.complete:
            last = on_sent if index == len(prepared.attachments) - 1 else None
            _upload_one(ctx, client, ref, state, lambda offset: emit(done + offset, total), cancelled, last)
        done += ref.size
        emit(done, total)
    if on_sent is not None:
        on_sent()


def _upload_one(ctx: KioskContext, client: PortalClient, ref, state: AttachmentStatus, emit: Callable[[int], None], cancelled: Callable[[], bool],  # noqa: ANN001 - outbox.AttachmentRef
                on_sent: Callable[[], None] | None = None) -> None:
    path = ctx.data.attachments_dir / ref.sha256
    try:
        opened = vault.Opened(ctx.file_key, path)
    except (OSError, vault.DamagedFile):
        raise LocalFileMissing(ref.filename) from None
    with opened:
        if opened.size != ref.size:
            raise LocalFileMissing(ref.filename)
        if state.received and state.size != ref.size:  # those bytes belong to an upload of another size: never resume in it
            raise AttachmentSizeConflict()
        offset, stuck = state.received, 0
        # From byte 0 the plaintext is hashed as it is sent (one pass over the file, not two) and checked against its
        # content address before the last chunk leaves: a file damaged or swapped on disk never completes on the portal.
        from_zero = offset == 0
        digest = hashlib.sha256() if from_zero else None
        while not state.complete:
            if cancelled():
                raise Cancelled()
            try:
                chunk = opened.read_at(offset, min(wire.CHUNK_SIZE, ref.size - offset))
                last = offset + len(chunk) >= ref.size
                if digest is not None:
                    digest.update(chunk)
                    if last and digest.hexdigest() != ref.sha256:
                        raise LocalFileMissing(ref.filename)
                elif last and from_zero and opened.sha256() != ref.sha256:  # began at 0, then the portal moved us
                    raise LocalFileMissing(ref.filename)
            except vault.DamagedFile:
                raise LocalFileMissing(ref.filename) from None
            final = on_sent if last else None
            state = client.upload_chunk(ref.sha256, offset, ref.size, chunk, on_sent=final)
            if digest is not None and state.received != offset + len(chunk):
                digest = None  # the portal named another offset (a 409): no longer one pass from 0
            if state.received == offset and not state.complete:
                stuck += 1  # the portal keeps naming an offset without accepting bytes
                if stuck >= 3:
                    raise BadAnswer("attachment upload makes no progress")
            offset = state.received
            emit(offset)
            if offset >= ref.size and not state.complete:
                raise BadAnswer("attachment not complete after its last byte")
