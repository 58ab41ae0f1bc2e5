"""Child process for test_crash_safety: submits dossiers forever, printing each code only after its commit."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from kiosk.storage.context import open_kiosk
from kiosk.dossier.submit import submit
from kiosk.security.officers import OfficerRef
from kiosk.storage.models import Officer
from forms.samples import sample_values


def main(root: str, start_seed: int, attachment: str) -> None:
    ctx = open_kiosk(Path(root))
    with ctx.transaction() as session:
        officer = OfficerRef.of(session.query(Officer).first())
    procedures = ctx.catalogue.latest()
    prepared = [(p, sample_values(p, seed=start_seed + i, today=date.today())) for i, p in enumerate(procedures * 3)]
    print("READY", flush=True)
    n = 0
    while True:
        procedure, values = prepared[n % len(prepared)]
        extra = [Path(attachment)] if n % 3 == 0 else []
        result = submit(ctx, procedure=procedure, values=values, officer=officer, extra_files=extra)
        sys.stdout.write(f"CODE {result.code}\n")
        sys.stdout.flush()
        n += 1


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
