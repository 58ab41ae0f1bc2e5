"""A status writer process for the cursor stress test (tests/scenarios/portal/test_status_cursor.py).

It appends status changes with the portal's own service (portal.services.status_changes.record_change), each in its
own transaction held open a random moment after the insert, so the writers' commits interleave in every order.
Usage: status_writer.py DB_URL TAG COUNT DOSSIER_UUID...; each change's note is "TAG-i", so the test can tell them apart.
"""

from __future__ import annotations

import random
import sys
import time

from portal.db import Database
from portal.models import Dossier
from portal.services.status_changes import record_change


def main(db_url: str, tag: str, count: int, uuids: list[str]) -> None:
    db = Database(db_url)
    rng = random.Random(tag)
    try:
        for i in range(count):
            with db.transaction() as session:
                dossier = session.get(Dossier, rng.choice(uuids))
                assert dossier is not None
                record_change(session, dossier, rng.choice((2, 4, 9)), note=f"{tag}-{i}")
                session.flush()
                time.sleep(rng.random() * 0.004)  # a reader pulls while this change is written, not yet committed
    finally:
        db.dispose()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:])
