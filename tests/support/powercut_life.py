"""The kiosk's lives between power cuts (tests/scenarios/processes/test_power_cuts.py).

This process imports the kiosk once, then forks one child per life on command, so 200 lives cost 200 forks, not
200 interpreter starts. A life is what the machine does between two power cuts: it opens the kiosk on the data
folder (on the power-cut file system) — the restart on what is left — checks what it finds against every code
shown before, prints the verdict, then receives dossiers (some with a scan), amends some and hands some back,
printing each code, revision and hand-back the moment the core returns it, as the window would show it.

Commands on stdin: `life SEED SHOWN_FILE [one]` (one: a single submit with a scan once the file `go` beside the\nmount exists, then wait), `reap PID`.
Output lines (a child's prefixed with its pid): `READY`, `PID n`, `n CHECK ok` / `n CHECK fail {json}`,
`n CODE code`, `n AMEND code revision`, `n HANDBACK code`, `n DONE`.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sys
import time
from datetime import date
from pathlib import Path

from sqlalchemy import func, select, text

from forms.samples import sample_values
from kiosk.dossier.amend import amend
from kiosk.dossier.handback import hand_back, mark_result_ready
from kiosk.dossier.submit import submit
from kiosk.security import audit, vault
from kiosk.security.keystore import load_data_key
from kiosk.security.officers import OfficerRef
from kiosk.storage.context import open_kiosk
from kiosk.storage.models import Attachment, Dossier, Officer, OutboxEntry


def say(line: str) -> None:
    os.write(1, (line + "\n").encode())  # unbuffered: a line is out the moment the core returned


def check(ctx, root: Path, shown: dict) -> list[str]:
    """What is wrong with the data folder after a restart, given everything shown before the cut."""
    problems: list[str] = []
    file_key = vault.file_key(load_data_key(root))
    with ctx.transaction() as session:
        verdict = session.execute(text("PRAGMA integrity_check")).scalar()
        if verdict != "ok":
            problems.append(f"integrity_check: {verdict}")
        twice = session.execute(select(Dossier.code).where(Dossier.code.is_not(None)).group_by(Dossier.code)
                                .having(func.count() > 1)).scalars().all()
        if twice:
            problems.append(f"codes twice: {twice[:5]}")
        dossiers = {d.code: d for d in session.scalars(select(Dossier).where(Dossier.code.is_not(None)))}
        # Every shown code must be there; the scans are read back for the last life's codes and a sample of the
        # older ones (all of them on the final check): reading every scan after every cut grows with the square.
        sample = set(shown["recent"]) | set(random.Random(len(shown["codes"])).sample(shown["codes"], min(8, len(shown["codes"]))))
        for code in shown["codes"]:
            dossier = dossiers.get(code)
            if dossier is None:
                problems.append(f"shown but missing: {code}")
                continue
            if code not in sample and not shown.get("full"):
                continue
            for attachment in session.scalars(select(Attachment).where(Attachment.dossier_id == dossier.id)):
                path = root / "attachments" / attachment.sha256
                try:
                    plain = vault.read_all(file_key, path)
                except Exception as exc:  # noqa: BLE001 - any failure to read it back is the finding
                    problems.append(f"{code}: attachment {attachment.sha256[:12]} unreadable: {exc!r}")
                    continue
                if hashlib.sha256(plain).hexdigest() != attachment.sha256:
                    problems.append(f"{code}: attachment {attachment.sha256[:12]} altered")
        for code, revision in shown["amends"].items():
            if code in dossiers and (dossiers[code].revision or 0) < revision:
                problems.append(f"amendment {code} r{revision} shown but missing")
        for code in shown["handbacks"]:
            if code in dossiers and dossiers[code].handed_back_at is None:
                problems.append(f"hand-back {code} shown but missing")
        orphans = [d.code for d in dossiers.values() if d.lifecycle == "submitted" and not session.scalar(
            select(func.count()).select_from(OutboxEntry).where(OutboxEntry.dossier_id == d.id))]
        if orphans:
            problems.append(f"submitted without an outbox entry: {orphans[:5]}")
        beyond = session.scalar(select(func.count()).select_from(OutboxEntry).join(Dossier, OutboxEntry.dossier_id == Dossier.id)
                                .where(OutboxEntry.revision > Dossier.revision))
        if beyond:
            problems.append(f"{beyond} outbox entries for revisions the dossier does not have")
        report = audit.verify(session, ctx.data.audit_head_path)
        if not report.ok:
            problems.append("audit: " + "; ".join(f.message for f in report.findings[:3]))
    return problems


def life(root: Path, seed: int, shown_file: Path, one: bool) -> None:
    """One life: restart, check, then work until the power goes (the parent cuts and kills this process)."""
    shown = json.loads(shown_file.read_text(encoding="utf-8"))
    try:
        ctx = open_kiosk(root)
        problems = check(ctx, root, shown)
    except Exception as exc:  # noqa: BLE001 - a kiosk that cannot start again is the worst finding
        problems = [f"restart failed: {exc!r}"]
        ctx = None
    pid = os.getpid()
    say(f"{pid} CHECK " + ("ok" if not problems else "fail " + json.dumps(problems, ensure_ascii=False)))
    if ctx is None:
        return
    with ctx.transaction() as session:
        officer = OfficerRef.of(session.scalars(select(Officer)).first())
    rng = random.Random(seed)
    procedures = ctx.catalogue.latest()
    scan = root.parent.parent / "scan.pdf"  # outside the mount
    received: list[str] = []
    names: dict[str, str] = {}
    go = root.parent.parent / "go"  # a walk step starts its submit when the test has armed the cut
    while one and not go.exists():
        time.sleep(0.005)
    n = 0
    while True:
        procedure = procedures[(seed + n) % len(procedures)]
        values = sample_values(procedure, seed=seed * 1000 + n, today=date.today())
        extra = [scan] if one or n % 3 == 0 else []
        code = submit(ctx, procedure=procedure, values=values, officer=officer, extra_files=extra).code
        say(f"{pid} CODE {code}")
        received.append(code)
        names[code] = str(values.get("submitter_name") or "")
        if one:
            say(f"{pid} DONE")
            time.sleep(3600)
        n += 1
        if n % 2 == 1 and received:
            target = received[rng.randrange(len(received))]
            phone = f"09{rng.randrange(10**8):08d}"
            revision = amend(ctx, code=target, officer=officer, values={"submitter_phone": phone}, note="Bổ sung theo yêu cầu")
            say(f"{pid} AMEND {target} {revision}")
        if n % 3 == 2 and len(received) >= 2:
            target = received.pop(0)
            mark_result_ready(ctx, target, officer)
            hand_back(ctx, target, receiver_name=names[target], officer=officer)
            say(f"{pid} HANDBACK {target}")


def main(root: str) -> None:
    say("READY")
    for line in sys.stdin:
        words = line.split()
        if words[:1] == ["life"]:
            pid = os.fork()
            if pid == 0:
                code = 0
                try:
                    life(Path(root), int(words[1]), Path(words[2]), one=len(words) > 3 and words[3] == "one")
                except BaseException as exc:  # noqa: BLE001 - a life ends in a power cut; anything else is reported
                    say(f"{os.getpid()} ERROR {exc!r}")
                    code = 1
                os._exit(code)
            say(f"PID {pid}")
        elif words[:1] == ["reap"]:
            try:
                os.waitpid(int(words[1]), 0)
            except ChildProcessError:
                pass
            say("REAPED")


if __name__ == "__main__":
    main(sys.argv[1])
