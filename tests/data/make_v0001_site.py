"""Make a data folder with the release at schema 0001 (issue 2): 4 dossiers, one with a scan, two marked delivered.
Run it from a checkout of commit 8a74164 (it imports that release's module names)."""
import sys, json, sqlite3
from datetime import date, datetime, timezone, timedelta
from pathlib import Path
root = Path(sys.argv[1])
from kiosk.site import init_site
from kiosk.context import open_kiosk
from kiosk.officers import add_officer
from kiosk.dossiers import OfficerRef, submit
from kiosk.samples import sample_values
init_site(root, {"unit_id": "000.00.07.H26", "unit_name": "UBND xã Bát Tràng", "commune_code": "00583", "kiosk_number": 1, "portal_url": ""})
ctx = open_kiosk(root)
with ctx.transaction() as s:
    o = OfficerRef.of(add_officer(s, "lan", "Trần Thị Lan", "officer", "2468"))
scan = root.parent / "giay-chung-sinh.pdf"
scan.write_bytes(b"%PDF-1.4\n% a scan of the birth certificate\n" + bytes(range(256)) * 400)
codes = []
when = datetime(2026, 11, 24, 2, 30, tzinfo=timezone.utc)
for i, code in enumerate(["1.001193", "1.004873", "2.000635", "1.004873"]):
    p = ctx.catalogue.get(code)
    v = sample_values(p, seed=100 + i, today=date(2026, 11, 24))
    r = submit(ctx, procedure=p, values=v, officer=o, extra_files=[scan] if i == 0 else [], now=when + timedelta(minutes=17 * i))
    codes.append(r.code)
ctx.close()
c = sqlite3.connect(root / "kiosk.db")
c.execute("UPDATE outbox_entry SET state='delivered', delivered_at='2026-11-24 09:00:00.000000', attempts=1 WHERE dossier_id IN (SELECT id FROM dossier WHERE code IN (?, ?))", (codes[0], codes[1]))
c.commit()
c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
c.execute("PRAGMA journal_mode=DELETE")
c.close()
print(json.dumps(codes))
