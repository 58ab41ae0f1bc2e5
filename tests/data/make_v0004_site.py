"""Make a data folder with the release at schema 0004 (commit e374981), for tests/test_upgrade_v0004.py.

Run from a checkout of e374981, with that checkout's environment, so the folder is written by that code:

    git worktree add /tmp/v0004 e374981 --detach && cd /tmp/v0004
    python3 -m venv .venv && .venv/bin/pip install -e '.[test]'
    .venv/bin/python tests/data/make_v0004_site.py tests/data/v0004-site

What it makes (site 000.00.07.H26 "UBND xã Bát Tràng", commune 00583, kiosk 1, no portal address):
- officers lan (Trần Thị Lan, officer, PIN 2468) and an (Nguyễn Văn An, admin, PIN 1357);
- six dossiers submitted on 2026-12-01 from 08:30 local time, 17 minutes apart, with sample values of
  fixed seeds (200 + i, today 2026-12-01), each in another outbox state:
    1001 1.001193 khai sinh      delivered (body frozen as a real send leaves it; delivered 2026-12-01 03:00 UTC)
    1002 1.004873 tình trạng HN  delivered (likewise)
    1003 2.000635 trích lục      queued, with a scanned file attached (attachments/<sha256>, encrypted)
    1004 1.000656 khai tử        queued
    1005 2.000815 chứng thực     sending: body frozen and attempt 1 committed, then the process died (a crash mid-send)
    1006 1.000894 kết hôn        revision 1 delivered, then amended at 2026-12-01 03:30 UTC (new phone number and one
                                 supplementary document): revision 2 queued
- one draft of 1.004859 (cải chính hộ tịch), never submitted: the first page typed and one answer of the second.

"Delivered" is set through a raw SQLCipher connection (state, delivered_at, portal_received_at, attempts=1), since
no portal is involved; everything else goes through the core functions of that commit. The database stays
encrypted as the kiosk leaves it (SQLCipher, key in keys/data.key), its WAL checkpointed into the main file so the
folder is self-contained. logs/ is removed (only noise). Prints a JSON summary (codes by state, the draft's uuid,
the frozen body digest of the `sending` revision, the scan's sha256) at the end.

Not deterministic byte for byte: keys, uuids, PIN hashes, nonces and audit event times (HMAC-chained, so left as
written) are the run's own. Codes, values and dates are fixed; the few times the API takes from the clock (the
`sending` entry's and the draft's) are set to fixed ones through the raw connection.
"""

import hashlib
import json
import shutil
import sys
import tempfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select

from kiosk.amendments import amend
from kiosk.context import open_kiosk
from kiosk.db import connect_encrypted, head_revision
from kiosk.dossiers import OfficerRef, save_draft, submit
from kiosk.keystore import load_data_key
from kiosk.models import Dossier, OutboxEntry
from kiosk.officers import add_officer
from kiosk.samples import sample_values
from kiosk.site import init_site
from sync.outbox import mark_sending, prepare

root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "v0004-site"
if root.exists() and any(root.iterdir()):
    sys.exit(f"{root} exists and is not empty: remove it first")
assert head_revision() == "0004", f"this script is for schema 0004 (commit e374981), not {head_revision()}"

TODAY = date(2026, 12, 1)
FIRST = datetime(2026, 12, 1, 1, 30, tzinfo=timezone.utc)  # 08:30 in Hà Nội
DELIVERED_AT = "2026-12-01 03:00:00.000000"  # how SQLAlchemy stores UTC times in SQLite
SENT_AT = "2026-12-01 02:40:00.000000"  # the `sending` entry's last change (the attempt that died)
AMENDED_AT = datetime(2026, 12, 1, 3, 30, tzinfo=timezone.utc)
DRAFT_AT = "2026-12-01 04:00:00.000000"
PLAN = [  # procedure, outbox state of revision 1, scan attached
    ("1.001193", "delivered", False),
    ("1.004873", "delivered", False),
    ("2.000635", "queued", True),
    ("1.000656", "queued", False),
    ("2.000815", "sending", False),
    ("1.000894", "delivered", False),  # then amended: revision 2 queued
]

init_site(root, {"unit_id": "000.00.07.H26", "unit_name": "UBND xã Bát Tràng", "commune_code": "00583", "kiosk_number": 1, "portal_url": ""})
ctx = open_kiosk(root)
with ctx.transaction() as s:
    lan = OfficerRef.of(add_officer(s, "lan", "Trần Thị Lan", "officer", "2468"))
    add_officer(s, "an", "Nguyễn Văn An", "admin", "1357")

scratch = Path(tempfile.mkdtemp())
scan = scratch / "ban-chinh-giay-khai-sinh.pdf"
scan.write_bytes(b"%PDF-1.4\n% a scan of the original birth certificate\n" + bytes(range(256)) * 300)

scan_sha = hashlib.sha256(scan.read_bytes()).hexdigest()  # its name in attachments/ (the content is encrypted there)
codes: list[str] = []
for i, (code, _state, with_scan) in enumerate(PLAN):
    p = ctx.catalogue.get(code)
    v = sample_values(p, seed=200 + i, today=TODAY)
    r = submit(ctx, procedure=p, values=v, officer=lan, extra_files=[scan] if with_scan else [], now=FIRST + timedelta(minutes=17 * i))
    codes.append(r.code)
shutil.rmtree(scratch)


def entry_id(code: str, revision: int) -> int:
    with ctx.read() as s:
        return s.scalar(select(OutboxEntry.id).join(Dossier).where(Dossier.code == code, OutboxEntry.revision == revision))


raw = connect_encrypted(root / "kiosk.db", load_data_key(root))
for code, (_p, state, _scan) in zip(codes, PLAN):
    if state == "delivered":  # a real send froze the body first (sync.outbox.prepare), then the portal's ack came
        prepare(ctx, entry_id(code, 1))
        raw.execute(
            "UPDATE outbox_entry SET state='delivered', delivered_at=?, portal_received_at=?, updated_at=?, attempts=1 WHERE id=?",
            (DELIVERED_AT, DELIVERED_AT, DELIVERED_AT, entry_id(code, 1)),
        )
        raw.commit()
    elif state == "sending":  # committed before the request; the process died before the answer
        prepare(ctx, entry_id(code, 1))
        mark_sending(ctx, entry_id(code, 1))

amended = codes[5]
ctx.now = lambda: AMENDED_AT  # amend() takes the time from the context
revision = amend(
    ctx,
    code=amended,
    officer=lan,
    values={"submitter_phone": "0912345678"},
    documents={"xac_nhan_thhn_ben_nam": 1},
    note="Bổ sung giấy xác nhận tình trạng hôn nhân bên nam; đổi số điện thoại",
)
assert revision == 2

draft_procedure = ctx.catalogue.get("1.004859")
full = sample_values(draft_procedure, seed=206, today=TODAY)
first_page = [f.id for f in draft_procedure.pages[0].fields]
typed = {k: full[k] for k in first_page if k in full}
typed["requester_id_paper_type"] = full.get("requester_id_paper_type", "cccd")
draft_uuid = save_draft(ctx, lan, draft_procedure, typed, page_index=1)

# Times these calls take from the clock, put on the same fixed day (audit times stay: they are in the HMAC chain).
raw.execute("UPDATE outbox_entry SET updated_at=? WHERE id=?", (SENT_AT, entry_id(codes[4], 1)))
raw.execute("UPDATE dossier SET created_at=?, updated_at=? WHERE uuid=?", (DRAFT_AT, DRAFT_AT, draft_uuid))
raw.commit()

with ctx.read() as s:
    states = {(c, r): st for c, r, st in s.execute(select(Dossier.code, OutboxEntry.revision, OutboxEntry.state).join(OutboxEntry))}
    sending_sha = s.scalar(select(OutboxEntry.payload_sha256).join(Dossier).where(Dossier.code == codes[4]))
ctx.close()

# Fold the WAL into kiosk.db (the folder must be complete without kiosk.db-wal / -shm), then check it.
raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
raw.close()
for side in ("kiosk.db-wal", "kiosk.db-shm", "kiosk.db-journal"):
    assert not (root / side).exists(), f"{side} left behind"
shutil.rmtree(root / "logs", ignore_errors=True)
leftovers = [p for p in root.rglob("*") if p.name.endswith((".tmp", ".lock"))]
assert not leftovers, leftovers

print(json.dumps({
    "commit": "e374981",
    "schema": head_revision(),
    "codes": codes,
    "by_state": {st: sorted(f"{c}@r{r}" for (c, r), s_ in states.items() if s_ == st) for st in sorted(set(states.values()))},
    "amended": amended,
    "draft_uuid": draft_uuid,
    "draft_values": typed,
    "sending_payload_sha256": sending_sha,
    "scan_sha256": scan_sha,
}, ensure_ascii=False, indent=1))
