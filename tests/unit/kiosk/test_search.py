"""Dossier look-up as an officer types it: any word order, no diacritics, part of a word, code or ID number."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.dossier.submit import submit
from forms.samples import sample_values
from kiosk.dossier.search import search_dossiers

NAMES = ["Nguyễn Thị Hoa", "Trần Văn Đức", "Nguyễn Đức Thịnh", "Lê Thị Ngọc Ánh"]


@pytest.fixture
def filed(ctx, officer) -> dict[str, tuple[str, str]]:
    """Four submitted dossiers: name -> (code, ID number)."""
    procedure = ctx.catalogue.get("1.004873")
    out = {}
    for i, name in enumerate(NAMES):
        values = dict(sample_values(procedure, seed=i, today=date.today()), submitter_name=name)
        result = submit(ctx, procedure=procedure, values=values, officer=officer)
        out[name] = (result.code, values["submitter_id_number"])
    return out


def names(ctx, query: str) -> set[str]:
    with ctx.read() as session:
        return {row.submitter_name for row in search_dossiers(session, query)}


def test_every_word_must_appear_in_any_order_without_diacritics(ctx, filed) -> None:
    assert names(ctx, "nguyen") == {"Nguyễn Thị Hoa", "Nguyễn Đức Thịnh"}
    assert names(ctx, "duc nguyen") == {"Nguyễn Đức Thịnh"}
    assert names(ctx, "NGUYỄN   thị") == {"Nguyễn Thị Hoa", "Nguyễn Đức Thịnh"}  # "thi" is part of "thinh"
    assert names(ctx, "thi") == {"Nguyễn Thị Hoa", "Lê Thị Ngọc Ánh", "Nguyễn Đức Thịnh"}  # "thi" inside "thinh" too
    assert names(ctx, "nguyen tran") == set()


def test_short_words_and_parts_of_words(ctx, filed) -> None:
    assert names(ctx, "le anh") == {"Lê Thị Ngọc Ánh"}  # two-letter words: no trigram, the column is scanned
    assert names(ctx, "guye oa") == {"Nguyễn Thị Hoa"}


def test_code_and_id_number(ctx, filed) -> None:
    code, number = filed["Trần Văn Đức"]
    assert names(ctx, code) == {"Trần Văn Đức"}
    assert names(ctx, code[-8:]) == {"Trần Văn Đức"}
    assert names(ctx, number) == {"Trần Văn Đức"}


@pytest.mark.parametrize("sep", ["-", ".", "/", "\u2010", "\u2013", " "])
def test_an_id_number_typed_with_separators_finds_the_dossier(ctx, filed, sep: str) -> None:
    """Papers print "001-099-012345" or "001.099.012345"; the number is stored without them (canonical form)."""
    _code, number = filed["Trần Văn Đức"]
    typed = sep.join([number[:3], number[3:6], number[6:]])
    assert names(ctx, typed) == {"Trần Văn Đức"}


def test_a_code_typed_with_its_dashes_still_finds_only_its_dossier(ctx, filed) -> None:
    code, _number = filed["Lê Thị Ngọc Ánh"]
    assert names(ctx, code.split("-", 1)[1]) == {"Lê Thị Ngọc Ánh"}  # "261206-1003": dashes kept in codes


@pytest.mark.parametrize(
    "query",
    ['"', '"nguyen"', 'ngu"yen', "%%%", "a_b", "\\\\", "AND", "NOT nguyen", "ngu*", "(nguyen", "nguyen OR tran", "hoa)", "nguyen:"],
)
def test_search_syntax_in_the_query_is_only_text(ctx, filed, query: str) -> None:
    """What the officer types is looked for literally: FTS5 operators, quotes and LIKE wildcards are not syntax,
    so none of these raises and none matches (no name holds these characters or the word "not"/"or")."""
    assert names(ctx, query) == set()
