"""Migration 0008 on a database a 0007 release wrote: an uncanonical row is made canonical and found, a row whose
ID number was already cut is left as it is and listed by doctor, a delivered revision is never rewritten."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import select, text

from forms.samples import sample_values

PROCEDURE = "1.004873"


def _to_0007(engine) -> None:  # noqa: ANN001 - an Engine
    from alembic import command

    from kiosk.storage.db import alembic_config

    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0007")


def _as_0007_wrote_it(ctx, code: str, values: dict, *, column: str, search_key: str) -> None:  # noqa: ANN001
    """The row, its search key and its revisions' snapshots as a 0007 release stored them."""
    with ctx.engine.begin() as connection:
        connection.execute(text('UPDATE dossier SET "values" = :v, submitter_id_number = :c, search_key = :k WHERE code = :code'),
                           {"v": json.dumps(values), "c": column, "k": search_key, "code": code})
        for entry_id, snapshot in connection.execute(text(
                "SELECT outbox_entry.id, snapshot FROM outbox_entry JOIN dossier ON dossier.id = dossier_id WHERE code = :code"),
                {"code": code}).all():
            connection.execute(text("UPDATE outbox_entry SET snapshot = :s WHERE id = :id"),
                               {"s": json.dumps({**json.loads(snapshot), "values": values}), "id": entry_id})


def _row(ctx, code: str):  # noqa: ANN001, ANN202
    from kiosk.storage.models import Dossier, OutboxEntry

    with ctx.read() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.code == code))
        entry = session.scalar(select(OutboxEntry).where(OutboxEntry.dossier_id == dossier.id))
        return dict(dossier.values), dossier.submitter_id_number, entry.snapshot["values"], entry.state


def test_0008_makes_stored_numbers_canonical_and_doctor_lists_the_rows_whose_digits_were_lost(site_dir: Path, ctx, officer) -> None:
    from kiosk.admin.doctor import run_checks
    from kiosk.dossier.search import find_dossiers
    from kiosk.dossier.submit import submit
    from kiosk.storage.context import open_kiosk
    from kiosk.storage.models import Dossier, OutboxEntry
    from sync import outbox

    procedure = ctx.catalogue.get(PROCEDURE)
    answers = sample_values(procedure, seed=1, today=date.today())
    digits = answers["submitter_id_number"]
    pasted = "\u00a0".join((digits[:4], digits[4:8], digits[8:]))
    codes = [submit(ctx, procedure=procedure, values=answers, officer=officer).code for _ in range(3)]
    uncanonical, cut, delivered = codes
    with ctx.read() as session:
        delivered_id = session.scalar(select(OutboxEntry.id).join(OutboxEntry.dossier).where(Dossier.code == delivered))
    _to_0007(ctx.engine)
    old_values = {**answers, "submitter_id_number": pasted, "submitter_phone": "0912\u202f345\u202f678", "submitter_name": "H’Bia Byă"}
    _as_0007_wrote_it(ctx, uncanonical, old_values, column=pasted[:12], search_key=f"{uncanonical.lower()} h’bia bya {digits[:4]} {digits[4:8]} {digits[8:]}")
    cut_values = {**answers, "submitter_id_number": pasted[:12]}  # the digits are gone from the answers too
    _as_0007_wrote_it(ctx, cut, cut_values, column=pasted[:12], search_key=cut.lower())
    _as_0007_wrote_it(ctx, delivered, old_values, column=pasted[:12], search_key=delivered.lower())
    frozen = outbox.prepare(ctx, delivered_id).payload  # sent as 0007 built it ...
    with ctx.engine.begin() as connection:
        connection.execute(text("UPDATE outbox_entry SET state = 'delivered' WHERE id = :id"), {"id": delivered_id})
    ctx.close()

    upgraded = open_kiosk(site_dir)  # 0007 -> 0008
    try:
        values, column, sent, state = _row(upgraded, uncanonical)
        assert values["submitter_id_number"] == column == sent["submitter_id_number"] == digits
        assert values["submitter_phone"] == sent["submitter_phone"] == "0912345678"
        found = {query: [r.code for r in find_dossiers(upgraded, query)] for query in (digits, "hbia bya", "h'bia bya")}
        assert all(uncanonical in codes_found for codes_found in found.values()), found

        values, column, sent, _state = _row(upgraded, cut)  # not rewritten: doctor names it for an amendment
        assert values == cut_values and column == pasted[:12] and sent["submitter_id_number"] == pasted[:12]

        values, column, sent, state = _row(upgraded, delivered)  # the row is canonical; the revision the portal has is not rewritten
        assert state == "delivered" and values["submitter_id_number"] == column == digits
        assert sent["submitter_id_number"] == pasted
        with upgraded.read() as session:
            assert session.get(OutboxEntry, delivered_id).payload == frozen
    finally:
        upgraded.close()

    listed = [f for f in run_checks(site_dir) if f.check == "numbers"]
    label = procedure.field("submitter_id_number").label
    assert [(f.severity, cut in f.message_vi, label in f.message_vi) for f in listed] == [("warning", True, True)]
    assert "Bổ sung" in listed[0].message_vi
