"""What the screen keeps with a draft beyond the answers (the ID card's marks) comes back apart from the answers and
never reaches the submitted dossier (kiosk/dossier/drafts.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from forms.samples import sample_values
from kiosk.dossier.drafts import SCREEN_KEY, list_drafts, save_draft
from kiosk.dossier.submit import submit
from kiosk.storage.models import Dossier

MARKS = {"card_marks": [{"page": "nguoi_nop", "label": "Người nộp hồ sơ", "name": "Nguyễn Thị Mai",
                         "fields": ["submitter_name"], "retype": None, "checked": False}]}


def test_the_screen_state_comes_back_apart_from_the_answers(ctx, officer) -> None:
    procedure = ctx.catalogue.get("2.000635")
    draft_uuid = save_draft(ctx, officer, procedure, {"submitter_name": "Nguyễn Thị Mai"}, 0, screen=MARKS)
    (draft,) = list_drafts(ctx, officer.id)
    assert draft.values == {"submitter_name": "Nguyễn Thị Mai"} and draft.screen == MARKS
    assert draft.submitter_name == "Nguyễn Thị Mai"

    # Saved again without it (every person checked and forgotten, or no card): gone; the answers' keys never carry it.
    save_draft(ctx, officer, procedure, {"submitter_name": "Nguyễn Thị Mai", SCREEN_KEY: MARKS}, 0, draft_uuid)
    (draft,) = list_drafts(ctx, officer.id)
    assert draft.screen == {} and SCREEN_KEY not in draft.values


def test_the_submitted_dossier_has_the_answers_only(ctx, officer) -> None:
    procedure = ctx.catalogue.get("2.000635")
    values = sample_values(procedure, seed=9, today=date.today())
    draft_uuid = save_draft(ctx, officer, procedure, {"submitter_name": values["submitter_name"]}, 0, screen=MARKS)
    with ctx.read() as session:
        assert SCREEN_KEY in session.scalar(select(Dossier.values).where(Dossier.uuid == draft_uuid))
    submit(ctx, procedure=procedure, values=values, officer=officer, draft_uuid=draft_uuid)
    with ctx.read() as session:
        stored = session.scalar(select(Dossier.values).where(Dossier.uuid == draft_uuid))
    assert SCREEN_KEY not in stored and not [key for key in stored if key.startswith("_")]
    assert "Nguyễn Thị Mai" not in repr(stored) and "card_marks" not in repr(stored)
